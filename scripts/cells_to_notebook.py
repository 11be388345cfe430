"""Builds a notebook from a plain-text cell script, for authoring notebooks in an editor.

    python scripts/cells_to_notebook.py draft.ts notebooks/07-new.ipynb

The script is split at lines that read `// %%` (a TypeScript cell) or
`// %% [markdown]` (a Markdown cell, written as plain Markdown). The notebook is
written without outputs; `npm run reproduce` fills them in.
"""
import re
import sys

import nbformat

MARKER = re.compile(r"^// %%( \[markdown\])?\s*$")


def cells(text):
    kind, lines = None, []
    for line in text.splitlines():
        match = MARKER.match(line)
        if match:
            if kind is not None:
                yield kind, "\n".join(lines).strip("\n")
            kind, lines = ("markdown" if match.group(1) else "code"), []
        else:
            lines.append(line)
    if kind is not None:
        yield kind, "\n".join(lines).strip("\n")


def main(source, target):
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "tslab", "display_name": "TypeScript", "language": "typescript"},
        "language_info": {"name": "typescript", "file_extension": ".ts", "mimetype": "text/typescript"},
    }
    with open(source, encoding="utf-8") as handle:
        for kind, body in cells(handle.read()):
            make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
            nb.cells.append(make(body))
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index:02d}"  # stable ids keep diffs of re-executed notebooks small
    nbformat.write(nb, target)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
