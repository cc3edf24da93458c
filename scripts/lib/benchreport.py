"""The analysis half of scripts/bench: reads a run directory's raw output and prints the table of
docs/BENCHMARKS.md. scripts/bench measures and records; this module only reads, so a run can be
reported again (`python3 scripts/lib/benchreport.py RUN_DIR`) and the arithmetic is unit-tested
on recorded outputs (tests/scripts).

What a run directory holds under raw/ (written by scripts/bench):
  wrk/KEY.ROUND.txt    one wrk --latency run of figure KEY in round ROUND (1..runs; 0: single runs)
  disk/KEY.ROUND.txt   one limit-disk run: "records/s p99_ms cpu_us_per_record"
  ticks.tsv            "KEY ROUND PROCESS NGINX MACHINE": CPU clock ticks spent during that wrk run
                       by the measured process, by nginx's workers, by the whole machine
  facts.tsv            "NAME<TAB>VALUE": everything measured once (RSS, CGI times, signing rate,
                       the run's settings)
  cgi-NAME.json        hyperfine's export of a CGI run (callback, start) beside the C hello
Only the standard library: it runs on Debian's python3 with nothing installed.
"""

import json
import re
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


def duration_ms(text):
    """wrk's durations ("812.00us", "1.50ms", "2.00s", "1.00m") in milliseconds."""
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError("not a wrk duration: %r" % text)
    return float(match.group(1)) * UNITS_MS[match.group(2)]


@dataclass
class WrkRun:
    requests: int = 0          # every answer wrk counted
    seconds: float = 0.0       # the run's length as wrk measured it
    errors: int = 0            # non-2xx/3xx answers plus socket errors
    p99_ms: float = 0.0

    @property
    def ok_per_s(self):
        """Answers per second that were 2xx or 3xx; 0 for a run that did not complete."""
        if self.seconds <= 0:
            return 0.0
        return max(self.requests - self.errors, 0) / self.seconds


def parse_wrk(text):
    """One wrk --latency output. A run wrk could not start (nothing listening) parses as zero
    requests and one error, so it shows as a failed figure, never as a missing one."""
    run = WrkRun()
    done = re.search(r"^\s*(\d+) requests in ([0-9.]+[a-z]+),", text, re.M)
    if not done:
        run.errors = 1
        return run
    run.requests = int(done.group(1))
    run.seconds = duration_ms(done.group(2)) / 1000
    p99 = re.search(r"^\s*99%\s+(\S+)", text, re.M)
    if p99:
        run.p99_ms = duration_ms(p99.group(1))
    non_ok = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
    if non_ok:
        run.errors += int(non_ok.group(1))
    sockets = re.search(r"Socket errors:(.*)$", text, re.M)
    if sockets:
        run.errors += sum(int(n) for n in re.findall(r"\d+", sockets.group(1)))
    return run


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


