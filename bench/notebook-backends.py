"""Which TensorFlow.js backend runs each notebook fastest, measured side by side.

    .venv/bin/python bench/notebook-backends.py [--rounds 2] [--backends tensorflow,wasm] [01 02 …]

Each notebook is executed headlessly on the tslab kernel (as scripts/run_notebooks.py does,
nothing is saved) once per backend per round, with its `initBackend(...)` call replaced in
memory by `initBackend('<backend>')`. Within a round the backends take turns, in an order
that alternates between rounds, so that a machine that slows down or speeds up during the
run burdens every backend alike. Reported: the median wall time of each backend and its
ratio to the first backend listed. The randomness is drawn on the host, so every backend
computes on the same numbers; only float rounding differs.
"""
import argparse
import pathlib
import re
import statistics
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
INIT = re.compile(r"initBackend\([^)]*\)")


def with_backend(path, backend):
    """The notebook, its backend choice replaced by `backend`."""
    nb = nbformat.read(path, as_version=4)
    found = 0
    for cell in nb.cells:
        if cell.cell_type == "code" and INIT.search(cell.source):
            cell.source, n = INIT.subn(f"initBackend('{backend}')", cell.source)
            found += n
    if found == 0:
        sys.exit(f"notebook-backends: {path.name} never calls initBackend")
    return nb


def seconds_to_run(path, backend, timeout):
    nb = with_backend(path, backend)
    client = NotebookClient(nb, kernel_name="tslab", timeout=timeout, resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("prefixes", nargs="*", default=["01", "02", "03", "04", "05", "07"])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--backends", default="tensorflow,wasm")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed for one cell")
    args = parser.parse_args()
    backends = args.backends.split(",")
    paths = [p for prefix in args.prefixes for p in sorted(NOTEBOOKS.glob(f"{prefix}*.ipynb"))]
    times = {(p.name, b): [] for p in paths for b in backends}
    for r in range(args.rounds):
        order = backends if r % 2 == 0 else backends[::-1]
        for path in paths:
            for backend in order:
                t = seconds_to_run(path, backend, args.timeout)
                times[(path.name, backend)].append(t)
                print(f"round {r + 1}: {path.name} on {backend}: {t:.1f} s", flush=True)
    base = backends[0]
    header = " | ".join(f"{b} (s)" for b in backends) + " | " + " | ".join(f"{b} / {base}" for b in backends[1:])
    print(f"\n| notebook | {header} | fastest |")
    print("|---" * (2 + 2 * len(backends)) + "|")
    for path in paths:
        medians = {b: statistics.median(times[(path.name, b)]) for b in backends}
        ratios = " | ".join(f"{medians[b] / medians[base]:.2f}" for b in backends[1:])
        cells = " | ".join(f"{medians[b]:.1f}" for b in backends)
        print(f"| {path.name} | {cells} | {ratios} | {min(medians, key=medians.get)} |")


if __name__ == "__main__":
    main()
