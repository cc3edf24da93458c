"""Results that reach the merchant's backend whatever the browser does: N verifications created
by the backend through a production-like installation (hardened.py), each handed to a browser
that passes (or fails) on the sandbox page; two in three browsers come back to the shop, one in
three never does. The reconciler (`ekyc-start reconcile --once`, as its timer runs it) finds the
lost ones; the deliverer (`ekyc-start deliver`, as its service runs it) posts every final result
to a receiver. Counted: events received, duplicates, API calls per verification at the sandbox.

EKYC_LOST_BROWSERS sets N (default 60; the figures in docs/RELIABILITY.md are of N = 1000)."""

import json
import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from hardened import Hardened, SandboxCalls
from installed import clean_environment
from polling import until_final, wait_for
from webhooks import Receiver, event_id, signature_holds

N = int(os.environ.get("EKYC_LOST_BROWSERS", "60"))
WEBHOOK_KEY = "lost-browsers-webhook-key-0123456789abcdef"


def test_every_result_reaches_the_backend_whether_or_not_the_browser_returns(stack):
    receiver = Receiver().start()
    site = Hardened(stack, secrets={"webhook_key": WEBHOOK_KEY}, webhook_url=receiver.url, webhook_retry_base="1s",
                    reconcile_after="0s", reconcile_every="1s", reconcile_rate="off", api_budget="100/s").start()
    deliverer = None
    try:
        calls = SandboxCalls(stack)
        deliverer = subprocess.Popen([str(Path(stack.bin_dir) / "ekyc-start"), "deliver", "--config", str(site.config)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env=clean_environment())
        started = time.monotonic()

        def create(ref):
            """As a backend does: at the site's API budget (429), wait what Retry-After says."""
            for _ in range(30):
                created = site.backend("POST", "/ekyc/verifications", json.dumps({"ref": ref}).encode())
                if created.status != 429:
                    return created
                time.sleep(float(created.header("retry-after")))
            return created

        def one(index):
            created = create("user-%d" % index)
            assert created.status == 201, created.body
            handoff = urlsplit(created.json()["handoffURL"])
            browser = "127.0.%d.%d" % (8 + index // 250, 1 + index % 250)
            opened = site.get(handoff.path + "?" + handoff.query, client=browser)
            assert opened.status == 303, opened.body
            token = created.json()["id"]
            outcome = "liveness" if index % 10 == 9 else "pass"
            site.finish_on_sandbox(token, outcome)
            if index % 3 != 2:  # two in three come back to the shop's result page
                answer = until_final(lambda: site.get("/ekyc/callback?token=" + token, client=browser,
                                                      headers={"Cookie": opened.cookies()}))
                assert answer.status == 200, answer.body
            return token, "verification.failed" if outcome == "liveness" else "verification.passed"

        with ThreadPoolExecutor(8) as pool:
            expected = dict(pool.map(one, range(N)))
        flowed = time.monotonic() - started

        # The timer's rounds, until no verification is left pending.
        for _ in range(30):
            round = subprocess.run([str(Path(stack.bin_dir) / "ekyc-start"), "reconcile", "--once", "--config", str(site.config)],
                                   capture_output=True, text=True, timeout=120, env=clean_environment())
            assert round.returncode == 0, round.stdout + round.stderr
            if " due=0 " in round.stdout + round.stderr:
                break
        wait_for(lambda: {event_id(token) for token in expected} <= {d.headers.get("ekyc-event-id") for d in receiver.deliveries},
                 seconds=120, what="an event for every verification")
        time.sleep(2)  # anything delivered twice would arrive now

        deliveries = list(receiver.deliveries)
        ids = [d.headers["ekyc-event-id"] for d in deliveries]
        types = {d.event["data"]["id"]: d.event["type"] for d in deliveries}
        assert all(signature_holds(WEBHOOK_KEY, d.headers["ekyc-signature"], d.body) for d in deliveries)
        assert types == expected, "each event says what the verification came to"
        applies, gets = calls.count("ApplyWebVerificationBizTokenIntl"), calls.count("GetWebVerificationResultIntl")
        lost = sum(1 for index in range(N) if index % 3 == 2)
        print("\n%d verifications (%d browsers never returned) in %.1f s: %d events received, %d duplicates; "
              "API calls %d Apply + %d Get = %.2f per verification" % (
                  N, lost, flowed, len(set(ids)), len(ids) - len(set(ids)), applies, gets, (applies + gets) / N))
        assert len(set(ids)) == N and applies == N
        assert len(ids) == N, "under normal operation each event is delivered once"
        assert gets <= N + lost, "a returning browser's result costs one Get, a lost one's the reconciler's"
    finally:
        if deliverer:
            deliverer.send_signal(signal.SIGTERM)
            deliverer.wait(timeout=30)
        site.stop()
        receiver.stop()
