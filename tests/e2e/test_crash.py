"""kill -9 under load: while browsers start verifications through nginx, the start handler is
killed at random and a supervisor restarts it (as systemd or spawn-fcgi would). Afterwards every
token that went out in a 303 is in the store and reads back whole, no record is partial, the
next sweep leaves no temp file, and every other answer was nginx's 502 for a dead worker (or the
sandbox's Tencent-like 429), never a wrong one.

Short in scripts/test; scripts/soak sets EKYC_SOAK_SECONDS and EKYC_SOAK_CONNECTIONS for the
long run."""

import hashlib
import http.client
import json
import os
import random
import signal
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cgirun import start_as_cgi
from polling import wait_for
from ports import listening
from services import take_over

SECONDS = float(os.environ.get("EKYC_SOAK_SECONDS", "6"))
CONNECTIONS = int(os.environ.get("EKYC_SOAK_CONNECTIONS", "8"))


class Supervisor:
    """Restarts the handler whenever it dies, like systemd's Restart=always."""

    def __init__(self, stack, command, environment):
        self.stack, self.command, self.environment = stack, command, environment
        self.log = open(Path(stack.run_dir, "logs", "start.log"), "ab")
        self.released = False
        self.child = None
        self.restarts = 0
        self.lock = threading.Lock()
        # A daemon: it keeps the handler running for later tests and must not hold pytest at exit.
        self.thread = threading.Thread(target=self.run, daemon=True)

    def spawn(self):
        child = subprocess.Popen(self.command, env=self.environment, stdin=subprocess.DEVNULL,
                                 stdout=self.log, stderr=self.log)
        Path(self.stack.run_dir, "pids", "start.pid").write_text(str(child.pid))
        return child

    def run(self):
        while True:
            # The decision to restart is taken under the lock release() takes, so a handler
            # killed just before release() is restarted by exactly one of the two.
            with self.lock:
                if self.released:
                    return
                if self.child is not None:
                    self.restarts += 1
                self.child = child = self.spawn()
            child.wait()

    def kill(self):
        """SIGKILL, and back only once the handler is reaped: release() then sees it dead."""
        with self.lock:
            child = self.child
        if child and child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()

    def release(self):
        """Stops supervising and leaves one handler running for the tests that follow (the
        stack stops it by the PID in start.pid)."""
        with self.lock:
            self.released = True
            if self.child.poll() is not None:
                self.child = self.spawn()
        self.wait_listening()

    def wait_listening(self):
        """Until the handler accepts on its socket: a restarted one needs a moment to bind."""
        listen = self.command[self.command.index(b"--listen") + 1].decode()
        wait_for(lambda: listening(listen), what="ekyc-start to accept on " + listen)


def load(stack, deadline, results):
    site = urlsplit(stack.site_url)
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection(site.hostname, site.port, timeout=15)
        try:
            while time.monotonic() < deadline:
                conn.request("GET", "/ekyc/start")
                answer = conn.getresponse()
                answer.read()
                token = None
                if answer.status == 303:
                    token = parse_qs(urlsplit(answer.getheader("Location")).query)["token"][0]
                results.append((answer.status, token))
        except (http.client.HTTPException, OSError) as error:
            results.append(("connection", repr(error)))
        finally:
            conn.close()


def record_of(stack, token):
    name = hashlib.sha256(token.encode()).hexdigest()
    path = Path(stack.run_dir, "tokens", name[:2], name + ".json")
    return json.loads(path.read_bytes()) if path.exists() else None


def test_kill_9_under_load_loses_no_acknowledged_token(stack, browser):
    command, environment = take_over(stack, "start")

    supervisor = Supervisor(stack, command, environment)
    supervisor.thread.start()
    results, kills = [], 0
    deadline = time.monotonic() + SECONDS
    workers = [threading.Thread(target=load, args=(stack, deadline, results)) for _ in range(CONNECTIONS)]
    for worker in workers:
        worker.start()
    try:
        while True:
            time.sleep(random.uniform(0.3, 1.2))
            if time.monotonic() >= deadline - 0.5:
                break
            supervisor.kill()
            kills += 1
    finally:
        for worker in workers:
            worker.join()
    supervisor.release()

    statuses = [status for status, _ in results]
    acknowledged = [token for status, token in results if status == 303]
    print("requests %d, 303 %d, kills %d, restarts %d, others %s" % (
        len(results), len(acknowledged), kills, supervisor.restarts,
        {s: statuses.count(s) for s in set(statuses) if s != 303}))
    assert kills >= 3 and acknowledged
    assert set(statuses) <= {303, 429, 502, "connection"}, set(statuses)
    lost = [token for token in acknowledged if (record_of(stack, token) or {}).get("token") != token]
    assert not lost, "acknowledged but not stored: %d" % len(lost)

    # Every record in the store parses whole; after a sweep no temp file of a killed writer is left.
    store = Path(stack.run_dir, "tokens")
    for path in store.glob("*/*.json"):
        json.loads(path.read_bytes())
    bin_dir = Path(command[0].decode()).parent
    subprocess.run([str(bin_dir / "ekyc-start"), "sweep", "--config", str(Path(stack.run_dir, "ekyc.conf"))],
                   check=True, env={k.decode(): v.decode() for k, v in environment.items()}, capture_output=True)
    live = supervisor.child.pid
    leftovers = [p.name for p in store.glob("*/.tmp-*") if not p.name.startswith(".tmp-%d-" % live)]
    assert not leftovers, leftovers


def test_full_disk_answers_503_and_sends_no_redirect(stack, tmp_path):
    """The store on a small tmpfs filled to the last byte: START asks Tencent, cannot store the
    token, and answers 503 without a Location (the same binary, run as CGI with that store)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,nr_inodes=64", "tmpfs", str(disk)], check=True)
    try:
        (disk / "tokens").mkdir(mode=0o700)
        filler = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(filler, b"\0" * 512):
                pass
        except OSError:
            pass  # ENOSPC: the disk is full
        finally:
            os.close(filler)
        head, body = start_as_cgi(stack, tmp_path, store="file:%s" % (disk / "tokens"))
        assert head.startswith(b"Status: 503"), head
        assert b"Location:" not in head and b"Retry-After:" in head
        assert body["error"]["code"] == "store_unavailable"
        assert not list((disk / "tokens").glob("*/*.json")) and not list((disk / "tokens").glob("*/.tmp-*"))
    finally:
        subprocess.run(["umount", str(disk)], check=True)
