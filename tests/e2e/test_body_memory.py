"""Many photo uploads at once through nginx to an ekyc-start with the production number of
workers: its peak memory stays under the bound docs/RELIABILITY.md gives, since a worker reads a
body only once the process's body budget has room for it; every upload is answered 303, or 503
`busy` with Retry-After when the budget stayed short, never a crash or nginx's 502; the handler
serves on afterwards.

scripts/test sends 64 at once; EKYC_UPLOADS sets another number (the documented figure is for
256), EKYC_BODY_MEMORY_LIMIT another budget (a huge one shows the memory without it)."""

import base64
import http.client
import json
import os
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from services import respawn, take_over

UPLOADS = int(os.environ.get("EKYC_UPLOADS", "64"))
WORKERS = 256
BODY_MEMORY_LIMIT = int(os.environ.get("EKYC_BODY_MEMORY_LIMIT", 64 << 20))
# docs/RELIABILITY.md, "Bounded resources": 64 MiB plus three times the body budget.
PEAK_BOUND_MIB = 64 + 3 * (BODY_MEMORY_LIMIT >> 20)
# The largest photo Tencent takes: 8 MB of base64, in the JSON a merchant backend sends.
IMAGE = b"\xff\xd8\xff\xe0" + os.urandom(6 * 1024 * 1024 - 4)
BODY = json.dumps({"compareImageBase64": base64.b64encode(IMAGE).decode()}).encode()


def memory_kib(pid, field):
    for line in Path("/proc/%d/status" % pid).read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError("no %s in /proc/%d/status" % (field, pid))


def upload(stack, ready, answers):
    site = urlsplit(stack.site_url)
    conn = http.client.HTTPConnection(site.hostname, site.port, timeout=120)
    try:
        ready.wait()
        conn.request("POST", "/ekyc/start", body=BODY, headers={"Content-Type": "application/json"})
        answer = conn.getresponse()
        answers.append((answer.status, answer.getheader("Retry-After"), answer.read()))
    except (http.client.HTTPException, OSError) as error:
        answers.append(("connection", None, repr(error).encode()))
    finally:
        conn.close()


def test_simultaneous_8_mib_uploads_stay_within_the_body_budget(stack):
    command, environment = take_over(stack, "start")
    crowded = {**environment, b"EKYC_BODY_MEMORY_LIMIT": str(BODY_MEMORY_LIMIT).encode()}
    handler = respawn(stack, command + [b"--workers", str(WORKERS).encode()], crowded)
    try:
        before = memory_kib(handler.pid, "VmRSS")
        ready, answers = threading.Barrier(UPLOADS), []
        senders = [threading.Thread(target=upload, args=(stack, ready, answers)) for _ in range(UPLOADS)]
        started = time.monotonic()
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        seconds = time.monotonic() - started
        peak = memory_kib(handler.pid, "VmHWM")
        statuses = [status for status, _, _ in answers]
        print("%d uploads of %d bytes in %.1f s: %s; ekyc-start VmRSS before %d MiB, peak (VmHWM) %d MiB" % (
            UPLOADS, len(BODY), seconds, {s: statuses.count(s) for s in set(statuses)}, before // 1024, peak // 1024))

        assert len(answers) == UPLOADS and set(statuses) <= {303, 413, 503}, set(statuses)
        assert 303 in statuses
        for status, retry_after, body in answers:
            if status == 503:
                assert json.loads(body)["error"]["code"] == "busy" and retry_after, body
        assert handler.poll() is None
        assert peak <= PEAK_BOUND_MIB * 1024, "peak %d MiB over the documented %d MiB" % (peak // 1024, PEAK_BOUND_MIB)
    finally:
        # The stack's own handler again, as it was, for the tests that follow.
        handler.terminate()
        assert handler.wait(30) == 0
        respawn(stack, command, environment)
