"""Builds the static site: every notebook, with its committed outputs, as an HTML page, the
API reference (typedoc, from the TSDoc comments of src/), and an index that links them all.

    npm run site                                # scripts/setup.sh, then this script: writes site/
    .venv/bin/python scripts/site.py --out DIR  # the same into another folder

The pages open from the file system (file://, relative paths, no server) and load
nothing from the network:
  - charts are live where JavaScript runs, drawn by vega-embed 6 with the vega and
    vega-lite of node_modules (the same vega-lite as the library), and fall back to
    the SVG of the same display bundle where it does not;
  - maths is typeset by MathJax 3 from the `mathjax` npm package;
  - nbconvert's CDN references (require.js, MathJax 2, mermaid, widgets) are left out
    by the template in scripts/site-template/, and the build fails if any remain.
The API reference is typedoc's default theme in <site>/api/, configured by typedoc.json;
its assets are its own files, and the same offline check covers them.
The notebooks are not re-executed: `npm run reproduce` makes their outputs.
"""
import argparse
import html
import pathlib
import re
import shutil
import subprocess
import sys

import nbformat
from nbconvert import HTMLExporter

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TEMPLATE = pathlib.Path(__file__).resolve().parent / "site-template"
NODE_MODULES = ROOT / "node_modules"
ASSETS = "assets"  # folder inside the site, referenced by relative paths only
API = "api"  # folder inside the site for the API reference

# (source under node_modules, destination under <site>/assets)
VEGA_FILES = [
    ("vega/build/vega.min.js", "vega/vega.min.js"),
    ("vega-lite/build/vega-lite.min.js", "vega/vega-lite.min.js"),
    ("vega-embed/build/vega-embed.min.js", "vega/vega-embed.min.js"),
    ("vega/LICENSE", "vega/LICENSE-vega"),
    ("vega-lite/LICENSE", "vega/LICENSE-vega-lite"),
    ("vega-embed/LICENSE", "vega/LICENSE-vega-embed"),
]
# MathJax 3 is loaded as startup.js plus the components that the pages ask for
# (see the template). Only these are copied: the combined bundles and the menu
# carry the speech-rule-engine, which would fetch its data from a CDN.
MATHJAX_FILES = [
    "startup.js",
    "core.js",
    "input/tex-full.js",
    "output/svg.js",
    "output/svg/fonts/tex.js",
    "a11y/assistive-mml.js",
]
CDN_HOSTS = re.compile(
    r"cdnjs\.cloudflare\.com|cdn\.jsdelivr\.net|unpkg\.com|ajax\.googleapis\.com|fonts\.googleapis\.com"
    r"|fonts\.gstatic\.com|code\.jquery\.com|cdn\.plot\.ly|cdn\.mathjax\.org|esm\.sh|skypack\.dev"
)
REMOTE_LOAD = re.compile(r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)
VEGA_LITE_MIME = re.compile(r"^application/vnd\.vegalite\.v\d+\+json$")
# typedoc's pages draw each icon with <use href="…assets/icons.svg#icon-…">. A browser
# refuses that on file:// (each file is its own origin) and logs an error, before the
# theme's icons.js puts the same symbols into the page. Pointing the references at those
# in-page symbols (#icon-…) makes no cross-file request at all.
ICON_REFERENCE = re.compile(r'(<use href=")(?:\.\./)*assets/icons\.svg(#icon-[^"]*")')


def title_of(nb, fallback):
    """The text of the notebook's first Markdown heading, without Markdown marks."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            match = re.match(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", line)
            if match:
                text = re.sub(r"[`*_]", "", match.group(1))
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
                return text.strip() or fallback
    return fallback


def count_charts(nb):
    return sum(
        1
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if any(VEGA_LITE_MIME.match(mime) for mime in out.get("data", {}))
    )


def executed(nb):
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    return not code or any(c.get("outputs") or c.get("execution_count") for c in code)


def copy_assets(out):
    missing = []
    for source, dest in VEGA_FILES:
        src = NODE_MODULES / source
        if not src.is_file():
            missing.append(str(src.relative_to(ROOT)))
            continue
        target = out / ASSETS / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    mathjax = NODE_MODULES / "mathjax"
    for name in MATHJAX_FILES + ["../LICENSE"]:
        src = (mathjax / "es5" / name).resolve()
        if not src.is_file():
            missing.append(str(src.relative_to(ROOT)))
            continue
        target = out / ASSETS / "mathjax" / ("LICENSE" if name == "../LICENSE" else name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    shutil.copyfile(TEMPLATE / "site.js", out / ASSETS / "site.js")
    if missing:
        sys.exit("site: missing " + ", ".join(missing) + " (run scripts/setup.sh, which installs the npm packages)")


def link_notebooks(body, stems):
    """Links between notebooks point at their pages."""

    def repl(match):
        stem = match.group(2)
        return f'{match.group(1)}{stem}.html{match.group(3) or ""}"' if stem in stems else match.group(0)

    return re.sub(r'(href=")(?:\./)?([^"/:#?]+)\.ipynb(#[^"]*)?"', repl, body)


INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif; max-width: 860px; margin: 2.5em auto; padding: 0 1em; color: #1f2328; line-height: 1.5; }}
h1 {{ font-size: 1.8em; margin-bottom: 0.2em; }}
p.lead {{ color: #57606a; margin-top: 0; }}
ol.notebooks {{ list-style: none; padding: 0; }}
ol.notebooks li {{ padding: 0.7em 0; border-bottom: 1px solid #d8dee4; }}
ol.notebooks a {{ font-size: 1.15em; text-decoration: none; color: #0969da; }}
ol.notebooks a:hover {{ text-decoration: underline; }}
.meta {{ color: #57606a; font-size: 0.9em; }}
p.api a {{ color: #0969da; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="lead">Gradient estimators for discrete random variables, in TypeScript: the notebooks with their outputs.</p>
<p class="api"><a href="{api}/index.html">API reference</a>: every public function, class and type of the library, from its documentation comments.</p>
<ol class="notebooks">
{items}
</ol>
</body>
</html>
"""