class Run:
    """The figures of one run directory."""

    def __init__(self, directory):
        self.dir = Path(directory)
        raw = self.dir / "raw"
        self.wrk = {}    # key -> {round: WrkRun}
        self.disk = {}   # key -> {round: (rate, p99_ms, cpu_us)}
        for path in sorted((raw / "wrk").glob("*.txt")):
            key, round_ = path.stem.rsplit(".", 1)
            self.wrk.setdefault(key, {})[int(round_)] = parse_wrk(path.read_text(errors="replace"))
        for path in sorted((raw / "disk").glob("*.txt")):
            key, round_ = path.stem.rsplit(".", 1)
            fields = path.read_text().split()
            if len(fields) >= 3:
                self.disk.setdefault(key, {})[int(round_)] = tuple(float(f) for f in fields[:3])
        self.ticks = {}  # key -> {round: (process, nginx, machine)}
        if (raw / "ticks.tsv").exists():
            for line in (raw / "ticks.tsv").read_text().splitlines():
                fields = line.split()
                if len(fields) == 5:
                    self.ticks.setdefault(fields[0], {})[int(fields[1])] = tuple(int(f) for f in fields[2:])
        self.facts = {}
        if (raw / "facts.tsv").exists():
            for line in (raw / "facts.tsv").read_text().splitlines():
                name, _, value = line.partition("\t")
                if name:
                    self.facts[name] = value
        # name -> one {command: (wall-clock median ms, mean user + system CPU ms)} per round
        # (raw/cgi-NAME.ROUND.json; an older run's single raw/cgi-NAME.json is one round).
        self.cgi_rounds = {}
        for path in sorted(raw.glob("cgi-*.json")):
            name = path.stem.removeprefix("cgi-").split(".")[0]
            self.cgi_rounds.setdefault(name, []).append(
                {result["command"]: (result["median"] * 1000, (result["user"] + result["system"]) * 1000)
                 for result in json.loads(path.read_text())["results"]})
        # name -> {command: (the rounds' median of each)}
        self.cgi = {name: {command: tuple(median([one[command][which] for one in rounds if command in one]) for which in (0, 1))
                           for command in rounds[0]}
                    for name, rounds in self.cgi_rounds.items()}

    def cgi_ratio(self, name, command, limit_command, which):
        """The median over the rounds of command / limit_command in the same round: each round
        ran both within the same minute, so a drift of the machine between rounds cancels."""
        ratios = [div(one[command][which], one[limit_command][which]) for one in self.cgi_rounds.get(name, [])
                  if command in one and limit_command in one]
        ratios = [ratio for ratio in ratios if ratio is not None]
        return median(ratios) if ratios else None

    # --- single figures ----------------------------------------------------------------------

    def fact(self, name, default=None):
        value = self.facts.get(name)
        if value is None:
            return default
        try:
            return float(value)
        except ValueError:
            return value

    def rates(self, key):
        """round -> answers (records for limit-disk) per second."""
        if key in self.wrk:
            return {r: run.ok_per_s for r, run in self.wrk[key].items()}
        return {r: v[0] for r, v in self.disk.get(key, {}).items()}

    def rps(self, key):
        return median(self.rates(key).values())

    def p99(self, key):
        if key in self.wrk:
            return median(run.p99_ms for run in self.wrk[key].values())
        return median(v[1] for v in self.disk.get(key, {}).values())

    def errors(self, key):
        return sum(run.errors for run in self.wrk.get(key, {}).values())

    def paired_ratio(self, key, limit):
        """The median over rounds of KEY's rate / LIMIT's rate in the same round, so a slow moment
        of a shared machine moves a figure and its limit together."""
        a, b = self.rates(key), self.rates(limit)
        return median(a[r] / b[r] for r in a if r in b and b[r] > 0)

    def cpu_us(self, key, which=0):
        """CPU time per answered request in µs (medians over rounds): which=0 the measured
        process, 1 nginx's workers, 2 the whole machine; for limit-disk, its own figure."""
        if key in self.disk:
            return median(v[2] for v in self.disk[key].values())
        hz = self.fact("clock_ticks", 100)
        values = []
        for r, ticks in self.ticks.get(key, {}).items():
            run = self.wrk.get(key, {}).get(r)
            answered = run.ok_per_s * run.seconds if run else 0
            if answered > 0:
                values.append(ticks[which] * 1e6 / hz / answered)
        return median(values)


# --- formatting ----------------------------------------------------------------------------------

def num(value, digits=0):
    if value is None:
        return "n/a"
    return "{:,.{}f}".format(value, digits)


def ratio_text(value):
    return "n/a" if value is None else "%.2f" % value


def mib(kib):
    return "n/a" if kib is None else "%.1f MiB" % (kib / 1024)


def verdict(value, op, target, miss="**miss**"):
    if value is None:
        return miss
    return "pass" if (value >= target if op == ">=" else value <= target) else miss


def div(a, b):
    return a / b if a is not None and b else None


def cgi_rows(r):
    """The CGI figures as table rows: a request through a fresh process against the C hello run
    in the same round (values are the rounds' medians, ratios the median of the rounds' ratios),
    the wall clock and the CPU time, which a busy neighbour moves less.
    Targets: 3× for a callback answered from the store, 5× for a START (it makes a new TLS
    connection to the API), for the static build that CGI setups run; the dynamically linked
    build, a START against the least any CGI program calling the API does (limit-tls-post, C) and
    a START with the system's CA store, for comparison."""
    rows = []

    def add(name, label, limit_command, target):
        command = "ekyc-" + name.split("-")[0]
        runs = r.cgi.get(name, {})
        limit, handler = runs.get(limit_command), runs.get(command)
        for which, what in ((0, "wall-clock median"), (1, "CPU")):
            value = handler[which] if handler else None
            bound = limit[which] if limit else None
            ratio = r.cgi_ratio(name, command, limit_command, which)
            rows.append("| %s (%s) | %s ms | %s %s ms | %s | %s | %s |" % (
                label, what, num(value, 3), limit_command, num(bound, 3), ratio_text(ratio),
                "≤ %d" % target if target else "reported", verdict(ratio, "<=", target) if target else "–"))

    add("callback", "CGI callback from the store", "hello-cgi", 3)
    add("start", "CGI START", "hello-cgi", 5)
    add("start", "CGI START vs the least a START does", "limit-tls-post", None)
    add("callback-dynamic", "CGI callback from the store, dynamically linked", "hello-cgi", None)
    add("start-dynamic", "CGI START, dynamically linked", "hello-cgi", None)
    add("start-system-ca", "CGI START, the system's CA store (no ca_file)", "hello-cgi", None)
    return rows


