"""What a scenario measured, how its ratio and target are read, the table and the JSON file."""

import json
import math
import platform
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

# How the target reads the figures:
#   "at_least": higher is better (throughput): measured / baseline must be >= target.
#   "at_most":  lower is better (time): measured / baseline must be <= target.
#   "delta":    lower is better (time): measured - baseline must be <= target (seconds).
#   "report":   no pass/fail of its own (figures to read); met only by its checks, if any.
Kind = Literal["at_least", "at_most", "delta", "report"]


@dataclass
class Check:
    """A further condition of a scenario's target: a query count, memory that must not grow."""

    name: str
    ok: bool
    text: str


@dataclass
class Result:
    """One row of the table."""

    scenario: str  # the --only name of the scenario this row belongs to
    title: str
    unit: str  # of baseline and measured: "req/s", "s", "rows/s"
    kind: Kind
    target: float | None
    baseline: float | None = None
    measured: float | None = None
    baseline_label: str = ""
    queries: int | None = None
    baseline_queries: int | None = None
    peak_memory_mb: float | None = None
    checks: list[Check] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    error: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.measured is None:
            return None
        if self.kind == "delta":
            return self.measured - self.baseline
        if self.baseline == 0:
            return math.inf if self.measured else None
        return self.measured / self.baseline

    @property
    def ratio_met(self) -> bool | None:
        ratio = self.ratio
        if self.kind == "report" or self.target is None:
            return None
        if ratio is None:
            return False
        if self.kind == "at_least":
            return ratio >= self.target
        return ratio <= self.target  # "at_most" and "delta"

    @property
    def met(self) -> bool:
        """Every part of the target holds; a scenario that failed to run never meets it."""
        if self.error:
            return False
        parts = [check.ok for check in self.checks]
        if self.ratio_met is not None:
            parts.append(self.ratio_met)
        return bool(parts) and all(parts)

    def target_text(self) -> str:
        if self.kind == "at_least":
            text = f">= {self.target:g}x"
        elif self.kind == "at_most":
            text = f"<= {self.target:g}x"
        elif self.kind == "delta":
            text = f"<= +{self.target:g} s"
        else:
            text = "report"
        extra = [check.name for check in self.checks]
        return "; ".join([text, *extra])

    def to_json(self) -> dict:
        data = asdict(self)
        data["ratio"] = _finite(self.ratio)
        data["met"] = self.met
        data["target_text"] = self.target_text()
        return data


def _finite(value: float | None) -> float | None:
    return value if value is None or math.isfinite(value) else None


def median(values: list[float]) -> float:
    return statistics.median(values)


def figure(value: float | None, unit: str) -> str:
    """A figure for the table: rates without decimals, seconds in ms below one second."""
    if value is None:
        return "-"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit in {"req/s", "rows/s"}:
        return f"{value:,.0f} {unit}"
    return f"{value:g} {unit}"


def ratio_text(result: Result) -> str:
    ratio = result.ratio
    if ratio is None:
        return "-"
    if result.kind == "delta":
        return f"{ratio:+.3f} s"
    return f"{ratio:.2f}x"


def met_text(result: Result) -> str:
    if result.error:
        return "ERROR"
    return "yes" if result.met else "NO"


COLUMNS = ("scenario", "baseline", "measured", "ratio", "target", "met", "queries", "peak MB")


def table_rows(results: list[Result]) -> list[tuple[str, ...]]:
    rows = []
    for result in results:
        queries = "-" if result.queries is None else str(result.queries)
        if result.baseline_queries is not None:
            queries += f" (vs {result.baseline_queries})"
        rows.append(
            (
                result.title,
                figure(result.baseline, result.unit)
                + (f" [{result.baseline_label}]" if result.baseline_label else ""),
                figure(result.measured, result.unit),
                ratio_text(result),
                result.target_text(),
                met_text(result),
                queries,
                "-" if result.peak_memory_mb is None else f"{result.peak_memory_mb:.0f}",
            )
        )
    return rows


def format_table(results: list[Result]) -> str:
    """A plain-text table, one row per result, then each result's checks, notes and errors."""
    rows = [COLUMNS, *table_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    notes = []
    for result in results:
        for check in result.checks:
            notes.append(
                f"- {result.title}: {check.name}: {'ok' if check.ok else 'NOT MET'}: {check.text}"
            )
        if result.error:
            notes.append(f"- {result.title}: ERROR: {result.error}")
        for note in result.details.get("notes", []):
            notes.append(f"- {result.title}: {note}")
    if notes:
        lines += ["", *notes]
    return "\n".join(lines)


def write_json(path: Path, results: list[Result], *, meta: dict) -> dict:
    """Write the results with what the run was (sizes, seed time, options, machine)."""
    data = {
        "meta": {
            "python": platform.python_version(),
            "machine": platform.machine(),
            **meta,
        },
        "met": all(result.met for result in results) if results else False,
        "results": [result.to_json() for result in results],
    }
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    return data
