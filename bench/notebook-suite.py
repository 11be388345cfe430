"""The whole notebook suite in two checkouts, timed side by side: is this one faster?

    git worktree add /tmp/before <older commit> && ln -s "$PWD/node_modules" /tmp/before/node_modules
    (cd /tmp/before && node scripts/build.mjs)
    .venv/bin/python bench/notebook-suite.py /tmp/before [--rounds 1] [01 02 …]

Each notebook is executed headlessly on the tslab kernel (nothing is saved), once in the
other checkout and once in this one, the two in an order that alternates from notebook to
notebook and round to round, so that a machine that slows down burdens both alike. Each
checkout runs its own notebooks against its own `dist/` (build both first). Reported: the
median seconds per notebook on each side, the ratio this / other, and the suite's total.
"""
import argparse
import pathlib
import statistics
import time

import nbformat
from nbclient import NotebookClient

HERE = pathlib.Path(__file__).resolve().parent.parent


def seconds_to_run(path, timeout):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="tslab", timeout=timeout, resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("other", type=pathlib.Path, help="the other checkout's root")
    parser.add_argument("prefixes", nargs="*", default=["0"])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed for one cell")
    args = parser.parse_args()
    sides = {"other": args.other.resolve(), "this": HERE}
    names = sorted({p.name for prefix in args.prefixes for p in (HERE / "notebooks").glob(f"{prefix}*.ipynb")})
    times = {(name, side): [] for name in names for side in sides}
    turn = 0
    for r in range(args.rounds):
        for name in names:
            order = list(sides) if turn % 2 == 0 else list(sides)[::-1]
            turn += 1
            for side in order:
                path = sides[side] / "notebooks" / name
                if not path.exists():
                    continue
                t = seconds_to_run(path, args.timeout)
                times[(name, side)].append(t)
                print(f"round {r + 1}: {name} in {side} ({sides[side]}): {t:.1f} s", flush=True)
    print(f"\n| notebook | other (s) | this (s) | this / other |")
    print("|---|---:|---:|---:|")
    totals = {side: 0.0 for side in sides}
    for name in names:
        if not all(times[(name, side)] for side in sides):
            continue
        medians = {side: statistics.median(times[(name, side)]) for side in sides}
        for side in sides:
            totals[side] += medians[side]
        print(f"| {name} | {medians['other']:.1f} | {medians['this']:.1f} | {medians['this'] / medians['other']:.2f} |")
    print(f"| **suite** | {totals['other']:.1f} | {totals['this']:.1f} | {totals['this'] / totals['other']:.2f} |")


if __name__ == "__main__":
    main()
