"""The bench harness's own arithmetic: ratios, targets met or not, the table, the JSON, wrk's
output read back. No database, no server."""

import json

import pytest

from scale.bench.results import Check, Result, format_table, write_json
from scale.bench.server import BenchError, parse_wrk


def result(kind, *, baseline, measured, target, **extra) -> Result:
    return Result(
        scenario="s",
        title="a scenario",
        unit=extra.pop("unit", "s"),
        kind=kind,
        target=target,
        baseline=baseline,
        measured=measured,
        **extra,
    )


def test_a_throughput_target_is_met_at_or_above_its_ratio():
    assert result("at_least", baseline=1000, measured=600, target=0.6).met
    slow = result("at_least", baseline=1000, measured=599, target=0.6)
    assert slow.ratio == pytest.approx(0.599)
    assert not slow.met


def test_a_time_target_is_met_at_or_below_its_ratio():
    assert result("at_most", baseline=0.1, measured=0.3, target=3).met
    assert not result("at_most", baseline=0.1, measured=0.31, target=3).met


def test_a_delta_target_compares_the_difference_in_seconds():
    refused_quickly = result("delta", baseline=0.02, measured=0.9, target=1.0)
    assert refused_quickly.ratio == pytest.approx(0.88)
    assert refused_quickly.met
    assert not result("delta", baseline=0.02, measured=1.1, target=1.0).met


def test_every_check_must_hold_as_well_as_the_ratio():
    row = result("at_least", baseline=100, measured=90, target=0.6)
    row.checks.append(Check("<= 2 queries", False, "3 queries a request"))
    assert row.ratio_met
    assert not row.met


def test_a_row_without_figures_or_with_an_error_is_never_met():
    assert not result("at_most", baseline=None, measured=0.1, target=2).met
    assert not result("at_most", baseline=0.1, measured=0.1, target=2, error="no server").met
    # A row to read, with nothing to meet, is not "met" either.
    assert not result("report", baseline=1, measured=1, target=None).met


def test_the_table_shows_each_column_and_what_was_not_met(tmp_path):
    rows = [
        result("at_least", baseline=800.0, measured=300.0, target=0.6),
        result("at_most", baseline=0.047, measured=0.31, target=3, queries=4, baseline_queries=1),
    ]
    rows[0].unit = "req/s"
    rows[1].checks.append(Check("no memory growth", True, "RSS flat"))
    table = format_table(rows)
    header = table.splitlines()[0].split()
    assert header[:6] == ["scenario", "baseline", "measured", "ratio", "target", "met"]
    assert "800 req/s" in table
    assert "0.38x" in table
    assert "NO" in table
    assert "47.0 ms" in table
    assert "310.0 ms" in table
    assert "4 (vs 1)" in table
    assert "no memory growth: ok: RSS flat" in table


def test_the_json_holds_every_row_with_its_ratio_and_verdict(tmp_path):
    path = tmp_path / "bench-results.json"
    rows = [
        result("at_least", baseline=800.0, measured=600.0, target=0.6),
        result("at_most", baseline=0.0, measured=0.0, target=2),
    ]
    write_json(path, rows, meta={"seed_seconds": 12.5})

    data = json.loads(path.read_text())
    assert data["meta"]["seed_seconds"] == 12.5
    assert data["met"] is False  # the second row has no ratio to meet
    first = data["results"][0]
    assert first["ratio"] == pytest.approx(0.75)
    assert first["met"] is True
    assert first["target_text"] == ">= 0.6x"
    assert data["results"][1]["ratio"] is None


WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8123/bench/bare/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.52ms    3.01ms  40.10ms   80.00%
    Req/Sec   380.12     40.00   450.00     70.00%
  7603 requests in 10.01s, 25.10MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    759.54
Transfer/sec:      2.51MB
"""


def test_wrk_output_is_read_back():
    load = parse_wrk(WRK_OUTPUT)
    assert load.requests_per_second == pytest.approx(759.54)
    assert load.requests == 7603
    assert load.seconds == pytest.approx(10.01)
    assert load.latency_ms == pytest.approx(10.52)
    assert load.non_2xx == 3
    assert load.socket_errors == 0


def test_wrk_output_without_a_rate_is_an_error_of_the_scenario():
    with pytest.raises(BenchError, match="could not read wrk"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")