TABLE_HEAD = ["| figure | value | limit | ratio | target | result |", "|---|---|---|---|---|---|"]


def symbol_order_line(r):
    """How much of the static build's symbol order still names its symbols: the order lays out
    what a CGI request touches (scripts/static-order), and goes stale as the code changes."""
    found, names = r.fact("static_order_found"), r.fact("static_order_names")
    if found is None or not names:
        return None
    return ("Static build's symbol order: %d of its %d names found in the binaries (%.0f %%; "
            "scripts/static-order writes it anew)." % (found, names, 100 * found / names))


def cgi_report(run):
    """The report of a `scripts/bench --cgi` run: the CGI rows alone."""
    order = symbol_order_line(run)
    return "\n".join(TABLE_HEAD + cgi_rows(run) + [""] + ([order] if order else []) + [
        "Command: scripts/bench --cgi; %s rounds of %s runs each (hyperfine), %s cores, CPUs %s%% busy before the run, %s." % (
            run.facts.get("cgi_rounds", "?"), run.facts.get("cgi_runs", "?"), run.facts.get("cores", "?"), run.facts.get("busy_before", "?"),
            run.facts.get("date", "?"))]) + "\n"


def report(run):
    """The whole report as Markdown: the comparison with the peers, then the targets table."""
    lines = []
    r = run
    errors_note = lambda key: " (%d errors)" % r.errors(key) if r.errors(key) else ""

    def cell(key, digits=0):
        if key not in r.wrk:
            return "–"
        return "%s%s" % (num(r.rps(key), digits), errors_note(key))

    # The comparison: the same START and CALLBACK through the same nginx and API stub.
    ceiling64 = r.rps("slow-proxy-c64")
    ceiling256 = r.rps("slow-proxy-c256")
    lines += [
        "| figure (req/s, medians) | ekyc-gate (store on disk, durable) | ekyc-gate, store on tmpfs | PHP-FPM peer (8 children) | Python SDK on gunicorn (5 workers) | limit |",
        "|---|---|---|---|---|---|",
        "| START c16 | %s | %s | %s | %s | limit-proxy %s, limit-group %s, limit-disk %s |" % (
            cell("start-c16"), cell("start-mem-c16"), cell("php-c16"), cell("sdk-c16"),
            num(r.rps("proxy-c16")), num(r.rps("group-c16")), num(r.rps("disk-c16"))),
        "| START c64 | %s | %s | %s | %s | limit-proxy %s, limit-group %s, limit-disk %s |" % (
            cell("start-c64"), cell("start-mem-c64"), cell("php-c64"), cell("sdk-c64"),
            num(r.rps("proxy-c64")), num(r.rps("group-c64")), num(r.rps("disk-c64"))),
        "| CALLBACK pending c16 | %s | – | %s | %s | limit-proxy %s |" % (
            cell("cb-pending-c16"), cell("php-cb-pending-c16"), cell("sdk-cb-pending-c16"), num(r.rps("proxy-c16"))),
        "| START c64, 200 ms API | %s | %s | %s | %s | limit-proxy %s (ceiling 64/0.2 s = 320) |" % (
            cell("slow-start-c64"), cell("slow-start-mem-c64"), cell("slow-php-c64"), cell("slow-sdk-c64"), num(ceiling64)),
        "| START c256, 200 ms API | %s | %s | – | – | limit-proxy %s (ceiling 256/0.2 s = 1,280) |" % (
            cell("slow-start-c256"), cell("slow-start-mem-c256"), num(ceiling256)),
        "| START c16 p99 (ms) | %s | %s | %s | %s | limit-proxy %s, limit-group %s |" % (
            num(r.p99("start-c16"), 2), num(r.p99("start-mem-c16"), 2), num(r.p99("php-c16"), 2),
            num(r.p99("sdk-c16"), 2), num(r.p99("proxy-c16"), 2), num(r.p99("group-c16"), 2)),
        "",
    ]

    rows = []

    def row(label, value, limit, ratio, target, result):
        rows.append("| %s | %s | %s | %s | %s | %s |" % (label, value, limit, ratio, target, result))

    def vs(label, key, limit_key, limit_name, target):
        ratio = r.paired_ratio(key, limit_key)
        row(label, "%s req/s%s" % (num(r.rps(key)), errors_note(key)),
            "%s %s req/s" % (limit_name, num(r.rps(limit_key))), ratio_text(ratio), "≥ %s" % target,
            verdict(ratio, ">=", target))

    # Against the limits of this machine (the handlers' own targets).
    vs("START c16", "start-c16", "proxy-c16", "limit-proxy", 0.25)
    vs("START c64", "start-c64", "proxy-c64", "limit-proxy", 0.25)
    vs("CALLBACK pending c16", "cb-pending-c16", "proxy-c16", "limit-proxy", 0.25)
    vs("CALLBACK final c16", "cb-final-c16", "proxy-c16", "limit-proxy", 0.50)
    # Against the peers and the store's own ceilings (issue 18's targets).
    vs("durable START c16 vs PHP-FPM peer", "start-c16", "php-c16", "PHP-FPM", 2)
    vs("durable START c64 vs PHP-FPM peer", "start-c64", "php-c64", "PHP-FPM", 2)
    vs("durable START c16 vs store on tmpfs", "start-c16", "start-mem-c16", "tmpfs", 0.8)
    vs("durable START c64 vs store on tmpfs", "start-c64", "start-mem-c64", "tmpfs", 0.8)
    vs("CALLBACK pending c16 vs PHP-FPM peer", "cb-pending-c16", "php-cb-pending-c16", "PHP-FPM", 1.5)
    p99, proxy_p99, group_p99 = r.p99("start-c16"), r.p99("proxy-c16"), r.p99("group-c16")
    p99_limit = 2 * proxy_p99 + group_p99 if proxy_p99 is not None and group_p99 is not None else None
    row("START c16 p99", "%s ms" % num(p99, 2),
        "2 × limit-proxy p99 %s ms + limit-group p99 %s ms = %s ms" % (num(proxy_p99, 2), num(group_p99, 2), num(p99_limit, 2)),
        ratio_text(div(p99, p99_limit)), "≤ 1", verdict(div(p99, p99_limit), "<=", 1))
    vs("START, 200 ms API, c64", "slow-start-c64", "slow-proxy-c64", "limit-proxy", 0.95)
    vs("START, 200 ms API, c256", "slow-start-c256", "slow-proxy-c256", "limit-proxy", 0.95)
    for conns in (64, 256):
        total = r.fact("slow%d_rss_kib" % conns)
        row("handlers' RSS during the 200 ms API c%d" % conns,
            "%s (ekyc-start %s, ekyc-callback %s; PSS %s)" % (
                mib(total), mib(r.fact("slow%d_rss_start_kib" % conns)),
                mib(r.fact("slow%d_rss_callback_kib" % conns)), mib(r.fact("slow%d_pss_kib" % conns))),
            "64 MiB", ratio_text(div(total, 65536)), "≤ 1", verdict(div(total, 65536), "<=", 1))
    rows += cgi_rows(r)
    for role in ("start", "callback"):
        idle = r.fact("idle_%s_kib" % role)
        row("idle RSS ekyc-%s" % role, mib(idle), "24 MiB", ratio_text(div(idle, 24576)), "≤ 1",
            verdict(div(idle, 24576), "<=", 1))
    rise, body = r.fact("big_rise_kib"), r.fact("big_bytes")
    body_kib = body / 1024 if body else None
    row("8 MB START: peak RSS rise", "%s (status %s)" % (mib(rise), r.facts.get("big_status", "n/a")),
        "body %s" % mib(body_kib), ratio_text(div(rise, body_kib)), "≤ 3", verdict(div(rise, body_kib), "<=", 3))
    signs = [float(v) for k, v in r.facts.items() if k.startswith("sign_rate.")]
    row("TC3 signatures/s, one core", num(median(signs)), "–", "–", "reported", "–")
    first, last = r.fact("soak_first_kib"), r.fact("soak_last_kib")
    row("RSS after %ss vs %ss, START c64" % (r.facts.get("soak_seconds", "?"), r.facts.get("soak_first", "?")),
        mib(last), mib(first), ratio_text(div(last, first)), "≤ 1.05", verdict(div(last, first), "<=", 1.05))

    lines += TABLE_HEAD + rows + [""]

    cpu = lambda key, which=0: num(r.cpu_us(key, which))
    pr = lambda key, limit: ratio_text(r.paired_ratio(key, limit))
    lines += [
        "Limits (medians): limit-static c16 %s req/s, c64 %s req/s; limit-proxy c16 %s req/s, c64 %s req/s, "
        "200 ms API c64 %s req/s, c256 %s req/s (ceilings 320 and 1,280)." % (
            num(r.rps("static-c16")), num(r.rps("static-c64")), num(r.rps("proxy-c16")), num(r.rps("proxy-c64")),
            num(ceiling64), num(ceiling256)),
        "limit-disk (the store's durable write in C, a file and its directory flushed per record, as many "
        "threads as connections): c16 %s, c64 %s, c256 %s records/s. limit-group (group commit in C behind the "
        "same nginx: a journal append per START, one fdatasync for every waiting request, then the token file "
        "and a 303): c16 %s req/s (p99 %s ms), c64 %s req/s." % (
            num(r.rps("disk-c16")), num(r.rps("disk-c64")), num(r.rps("disk-c256")),
            num(r.rps("group-c16")), num(r.p99("group-c16"), 2), num(r.rps("group-c64"))),
        "START vs limit-disk: c16 %s, c64 %s; vs limit-group: c16 %s, c64 %s; vs limit-static: c16 %s, c64 %s. "
        "Values are medians of the runs; ratios are medians of the per-round ratios." % (
            pr("start-c16", "disk-c16"), pr("start-c64", "disk-c64"), pr("start-c16", "group-c16"),
            pr("start-c64", "group-c64"), pr("start-c16", "static-c16"), pr("start-c64", "static-c64")),
        "CPU per answered request (µs, medians; process, nginx's workers, the whole machine): START c16 %s, %s, %s; "
        "on tmpfs %s, %s, %s; CALLBACK pending %s, %s, %s; CALLBACK final %s; limit-proxy c16 nginx %s, machine %s; "
        "limit-disk c16 %s per record; PHP-FPM START c16 machine %s; Python SDK START c16 machine %s." % (
            cpu("start-c16"), cpu("start-c16", 1), cpu("start-c16", 2),
            cpu("start-mem-c16"), cpu("start-mem-c16", 1), cpu("start-mem-c16", 2),
            cpu("cb-pending-c16"), cpu("cb-pending-c16", 1), cpu("cb-pending-c16", 2), cpu("cb-final-c16"),
            cpu("proxy-c16", 1), cpu("proxy-c16", 2), cpu("disk-c16"), cpu("php-c16", 2), cpu("sdk-c16", 2)),
    ]
    closes = r.facts.get("nginx_premature_closes")
    if closes is not None:
        lines.append("nginx's error log: %s \"upstream prematurely closed connection\" over the run (0 expected: "
                     "nginx keeps no more connections to a handler than the handler keeps)." % closes)
    peers_rss = r.facts.get("peers_rss")
    if peers_rss:
        lines.append("Peers' RSS after the run: %s." % peers_rss)
    order = symbol_order_line(r)
    if order:
        lines.append(order)
    lines += [
        "",
        "Command: %s; %s runs of %ss per figure (wrk -t1), %s cores, CPUs %s%% busy before the run, "
        "token store on %s, %s." % (
            r.facts.get("command", "scripts/bench"), r.facts.get("runs", "?"), r.facts.get("duration", "?"),
            r.facts.get("cores", "?"), r.facts.get("busy_before", "?"), r.facts.get("store_fs", "?"),
            r.facts.get("date", "?")),
    ]
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print("usage: benchreport.py RUN_DIR   (prints the report; also writes RUN_DIR/table.md)", file=sys.stderr)
        return 2
    run = Run(argv[1])
    if not run.wrk and not run.cgi:
        print("benchreport: no wrk or hyperfine output in %s/raw: is it a scripts/bench run directory?" % argv[1],
              file=sys.stderr)
        return 1
    text = report(run) if run.wrk else cgi_report(run)
    (run.dir / "table.md").write_text(text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
