"""Whether a re-executed notebook reproduces its committed outputs.

The README promises that re-executing a notebook gives the same results. This module
compares the outputs of a freshly executed copy with the committed ones, cell by cell:
text outputs line by line, charts by their Vega-Lite spec and SVG. Lines that report
times (seconds, ms, "took", steps per second) are left out of the comparison, since
they differ from run to run on any machine.

    from reproducibility import differences
    problems = differences(committed_nb, executed_nb)   # [] when reproduced
"""
import json
import re

# A line that reports a duration or a speed: these differ on every run.
TIMING = re.compile(
    r"(\d[\d.,]*\s*(s|ms|µs|us|sec|seconds|min|minutes)\b)|(\btook\b)|(\bper second\b)|(/s\b)|(\bs/step\b)|(\bms/step\b)|(\bwall\b)",
    re.IGNORECASE,
)


def _text_of(output):
    if output.get("output_type") == "stream":
        return "".join(output.get("text", ""))
    data = output.get("data", {})
    return "".join(data.get("text/plain", "")) if "text/plain" in data else ""


def _stable_lines(text):
    """The lines of an output that do not report times. In a Markdown table whose header
    names a time column ("ms per estimate", "seconds"), that column is blanked in every
    row, since the rows themselves carry no unit to recognise."""
    lines, time_columns = [], None
    for line in text.splitlines():
        if not line.strip():
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.lstrip().startswith("|") else None
        if cells is None:
            time_columns = None
        elif time_columns is None:  # a table's header row
            time_columns = {i for i, c in enumerate(cells) if TIMING.search(c) or TIME_FIELD.search(c)}
        else:
            line = "| " + " | ".join("…" if i in time_columns else c for i, c in enumerate(cells)) + " |"
        if not TIMING.search(line) or cells is not None and time_columns is not None:
            lines.append(line.rstrip())
    return lines


# A field of chart data that holds a duration: dropped before comparing, and a chart
# that differs only there is not compared by its SVG either (it draws the times).
TIME_FIELD = re.compile(r"(^|[^a-zA-Z])([Ss]econds?|[Ss]ecs?|ms|[Mm]illis|[Ee]lapsed|[Ww]all)([^a-z]|$)|^ms[A-Z]|Seconds|PerSecond")


def _without_times(value):
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if not TIME_FIELD.search(k)}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def _chart_of(output):
    data = output.get("data", {})
    spec = data.get("application/vnd.vegalite.v5+json")
    svg = data.get("image/svg+xml")
    if spec is None and svg is None:
        return None
    raw = json.dumps(spec, sort_keys=True)
    stable = json.dumps(_without_times(spec), sort_keys=True)
    svg = "".join(svg) if isinstance(svg, list) else svg
    return stable, svg, raw


def _summary(cell):
    lines, charts = [], []
    for output in cell.get("outputs", []):
        lines.extend(_stable_lines(_text_of(output)))
        chart = _chart_of(output)
        if chart is not None:
            charts.append(chart)
    return lines, charts


def differences(committed, executed, limit=10):
    """Human-readable differences between two versions of one notebook (dicts or NotebookNodes)."""
    problems = []
    old_cells = [c for c in committed["cells"] if c["cell_type"] == "code"]
    new_cells = [c for c in executed["cells"] if c["cell_type"] == "code"]
    if len(old_cells) != len(new_cells):
        return [f"{len(old_cells)} code cells committed, {len(new_cells)} executed"]
    for index, (old, new) in enumerate(zip(old_cells, new_cells)):
        old_lines, old_charts = _summary(old)
        new_lines, new_charts = _summary(new)
        where = f"code cell {index} ({''.join(old['source']).strip().splitlines()[0][:60] if ''.join(old['source']).strip() else 'empty'})"
        if old_lines != new_lines:
            first = next((i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b), min(len(old_lines), len(new_lines)))
            was = old_lines[first] if first < len(old_lines) else "(nothing)"
            now = new_lines[first] if first < len(new_lines) else "(nothing)"
            problems.append(f"{where}: output line {first + 1} was {was!r}, is now {now!r}")
        if len(old_charts) != len(new_charts):
            problems.append(f"{where}: {len(old_charts)} charts committed, {len(new_charts)} produced")
        else:
            for k, (a, b) in enumerate(zip(old_charts, new_charts)):
                if a[0] != b[0]:
                    problems.append(f"{where}: chart {k + 1} has a different Vega-Lite spec")
                elif a[2] == b[2] and a[1] != b[1]:
                    problems.append(f"{where}: chart {k + 1} has a different SVG")
        if len(problems) >= limit:
            break
    return problems