def build_api(out):
    """The API reference from the TSDoc comments, by typedoc, into <out>/api."""
    typedoc = NODE_MODULES / ".bin" / "typedoc"
    if not typedoc.is_file():
        sys.exit("site: node_modules/.bin/typedoc is missing (run scripts/setup.sh, which installs the npm packages)")
    run = subprocess.run(
        [str(typedoc), "--options", str(ROOT / "typedoc.json"), "--out", str(out / API), "--logLevel", "Warn"],
        cwd=ROOT, capture_output=True, text=True,
    )
    log = re.sub(r"\x1b\[[0-9;]*m", "", run.stdout + run.stderr).strip()
    if run.returncode != 0 or not (out / API / "index.html").is_file():
        sys.exit(f"site: typedoc failed (exit {run.returncode}):\n{log}")
    pages = 0
    for page in (out / API).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        page.write_text(ICON_REFERENCE.sub(r"\1\2", text), encoding="utf-8")
        pages += 1
    print(f"site: {API}/index.html  API reference ({pages} pages)")
    # typedoc.json sets disableSources: the site opens offline and has no source host to
    # link to, so its pages name no source file, and typedoc does not look for a git remote.
    for line in log.splitlines():
        print(f"site:   typedoc: {line}")


def build(out):
    if out.exists():
        if out == ROOT or ROOT not in out.parents:
            sys.exit(f"site: refusing to clear {out}: choose a folder inside {ROOT}")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    copy_assets(out)

    notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
    if not notebooks:
        sys.exit(f"site: no notebooks in {NOTEBOOKS}")
    stems = {nb.stem for nb in notebooks}
    exporter = HTMLExporter(template_name=TEMPLATE.name, extra_template_basedirs=[str(TEMPLATE.parent)])

    items = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        title = title_of(nb, path.stem)
        resources = {"metadata": {"name": title, "path": str(NOTEBOOKS)}, "site_assets": ASSETS}
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        body = link_notebooks(body, stems)
        (out / f"{path.stem}.html").write_text(body, encoding="utf-8")
        charts = count_charts(nb)
        note = "" if executed(nb) else "  (no outputs: run `npm run reproduce` first)"
        print(f"site: {path.stem}.html  {title}  ({charts} chart{'s' if charts != 1 else ''}){note}")
        items.append(
            f'<li><a href="{html.escape(path.stem)}.html">{html.escape(title)}</a>'
            f'<div class="meta">{html.escape(path.name)} · {charts} chart{"s" if charts != 1 else ""}</div></li>'
        )
    build_api(out)
    (out / "index.html").write_text(
        INDEX.format(title="discrete-gradients · notebooks", api=API, items="\n".join(items)), encoding="utf-8"
    )
    check_offline(out)
    print(f"site: {len(notebooks)} notebooks written to {out}/ ; open {(out / 'index.html').as_uri()}")


def check_offline(out):
    """Fails when a page or asset would load anything from the network."""
    problems = []
    for file in sorted(out.rglob("*")):
        if file.suffix not in {".html", ".js", ".css"}:
            continue
        text = file.read_text(encoding="utf-8", errors="replace")
        for pattern, what in ((CDN_HOSTS, "CDN address"), (REMOTE_LOAD, "remote load")):
            if file.suffix != ".html" and pattern is REMOTE_LOAD:
                continue
            match = pattern.search(text)
            if match:
                start = max(0, match.start() - 60)
                problems.append(f"{file.relative_to(out)}: {what}: …{text[start:match.end() + 60]}…")
    if problems:
        sys.exit("site: the site would load from the network:\n  " + "\n  ".join(problems))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "site"), help="output folder (default: site/)")
    args = parser.parse_args()
    build(pathlib.Path(args.out).resolve())


if __name__ == "__main__":
    main()
