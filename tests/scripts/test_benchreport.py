"""scripts/lib/benchreport.py, the analysis half of scripts/bench, on recorded tool outputs.
No stack needed: these run before the end-to-end tests in scripts/test."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path(__file__).resolve().parent / "samples"
spec = importlib.util.spec_from_file_location("benchreport", ROOT / "scripts/lib/benchreport.py")
benchreport = importlib.util.module_from_spec(spec)
sys.modules["benchreport"] = benchreport
spec.loader.exec_module(benchreport)


def sample(name):
    return (SAMPLES / name).read_text()


def test_durations_in_every_unit_wrk_prints():
    assert benchreport.duration_ms("812.00us") == pytest.approx(0.812)
    assert benchreport.duration_ms("1.50ms") == 1.5
    assert benchreport.duration_ms("2.00s") == 2000
    assert benchreport.duration_ms("1.00m") == 60000
    with pytest.raises(ValueError):
        benchreport.duration_ms("fast")


def test_a_clean_run_counts_every_answer():
    run = benchreport.parse_wrk(sample("wrk-ok.txt"))
    assert (run.requests, run.seconds, run.errors, run.p99_ms) == (95, 1.03, 0, 93.83)
    assert run.ok_per_s == pytest.approx(95 / 1.03)


def test_non_2xx_answers_are_not_throughput():
    run = benchreport.parse_wrk(sample("wrk-non2xx.txt"))
    assert run.requests == 813 and run.errors == 813
    assert run.ok_per_s == 0


def test_socket_errors_and_non_2xx_add_up():
    run = benchreport.parse_wrk(sample("wrk-socket-errors.txt"))
    assert run.errors == 12 + 3 + 5 + 10
    assert run.p99_ms == 1010
    assert run.ok_per_s == pytest.approx((6000 - 30) / 5)


def test_a_run_that_could_not_connect_is_a_failed_figure():
    run = benchreport.parse_wrk(sample("wrk-refused.txt"))
    assert run.errors == 1 and run.ok_per_s == 0


def wrk_text(requests, seconds=5.0, p99="3.00ms"):
    """The recorded clean run with its count, length and p99 replaced."""
    text = sample("wrk-ok.txt")
    text = text.replace("95 requests in 1.03s", "%d requests in %.2fs" % (requests, seconds))
    return text.replace("99%   93.83ms", "99%%   %s" % p99)


def make_run(tmp_path, rates, facts=None, p99=None):
    """A run directory: rates maps KEY to its requests/s per round (5 s runs)."""
    (tmp_path / "raw/wrk").mkdir(parents=True)
    (tmp_path / "raw/disk").mkdir()
    for key, per_round in rates.items():
        for round_, rate in enumerate(per_round, 1):
            if key.startswith("disk-"):
                (tmp_path / ("raw/disk/%s.%d.txt" % (key, round_))).write_text("%.1f 4.00 25\n" % rate)
            else:
                text = wrk_text(int(rate * 5), p99=(p99 or {}).get(key, "3.00ms"))
                (tmp_path / ("raw/wrk/%s.%d.txt" % (key, round_))).write_text(text)
    (tmp_path / "raw/facts.tsv").write_text("".join("%s\t%s\n" % kv for kv in (facts or {}).items()))
    return benchreport.Run(tmp_path)


def test_ratios_are_paired_by_round_then_the_median_taken(tmp_path):
    # A slow second round moves the figure and its limit together: per-round ratios 0.5, 0.5, 0.6.
    run = make_run(tmp_path, {"start-c16": [1000, 500, 1200], "proxy-c16": [2000, 1000, 2000]})
    assert run.rps("start-c16") == 1000
    assert run.paired_ratio("start-c16", "proxy-c16") == pytest.approx(0.5)
    assert run.paired_ratio("start-c16", "missing") is None


def test_disk_limit_lines_are_rates_too(tmp_path):
    run = make_run(tmp_path, {"disk-c16": [300, 310, 320]})
    assert run.rps("disk-c16") == 310 and run.p99("disk-c16") == 4.0 and run.cpu_us("disk-c16") == 25


def test_cpu_per_request_from_the_ticks_of_a_run(tmp_path):
    run = make_run(tmp_path, {"start-c16": [1000]}, facts={"clock_ticks": 100})
    # 50 ticks of 10 ms over 5,000 answers: 100 µs each.
    (tmp_path / "raw/ticks.tsv").write_text("start-c16 1 50 25 100\n")
    run = benchreport.Run(tmp_path)
    assert run.cpu_us("start-c16") == pytest.approx(100)
    assert run.cpu_us("start-c16", 1) == pytest.approx(50)
    assert run.cpu_us("start-c16", 2) == pytest.approx(200)


def table_row(text, label):
    return next(line for line in text.splitlines() if line.startswith("| %s |" % label))


def test_the_report_gives_each_target_its_ratio_and_verdict(tmp_path):
    run = make_run(tmp_path, {
        "start-c16": [2000], "php-c16": [900], "start-mem-c16": [3000], "proxy-c16": [4000],
        "group-c16": [2500], "start-c64": [1000], "php-c64": [800], "start-mem-c64": [1100],
        "slow-start-c256": [1250], "slow-proxy-c256": [1270],
    }, p99={"start-c16": "9.00ms", "proxy-c16": "2.00ms", "group-c16": "4.00ms"},
        facts={"slow256_rss_kib": 40960, "runs": 1, "duration": 5})
    text = benchreport.report(run)
    assert "| 2.22 | ≥ 2 | pass |" in table_row(text, "durable START c16 vs PHP-FPM peer")
    assert "| 1.25 | ≥ 2 | **miss** |" in table_row(text, "durable START c64 vs PHP-FPM peer")
    assert "| 0.67 | ≥ 0.8 | **miss** |" in table_row(text, "durable START c16 vs store on tmpfs")
    # p99 9 ms against 2 × 2 ms + 4 ms = 8 ms.
    assert "= 8.00 ms | 1.12 | ≤ 1 | **miss** |" in table_row(text, "START c16 p99")
    assert "| 0.98 | ≥ 0.95 | pass |" in table_row(text, "START, 200 ms API, c256")
    assert "| 0.62 | ≤ 1 | pass |" in table_row(text, "handlers' RSS during the 200 ms API c256")
    # A figure the run did not measure is a miss with no ratio, never a pass.
    assert "| n/a | ≥ 1.5 | **miss** |" in table_row(text, "CALLBACK pending c16 vs PHP-FPM peer")
    assert "| START c16 | 2,000 | 3,000 | 900 | – |" in text


def test_the_command_line_writes_the_table_and_refuses_an_empty_directory(tmp_path, capsys):
    assert benchreport.main(["benchreport.py", str(tmp_path)]) == 1
    assert "no wrk or hyperfine output" in capsys.readouterr().err
    make_run(tmp_path, {"start-c16": [1000]})
    assert benchreport.main(["benchreport.py", str(tmp_path)]) == 0
    assert (tmp_path / "table.md").read_text() == capsys.readouterr().out


def test_cgi_runs_are_reported_against_the_hello_of_the_same_run(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, median_s, cpu_s in (("callback", 0.004, 0.003), ("start", 0.010, 0.004),
                                  ("callback-dynamic", 0.006, 0.005), ("start-dynamic", 0.016, 0.012)):
        (raw / ("cgi-%s.json" % name)).write_text(json.dumps({"results": [
            {"command": "hello-cgi", "median": 0.001, "user": 0.0005, "system": 0.0005},
            {"command": "limit-tls-post", "median": 0.005, "user": 0.001, "system": 0.001},
            {"command": "ekyc-" + name.split("-")[0], "median": median_s, "user": cpu_s / 2, "system": cpu_s / 2}]}))
    run = benchreport.Run(tmp_path)
    assert run.cgi["callback"]["ekyc-callback"] == pytest.approx((4.0, 3.0))
    text = benchreport.report(run)
    rows = {line.split(" | ")[0].lstrip("| "): line for line in text.splitlines() if line.startswith("| CGI")}
    assert "4.0" in rows["CGI callback from the store (wall-clock median)"] and "**miss**" in rows["CGI callback from the store (wall-clock median)"]
    assert "pass" in rows["CGI callback from the store (CPU)"]
    assert "pass" in rows["CGI START (CPU)"] and "**miss**" in rows["CGI START (wall-clock median)"]
    # The comparisons have no target: the START against the C TLS POST, the dynamically linked build.
    assert "| 2.00 | reported | – |" in rows["CGI START vs the least a START does (wall-clock median)"]
    assert "| 16.00 | reported | – |" in rows["CGI START, dynamically linked (wall-clock median)"]
    assert "| 6.00 | reported | – |" in rows["CGI callback from the store, dynamically linked (wall-clock median)"]


def test_a_cgi_only_run_prints_the_cgi_rows_alone(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "cgi-callback.json").write_text(json.dumps({"results": [
        {"command": "hello-cgi", "median": 0.001, "user": 0.0005, "system": 0.0005},
        {"command": "ekyc-callback", "median": 0.0025, "user": 0.001, "system": 0.001}]}))
    (raw / "facts.tsv").write_text("cgi_runs\t300\ncores\t2\nstatic_order_names\t200\nstatic_order_found\t150\n")
    assert benchreport.main(["benchreport.py", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "| CGI callback from the store (wall-clock median) | 2.500 ms | hello-cgi 1.000 ms | 2.50 | ≤ 3 | pass |" in text
    assert "START c16" not in text and "300 runs each" in text
    assert "symbol order: 150 of its 200 names found in the binaries (75 %;" in text


def test_cgi_ratios_are_the_median_of_each_rounds_own_ratio(tmp_path):
    """The machine slowed down between rounds: each round's ratio holds, the ratio of the medians
    would not."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for round, (hello_s, handler_s) in enumerate(((0.001, 0.0025), (0.002, 0.005), (0.0011, 0.00275)), start=1):
        (raw / ("cgi-callback.%d.json" % round)).write_text(json.dumps({"results": [
            {"command": "hello-cgi", "median": hello_s, "user": hello_s, "system": 0},
            {"command": "ekyc-callback", "median": handler_s, "user": handler_s, "system": 0}]}))
    run = benchreport.Run(tmp_path)
    assert run.cgi["callback"]["ekyc-callback"][0] == pytest.approx(2.75)
    assert run.cgi_ratio("callback", "ekyc-callback", "hello-cgi", 0) == pytest.approx(2.5)
