"""The reconciler through the real parts: a production-like installation (hardened.py: the
installed config, units and snippet, its own nginx and store), the sandbox as Tencent, and
`ekyc-start reconcile` run with the installed ekyc-reconcile.service's ExecStart, as the user
that runs that installation's handlers (the store is theirs). API calls are counted in the
sandbox's log. Each test has an installation of its own, so
no other test's pending verification is due in its store."""

import re
import signal
import subprocess
import time

from hardened import Hardened, SandboxCalls
from installed import clean_environment, exec_start, unit
from polling import wait_for

GET = "GetWebVerificationResultIntl"
# Every verification is due at once, and a pending one again after 3 s.
DUE_AT_ONCE = {"reconcile_after": "0s", "reconcile_every": "3s", "expose_media": "false"}


def installed_site(stack, **settings):
    """A started installation (stopped when its `with` ends) with every verification due at once."""
    return Hardened(stack, **{**DUE_AT_ONCE, **settings}).start()


def reconcile_command(site):
    return exec_start(unit(site.prefix / "etc/systemd/system/ekyc-reconcile.service"))


def reconcile(site):
    """One run of the installed timer's service; its output."""
    result = subprocess.run(reconcile_command(site), capture_output=True, text=True, timeout=30,
                            stdin=subprocess.DEVNULL, env=clean_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def round_fields(output):
    """The fields of the run's `event=reconcile` line (logfmt)."""
    lines = [line for line in output.splitlines() if line.startswith("event=reconcile ")]
    assert len(lines) == 1, output
    return {key: value.strip('"') for key, value in re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)', lines[0])}


def start(site, ref, client):
    """A user starts through nginx with a signed link; the BizToken."""
    answer = site.get(site.start_link(ref), client=client)
    assert answer.status == 303, answer.body
    return site.token_of(answer)


def test_a_user_who_passed_and_closed_the_tab_is_reconciled_with_one_call(stack):
    with installed_site(stack) as site:
        token = start(site, "order-recon-1", "127.0.0.21")
        site.finish_on_sandbox(token, "pass")  # ... and the browser never comes back to /ekyc/callback
        calls = SandboxCalls(stack)

        first = round_fields(reconcile(site))
        assert (first["listed"], first["checked"], first["finalized"], first["pending"]) == ("1", "1", "1", "0"), first
        assert calls.count(GET) == 1

        # The merchant's backend reads the result the reconciler stored, without another call.
        read = site.get(site.result_read(token), client="127.0.0.22")
        assert read.status == 200, read.body
        result = read.json()
        assert (result["status"], result["errorCode"], result["extra"]) == ("passed", 0, "order-recon-1")
        assert result["requestId"] and result["attempts"][0]["errorCode"] == 0

        second = round_fields(reconcile(site))
        assert (second["listed"], second["checked"]) == ("0", "0"), second
        assert calls.count(GET) == 1


def test_a_pending_verification_is_asked_again_only_after_reconcile_every(stack):
    with installed_site(stack) as site:
        token = start(site, "order-recon-2", "127.0.0.23")
        calls = SandboxCalls(stack)

        assert round_fields(reconcile(site))["pending"] == "1"
        assert calls.count(GET) == 1
        soon = round_fields(reconcile(site))
        assert (soon["listed"], soon["due"], soon["checked"]) == ("1", "0", "0"), soon
        assert calls.count(GET) == 1

        time.sleep(3.2)
        later = round_fields(reconcile(site))
        assert (later["checked"], later["pending"]) == ("1", "1"), later
        assert calls.count(GET) == 2

        # The user finishes after all: the next due round stores it.
        site.finish_on_sandbox(token, "liveness")
        time.sleep(3.2)
        assert round_fields(reconcile(site))["finalized"] == "1"
        read = site.get(site.result_read(token), client="127.0.0.24")
        assert read.json()["status"] == "failed" and read.json()["reason"] == "liveness"


def test_two_reconcilers_started_at_once_run_one_round(stack):
    # The reconciler's own share lets one call through every 4 s, so a round over two due
    # verifications lasts that long and the two runs overlap.
    with installed_site(stack, reconcile_rate="1/4s") as site:
        for index, client in enumerate(("127.0.0.25", "127.0.0.26")):
            start(site, "order-recon-3-%d" % index, client)
        calls = SandboxCalls(stack)
        runs = [subprocess.Popen(reconcile_command(site), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True, env=clean_environment())
                for _ in range(2)]
        outputs = [run.communicate(timeout=30)[0] for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs

        ran = [output for output in outputs if "event=reconcile " in output]
        held = [output for output in outputs if "event=round_skipped" in output]
        assert len(ran) == 1 and len(held) == 1, outputs
        assert round_fields(ran[0])["checked"] == "2"
        # The holder names itself (host:pid) once it has written its name; a look in between
        # says only that another process holds it.
        assert re.search(r'reason="the lease is held by ([^"]+:\d+|another process)"', held[0]), held[0]
        assert calls.count(GET) == 2


def test_the_loop_mode_keeps_the_lease_and_stops_on_sigterm(stack):
    with installed_site(stack) as site:
        start(site, "order-recon-4", "127.0.0.27")
        command = [word for word in reconcile_command(site) if word != "--once"] + ["--interval", "1s"]
        log = site.run / "reconcile-loop.log"
        with open(log, "w") as output:
            loop = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=output,
                                    env=clean_environment())
        try:
            def two_rounds():
                assert loop.poll() is None, log.read_text()
                return log.read_text().count("event=reconcile ") >= 2
            wait_for(two_rounds, 15, "two rounds of the loop")
            # A timer's run meanwhile finds the service holding the lease.
            once = reconcile(site)
            assert "event=round_skipped" in once and "event=reconcile " not in once, once
        finally:
            loop.send_signal(signal.SIGTERM)
            status = loop.wait(timeout=10)
        text = log.read_text()
        assert status == 0 and "event=reconcile_started interval=1s" in text and text.rstrip().endswith("event=reconcile_stopped"), text
        # The lease went with it: the next run does the round.
        assert "event=reconcile " in reconcile(site)
