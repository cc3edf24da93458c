"""The file store's promises, seen through the system calls of the real handler: every record
whose redirect went out was durable first (its journal entry written and fdatasynced, its file
named, every directory made on the way synced in its parent), under concurrent load so that
flushes are shared; and a store directory that vanished is not silently made again."""

import hashlib
import http.client
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import stracelog
from cgirun import config_with

CLIENTS = 4
STARTS_PER_CLIENT = 30
TRACED = "trace=openat,write,writev,pwrite64,sendmsg,sendto,fdatasync,fsync,syncfs,rename,renameat,renameat2,link,linkat,mkdir,mkdirat"


def handler_process(stack):
    """The running ekyc-start's PID, command line and environment (as test_crash takes them)."""
    pid = int(Path(stack.run_dir, "pids", "start.pid").read_text())
    command = Path("/proc/%d/cmdline" % pid).read_bytes().split(b"\0")[:-1]
    environment = dict(line.split(b"=", 1) for line in Path("/proc/%d/environ" % pid).read_bytes().split(b"\0") if b"=" in line)
    return pid, command, environment


def stop(pid):
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while Path("/proc/%d" % pid).exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def wait_listening(command, child):
    listen = command[command.index(b"--listen") + 1].decode().removeprefix("unix:")
    import socket
    deadline = time.monotonic() + 30
    while True:
        assert child.poll() is None, "the traced handler exited"
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect(listen)
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
        time.sleep(0.05)


def starts(stack, count, tokens):
    site = urlsplit(stack.site_url)
    conn = http.client.HTTPConnection(site.hostname, site.port, timeout=30)
    try:
        for _ in range(count):
            conn.request("GET", "/ekyc/start")
            answer = conn.getresponse()
            answer.read()
            if answer.status == 303:
                tokens.append(parse_qs(urlsplit(answer.getheader("Location")).query)["token"][0])
    finally:
        conn.close()


def test_every_acknowledged_record_was_durable_before_its_redirect(stack, tmp_path):
    pid, command, environment = handler_process(stack)
    store = tmp_path / "tokens"  # missing: the traced handler makes it (store_create), and its shards
    environment[b"EKYC_STORE"] = b"file:" + str(store).encode()
    environment[b"EKYC_STORE_CREATE"] = b"true"
    trace = tmp_path / "strace.out"
    log = open(Path(stack.run_dir, "logs", "start.log"), "ab")
    stop(pid)
    traced = subprocess.Popen([b"strace", b"-f", b"-qq", b"-tt", b"-y", b"-s", b"65536", b"-e", TRACED.encode(),
                               b"-o", str(trace).encode(), *command],
                              env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    tokens = []
    try:
        wait_listening(command, traced)
        clients = [threading.Thread(target=starts, args=(stack, STARTS_PER_CLIENT, tokens)) for _ in range(CLIENTS)]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
    finally:
        children = Path("/proc/%d/task/%d/children" % (traced.pid, traced.pid)).read_text().split()
        for child in children:
            stop(int(child))
        traced.wait(timeout=30)
        # The stack's own handler back, for the tests that follow.
        environment.pop(b"EKYC_STORE")
        environment.pop(b"EKYC_STORE_CREATE")
        restarted = subprocess.Popen(command, env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        Path(stack.run_dir, "pids", "start.pid").write_text(str(restarted.pid))
        wait_listening(command, restarted)

    assert len(tokens) >= CLIENTS * STARTS_PER_CLIENT * 0.9, "only %d starts answered 303" % len(tokens)
    calls = stracelog.parse(trace.read_text(errors="replace"))
    real_store = os.path.realpath(store)
    failures = {}
    for token in tokens:
        name = hashlib.sha256(token.encode()).hexdigest()
        record_file = "%s/%s/%s.json" % (real_store, name[:2], name)
        problems = stracelog.durability_problems(calls, token, record_file)
        if problems:
            failures[token] = problems
        assert Path(record_file).exists()
    assert not failures, "%d of %d records out of order, e.g. %s" % (len(failures), len(tokens), next(iter(failures.items())))
    # The check is not vacuous: without the flushes, or the directory syncs, it finds the fault.
    assert stracelog.durability_problems([c for c in calls if c.name != "fdatasync"], token, record_file)
    assert stracelog.durability_problems([c for c in calls if c.name != "fsync"], token, record_file)

    # Shared flushes: fewer journal flushes than records (the clients ran concurrently).
    flushes = [c for c in calls if c.name == "fdatasync" and (c.fd_path or "").endswith(".journal")]
    print("records %d, journal flushes %d" % (len(tokens), len(flushes)))
    assert flushes and len(flushes) <= len(tokens)
    # A clean stop retired the segment: nothing is left to replay.
    assert not list((store / "journal").glob("*.journal"))


def check_config(stack, config):
    return subprocess.run([str(Path(stack.bin_dir, "ekyc-start")), "--config", str(config), "--check-config"],
                          capture_output=True, text=True, timeout=30)


def test_a_vanished_store_stops_the_handlers_until_created_or_allowed(stack, tmp_path):
    store = tmp_path / "gone" / "tokens"
    (tmp_path / "gone").mkdir()
    config = config_with(stack, tmp_path, store="file:%s" % store, store_create="false")
    answer = check_config(stack, config)
    assert answer.returncode == 1, answer.stdout
    assert "%s" % store in answer.stdout and "does not exist" in answer.stdout and "store_create" in answer.stdout, answer.stdout
    assert not store.exists()

    # As CGI: no answer that pretends the token is unknown; the start is refused.
    binary = str(Path(stack.bin_dir, "ekyc-start"))
    cgi = subprocess.run([binary], env={"EKYC_CONFIG": str(config), "REQUEST_METHOD": "GET", "DOCUMENT_URI": "/ekyc/start",
                                        "QUERY_STRING": ""}, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    assert not cgi.stdout.startswith(b"Status: 303") and not store.exists(), cgi.stdout[:200]

    config = config_with(stack, tmp_path, store="file:%s" % store, store_create="true")
    answer = check_config(stack, config)
    assert answer.returncode == 0, answer.stdout
    assert store.is_dir() and (store.stat().st_mode & 0o777) == 0o700
    # The check's probe record went through a journal; the command's clean exit retired it.
    assert (store / "journal").is_dir() and not list((store / "journal").glob("*.journal"))
