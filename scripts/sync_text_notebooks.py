"""Writes each notebook's sources as a TypeScript text file for review, or checks them.

    python scripts/sync_text_notebooks.py            # write notebooks/text/*.ts from notebooks/*.ipynb
    python scripts/sync_text_notebooks.py --check    # fail if a text file is missing, differs or is orphaned
    python scripts/sync_text_notebooks.py --check DIR  # the same for another folder of notebooks

The pairing (which folder, which format) is set once, in the jupytext.toml of the notebooks'
folder; JupyterLab's jupytext extension reads the same file, so saving a notebook in JupyterLab
rewrites its text file too. A text file holds the cells' sources in jupytext's percent format
(`// %%` code cells, `// %% [markdown]` Markdown cells) and nothing else: no outputs, no metadata.

This script only ever writes text files. The .ipynb files, which hold the outputs, stay the
source of truth; a text file edited by hand is overwritten here (or reported by --check).
"""
import argparse
import difflib
import os
import pathlib
import sys

import jupytext
from jupytext.config import load_jupytext_config, notebook_formats
from jupytext.paired_paths import paired_paths

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"
REGENERATE = "npm run notebooks:text"
DIFF_LINES = 12  # enough to show where a text file went wrong without flooding the test log


def shown(path):
    """The path as a reader would type it from here."""
    return os.path.relpath(path)


def expected_texts(folder):
    """Maps each paired text path to the text that jupytext makes from its notebook."""
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        sys.exit(f"sync_text_notebooks: no notebooks in {folder}")
    config = load_jupytext_config(str(notebooks[0]))
    if config is None or not config.formats:
        sys.exit(f"sync_text_notebooks: no jupytext.toml with `formats` for {folder}")
    texts = {}
    for path in notebooks:
        notebook = jupytext.read(path)
        pairs = paired_paths(str(path), "ipynb", notebook_formats(notebook, config, str(path)))
        text_pairs = [(alt, fmt) for alt, fmt in pairs if fmt["extension"] != ".ipynb"]
        if len(text_pairs) != 1:
            sys.exit(f"sync_text_notebooks: {path.name} should pair with one text file, but pairs with {len(text_pairs)}")
        alt, fmt = text_pairs[0]
        texts[pathlib.Path(alt)] = jupytext.writes(notebook, fmt, config=config)
    return texts


def orphans(texts):
    """Text files in the pairing folders whose notebook is gone (renamed or deleted)."""
    folders = {path.parent for path in texts}
    suffixes = {path.suffix for path in texts}
    found = {p for folder in folders for suffix in suffixes for p in folder.glob(f"*{suffix}")}
    return sorted(found - set(texts))


def check(texts):
    problems = []
    for path, text in texts.items():
        if not path.exists():
            problems.append(f"{shown(path)}: missing")
            continue
        actual = path.read_text(encoding="utf-8")
        if actual != text:
            diff = difflib.unified_diff(
                text.splitlines(), actual.splitlines(), "from the notebook", shown(path), lineterm="", n=1
            )
            problems.append(f"{shown(path)}: differs from its notebook\n" + "\n".join(list(diff)[:DIFF_LINES]))
    problems += [f"{shown(path)}: has no notebook" for path in orphans(texts)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        sys.exit(f"sync_text_notebooks: {len(problems)} text file(s) out of sync; run `{REGENERATE}`")
    print(f"sync_text_notebooks: {len(texts)} text files match their notebooks")


def write(texts):
    changed = 0
    for path, text in texts.items():
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        changed += 1
    stale = orphans(texts)
    for path in stale:
        path.unlink()
    print(f"sync_text_notebooks: {changed} of {len(texts)} text files written, {len(stale)} orphaned removed")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare, and fail on any difference")
    parser.add_argument("folder", nargs="?", type=pathlib.Path, default=NOTEBOOKS, help="the notebooks' folder")
    args = parser.parse_args()
    texts = expected_texts(args.folder.resolve())
    if args.check:
        check(texts)
    else:
        write(texts)


if __name__ == "__main__":
    main()
