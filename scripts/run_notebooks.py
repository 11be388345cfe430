"""Re-executes the notebooks headlessly, on the tslab kernel unless told otherwise.

    python scripts/run_notebooks.py                 # run every notebook, fail on any cell error
    python scripts/run_notebooks.py 01 03           # only the notebooks whose names start so
    python scripts/run_notebooks.py --kernel deno   # on Deno's kernel (scripts/setup-deno.sh installs it)
    python scripts/run_notebooks.py --inplace       # also save the fresh outputs into the files (tslab only)
    python scripts/run_notebooks.py --check-reproducible   # also fail where outputs differ from the committed ones

tslab reports a failing cell only through the execute reply's status (no `error`
message), which nbclient checks; so a failed assertion cell fails the run here.
Deno's kernel sends an `error` message as well. The committed outputs come from the
default kernel, tslab, so --inplace refuses any other.
"""
import argparse
import copy
import pathlib
import sys
import time

import nbformat
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from reproducibility import differences  # noqa: E402  (a sibling script, not a package)

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"
KERNELS = ("tslab", "deno")
DEFAULT_KERNEL = "tslab"
SETUP = {"tslab": "scripts/setup.sh", "deno": "scripts/setup-deno.sh"}


def select(prefixes):
    every = sorted(NOTEBOOKS.glob("*.ipynb"))
    if not prefixes:
        return every
    chosen = [nb for nb in every if any(nb.stem.startswith(p) or nb.name == p for p in prefixes)]
    missing = [p for p in prefixes if not any(nb.stem.startswith(p) or nb.name == p for nb in every)]
    if missing:
        sys.exit(f"run_notebooks: no notebook matches {', '.join(missing)}; have {', '.join(nb.stem for nb in every)}")
    return chosen


def first_error_text(cell):
    """The cell's error message: its `error` output (Deno), else its first stderr text (tslab)."""
    outputs = cell.get("outputs", [])
    for out in outputs:
        if out.get("output_type") == "error":
            return "\n".join(out.get("traceback", [])) or f"{out.get('ename')}: {out.get('evalue')}"
    for out in outputs:
        if out.get("name") == "stderr":
            return "".join(out.get("text", ""))
    return ""


def run(path, inplace, timeout, kernel, reproducible=False):
    nb = nbformat.read(path, as_version=4)
    committed = copy.deepcopy(nb)
    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=timeout,
        record_timing=False,  # keeps re-executed notebooks identical apart from printed timings
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as exc:
        code = [c for c in nb.cells if c.cell_type == "code"]
        failed = next((c for c in code if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        failed = failed or next((c for c in code if first_error_text(c)), None)
        detail = first_error_text(failed) if failed else ""
        source = failed.source.strip().splitlines()[:6] if failed else []
        error = "\n".join(["    " + line for line in source] + ["  " + (detail.strip() or str(exc).strip()[:2000])])
    seconds = time.perf_counter() - start
    if reproducible and error is None:
        # The README promises that re-executing reproduces the committed outputs.
        changed = differences(committed, nb)
        if changed:
            error = "  does not reproduce its committed outputs (lines that report times aside):\n" + "\n".join(
                "    " + line for line in changed
            ) + "\n  re-execute it with `npm run reproduce -- " + path.stem[:2] + "` if the change is intended"
    if inplace and error is None:
        nbformat.write(nb, path)
    return seconds, error


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="notebook name prefixes, e.g. 00 or 01-reinforce")
    parser.add_argument("--inplace", action="store_true", help="save the executed notebooks with their outputs")
    parser.add_argument("--timeout", type=int, default=900, help="seconds allowed for one cell")
    parser.add_argument("--check-reproducible", action="store_true",
                        help="also fail a notebook whose fresh outputs differ from its committed ones (times aside)")
    parser.add_argument("--kernel", choices=KERNELS, default=DEFAULT_KERNEL, help="the Jupyter kernel to run on (default: %(default)s)")
    args = parser.parse_args()
    if args.inplace and args.kernel != DEFAULT_KERNEL:
        parser.error(f"--inplace saves outputs only from the default kernel, {DEFAULT_KERNEL}")

    try:
        KernelSpecManager().get_kernel_spec(args.kernel)
    except NoSuchKernel:
        sys.exit(f"run_notebooks: the {args.kernel} kernel is not registered; run bash {SETUP[args.kernel]}")

    passed, failed = 0, 0
    print(f"kernel: {args.kernel}", flush=True)
    for path in select(args.names):
        seconds, error = run(path, args.inplace, args.timeout, args.kernel, args.check_reproducible)
        if error is None:
            passed += 1
            print(f"ok    {path.name}  {seconds:6.1f} s{'  (outputs saved)' if args.inplace else ''}", flush=True)
        else:
            failed += 1
            print(f"FAIL  {path.name}  {seconds:6.1f} s\n{error}", flush=True)
    print(f"notebooks: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
