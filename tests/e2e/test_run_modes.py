"""The installed binaries run the ways sysadmins run FastCGI apps, each answering a real
verification against the test stack's sandbox: the installed systemd units (socket on fd 0) behind
an nginx that includes the installed snippet, spawn-fcgi, plain CGI, fcgiwrap and --listen."""

import os
import pwd
import re
import shutil
import signal
import socket
import stat
import struct
import subprocess
import uuid

import pytest

from flow import verify_once
from installed import (AS_ROOT, clean_environment, NGINX_USER, SERVICE_GROUP, SERVICE_USER, SocketUnit, as_service_user, cgi_environment,
                       exec_start, FastCGIConnection, fastcgi_request, fill_config, install, make_prefix, run_as_service_user, run_cgi, unit)
from nginxfront import nginx_in_front, through_nginx
from polling import wait_for
from ports import free_port, listening
from responses import parse_cgi


@pytest.fixture(scope="module")
def installation(stack):
    """scripts/install into a temporary prefix, then the config filled in as an admin would."""
    prefix = make_prefix()
    install(stack, prefix)
    fill_config(stack, prefix)
    yield prefix
    shutil.rmtree(prefix)


def binary(prefix, name):
    return str(prefix / "usr/local/bin" / name)


def config(prefix):
    return str(prefix / "etc/ekyc/ekyc.conf")


def owner(path):
    info = os.stat(path)
    return pwd.getpwuid(info.st_uid).pw_name, stat.S_IMODE(info.st_mode)


def test_installed_socket_units_serve_behind_the_installed_snippet(stack, installation, scratch):
    units = installation / "etc/systemd/system"
    handlers = {name: SocketUnit(units / (name + ".socket"), units / (name + ".service"), scratch / (name + ".journal"))
                for name in ("ekyc-start", "ekyc-callback")}
    nginx = None
    try:
        for handler in handlers.values():
            handler.start()
            assert owner(handler.path) == (NGINX_USER, 0o660)
        nginx = nginx_in_front(installation, scratch)
        verify_once(stack, lambda: through_nginx(scratch, "/ekyc/start"),
                    lambda token, cookie: through_nginx(scratch, "/ekyc/callback?token=" + token, cookie))

        # One request, one id: nginx's access log line and the handler's journal line carry the
        # same, whatever X-Request-Id the client sends.
        marker = uuid.uuid4().hex
        answer = through_nginx(scratch, "/ekyc/callback?token=" + marker, header="X-Request-Id: chosen-by-client")
        assert answer.status == 404  # no verification with this token
        access = [line for line in (scratch / "access.log").read_text().splitlines() if marker in line]
        assert len(access) == 1, access
        request_id = re.search(r" id=([0-9a-f]{32})$", access[0]).group(1)
        assert answer.json()["error"]["requestId"] == request_id
        # The handler writes its line once the answer is out, so it may come a moment later.
        journal = scratch / "ekyc-callback.journal"
        wait_for(lambda: "status=404" in journal.read_text(), what="the handler's log line")
        lines = [line for line in journal.read_text().splitlines() if "status=404" in line]
        assert len(lines) == 1 and " req=%s " % request_id in lines[0], lines

        # systemctl reload: ExecReload sends SIGHUP; the process stays and keeps answering.
        handlers["ekyc-start"].reload()
        wait_for(lambda: "event=reload" in (scratch / "ekyc-start.journal").read_text(), what="the reload line")
        assert handlers["ekyc-start"].process.poll() is None
        assert through_nginx(scratch, "/ekyc/start").status == 303
    finally:
        if nginx:
            nginx.terminate()
            nginx.wait(10)
        for handler in handlers.values():
            if handler.process and handler.process.poll() is None:
                assert handler.stop() == 0  # systemctl stop: SIGTERM, a clean exit


def test_sweep_service_runs_as_its_user(installation):
    service = unit(installation / "etc/systemd/system/ekyc-sweep.service")
    assert service["User"] == unit(installation / "etc/systemd/system/ekyc-start.service")["User"]
    result = run_as_service_user(exec_start(service))
    assert result.returncode == 0, result.stderr
    assert "swept" in result.stdout + result.stderr


def spawned_pids(output):
    return [int(pid) for pid in re.findall(r"child spawned successfully: PID: (\d+)", output)]


def stop(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    wait_for(lambda: not any(os.path.exists("/proc/%d" % pid) for pid in pids), what="the handlers to exit")


def test_spawn_fcgi_children_share_a_socket_nginx_owns(stack, installation, scratch):
    sockets = {name: scratch / (name + ".sock") for name in ("start", "callback")}
    pids = []
    try:
        for name, path in sockets.items():
            command = ["spawn-fcgi", "-s", str(path), "-F", "2", "-M", "0660"]
            if AS_ROOT:
                command += ["-U", NGINX_USER, "-G", NGINX_USER, "-u", SERVICE_USER, "-g", SERVICE_GROUP]
            command += ["--", binary(installation, "ekyc-" + name), "--config", config(installation)]
            spawned = subprocess.run(command, capture_output=True, text=True, timeout=30, env=clean_environment())
            assert spawned.returncode == 0, spawned.stderr
            children = spawned_pids(spawned.stdout + spawned.stderr)
            assert len(children) == 2, spawned.stdout + spawned.stderr
            pids += children
            assert owner(path) == ((NGINX_USER if AS_ROOT else SERVICE_USER), 0o660)
            for pid in children:
                assert os.stat("/proc/%d" % pid).st_uid == pwd.getpwnam(SERVICE_USER).pw_uid
        for _ in range(3):
            verify_once(stack, lambda: fastcgi_request(str(sockets["start"]), "/ekyc/start"),
                        lambda token, cookie: fastcgi_request(str(sockets["callback"]), "/ekyc/callback",
                                                              "token=" + token, cookie=cookie))
    finally:
        stop(pids)


def cgi(prefix, name, path, query="", cookie=None, **extra):
    """The binary as a CGI program, as Apache's ScriptAlias or shared hosting run it."""
    result = run_cgi([binary(prefix, name), "--config", config(prefix)], path, query, process=as_service_user(),
                     cookie=cookie, **extra)
    assert result.returncode == 0, result.stderr
    assert re.search(rb"^method=GET path=%s status=\d{3} " % path.encode(), result.stderr, re.M), result.stderr
    return parse_cgi(result.stdout)


def test_the_same_binary_answers_plain_cgi(stack, installation):
    verify_once(stack, lambda: cgi(installation, "ekyc-start", "/ekyc/start"),
                lambda token, cookie: cgi(installation, "ekyc-callback", "/ekyc/callback", "token=" + token, cookie))


def test_fcgiwrap_runs_the_binary_as_cgi(stack, installation, scratch):
    wrapper = scratch / "fcgiwrap.sock"
    command = ["spawn-fcgi", "-s", str(wrapper), "-M", "0600"]
    if AS_ROOT:
        command += ["-u", SERVICE_USER, "-g", SERVICE_GROUP]
    spawned = subprocess.run(command + ["--", shutil.which("fcgiwrap") or "/usr/sbin/fcgiwrap"],
                             capture_output=True, text=True, timeout=30, env=clean_environment())
    assert spawned.returncode == 0, spawned.stderr
    pids = spawned_pids(spawned.stdout + spawned.stderr)

    def request(name, path, query="", cookie=None):
        # What nginx's `fastcgi_param SCRIPT_FILENAME` names; EKYC_CONFIG since fcgiwrap passes no arguments.
        return fastcgi_request(str(wrapper), path, query, cookie=cookie, SCRIPT_FILENAME=binary(installation, name),
                               EKYC_CONFIG=config(installation))

    try:
        verify_once(stack, lambda: request("ekyc-start", "/ekyc/start"),
                    lambda token, cookie: request("ekyc-callback", "/ekyc/callback", "token=" + token, cookie))
    finally:
        stop(pids)


def test_listen_on_a_tcp_address_as_in_a_container(stack, installation, scratch):
    addresses = {name: "127.0.0.1:%d" % free_port() for name in ("start", "callback")}
    processes = []
    try:
        for name, address in addresses.items():
            with open(scratch / (name + ".log"), "ab") as log:
                processes.append(subprocess.Popen([binary(installation, "ekyc-" + name), "--config", config(installation),
                                                   "--listen", address, "--workers", "2"],
                                                  stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=clean_environment(),
                                                  **as_service_user()))
        for name, address in addresses.items():
            wait_for(lambda: listening(address), what=name + " to listen")
        verify_once(stack, lambda: fastcgi_request(addresses["start"], "/ekyc/start"),
                    lambda token, cookie: fastcgi_request(addresses["callback"], "/ekyc/callback", "token=" + token,
                                                          cookie=cookie))

        # libfcgi's own client filter: with FCGI_WEB_SERVER_ADDRS set, other addresses get no answer.
        guarded = "127.0.0.1:%d" % free_port()
        with open(scratch / "guarded.log", "ab") as log:
            processes.append(subprocess.Popen([binary(installation, "ekyc-callback"), "--config", config(installation),
                                               "--listen", guarded], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                              env={**clean_environment(), "FCGI_WEB_SERVER_ADDRS": "192.0.2.1"},
                                              **as_service_user()))
        wait_for(lambda: listening(guarded), what="the guarded handler to listen")
        refused = subprocess.run(["cgi-fcgi", "-bind", "-connect", guarded], env=cgi_environment("/ekyc/callback"),
                                 stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        assert b"Status:" not in refused.stdout, refused.stdout
    finally:
        for process in processes:
            process.terminate()
            assert process.wait(10) == 0


def test_a_peer_that_connects_and_says_nothing_holds_one_worker_not_the_handler(stack, installation, scratch):
    """Workers take turns to accept; a FastCGI peer that connects and never sends its request
    must not keep the turn (and with it every other worker) waiting."""
    process, address = callback_on_loopback(installation, scratch, workers=2)
    host, port = address.split(":")
    silent = []
    try:
        silent.append(socket.create_connection((host, int(port))))
        for _ in range(3):
            answer = fastcgi_request(address, "/ekyc/callback", "token=" + uuid.uuid4().hex)
            assert answer.status == 404, answer.body
    finally:
        for connection in silent:
            connection.close()
        process.terminate()
        assert process.wait(10) == 0


def callback_on_loopback(installation, scratch, workers):
    address = "127.0.0.1:%d" % free_port()
    with open(scratch / "callback.log", "ab") as log:
        process = subprocess.Popen([binary(installation, "ekyc-callback"), "--config", config(installation),
                                    "--listen", address, "--workers", str(workers)],
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=clean_environment(),
                                   **as_service_user())
    wait_for(lambda: listening(address), what="ekyc-callback to listen")
    return process, address


def test_a_kept_connection_serves_request_after_request(stack, installation, scratch):
    """nginx's fastcgi_keep_conn: requests flagged FCGI_KEEP_CONN leave the connection open for
    the next one; the first request without the flag is answered and the connection closed."""
    process, address = callback_on_loopback(installation, scratch, workers=4)
    connection = FastCGIConnection(address)
    try:
        for _ in range(5):
            assert connection.request("/ekyc/callback", "token=" + uuid.uuid4().hex).status == 404
        assert connection.request("/ekyc/callback", "token=" + uuid.uuid4().hex, keep=False).status == 404
        assert connection.closed_by_peer()
    finally:
        connection.close()
        process.terminate()
        assert process.wait(10) == 0


def test_at_most_half_the_workers_wait_on_kept_connections(stack, installation, scratch):
    """A worker waiting on a kept connection serves no one else: with 2 workers one may wait, and
    the other connection is closed after its answer so that a new connection is still served."""
    process, address = callback_on_loopback(installation, scratch, workers=2)
    first, second = FastCGIConnection(address), FastCGIConnection(address)
    try:
        assert first.request("/ekyc/callback", "token=" + uuid.uuid4().hex).status == 404
        assert second.request("/ekyc/callback", "token=" + uuid.uuid4().hex).status == 404
        assert second.closed_by_peer()
        assert fastcgi_request(address, "/ekyc/callback", "token=" + uuid.uuid4().hex).status == 404
        assert first.request("/ekyc/callback", "token=" + uuid.uuid4().hex).status == 404
    finally:
        first.close()
        second.close()
        process.terminate()
        assert process.wait(10) == 0


def test_sigterm_does_not_wait_for_kept_idle_connections(stack, installation, scratch):
    """A worker waiting on an idle kept connection is woken by SIGTERM: the handler exits at once
    instead of after the connection's idle limit (30 s)."""
    process, address = callback_on_loopback(installation, scratch, workers=4)
    connection = FastCGIConnection(address)
    try:
        assert connection.request("/ekyc/callback", "token=" + uuid.uuid4().hex).status == 404
        process.terminate()
        assert process.wait(10) == 0
        assert connection.closed_by_peer()
    finally:
        connection.close()
        if process.poll() is None:
            process.kill()


def test_spawn_fcgi_without_fork_keeps_the_log_lines(stack, installation, scratch):
    """Forked children get /dev/null as stderr from spawn-fcgi; with -n the handler keeps it."""
    path, log = scratch / "callback.sock", scratch / "callback.log"
    command = ["spawn-fcgi", "-n", "-s", str(path), "-M", "0600"]
    if AS_ROOT:
        command += ["-u", SERVICE_USER, "-g", SERVICE_GROUP]
    with open(log, "ab") as stderr:
        process = subprocess.Popen(command + ["--", binary(installation, "ekyc-callback"), "--config", config(installation)],
                                   stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr, env=clean_environment())
    try:
        # spawn-fcgi binds (the file appears) before it listens: wait for a connection to be taken.
        wait_for(lambda: listening("unix:%s" % path), what="spawn-fcgi's socket")
        answer = fastcgi_request(str(path), "/ekyc/callback", "token=" + uuid.uuid4().hex, request_id="no-fork-check")
        assert answer.status == 404
        wait_for(lambda: "req=no-fork-check" in log.read_text(), what="the handler's log line")
    finally:
        process.terminate()
        assert process.wait(10) == 0


def thread_count(pid):
    return len(os.listdir("/proc/%d/task" % pid))


def test_workers_start_on_demand(stack, installation, scratch):
    """--workers is a limit, not a pool: one request at a time (mod_fcgid, a quiet shop) runs one
    or two worker threads; each request held at once in a worker adds one."""
    process, address = callback_on_loopback(installation, scratch, workers=256)
    host, port = address.split(":")
    held = []
    try:
        # Warm: the first request has been served (and the probe that saw the socket listening).
        assert fastcgi_request(address, "/ekyc/callback", "token=" + uuid.uuid4().hex).status == 404
        warm = thread_count(process.pid)
        for _ in range(20):
            assert fastcgi_request(address, "/ekyc/callback", "token=" + uuid.uuid4().hex).status == 404
        sequential = thread_count(process.pid)
        # One request at a time: at most the one more worker that takes the accept turn while
        # another answers (an exact count is timing; the unit test counts workers themselves).
        assert sequential <= warm + 1, (warm, sequential)

        # A request whose params never end keeps its worker reading them: 8 workers busy at once.
        for _ in range(8):
            connection = socket.create_connection((host, int(port)))
            connection.sendall(struct.pack(">BBHHBx", 1, 1, 1, 8, 0) + struct.pack(">HB5x", 1, 0)
                               + struct.pack(">BBHHBx", 1, 4, 1, 100, 0) + b"\x05\x01")
            held.append(connection)
        assert fastcgi_request(address, "/ekyc/callback", "token=" + uuid.uuid4().hex).status == 404
        wait_for(lambda: thread_count(process.pid) >= sequential + 8, what="a worker per held request")
        # Workers double when all are busy: at most twice the requests held at once, far from 256.
        assert thread_count(process.pid) <= sequential + 2 * 9
    finally:
        for connection in held:
            connection.close()
        process.terminate()
        assert process.wait(10) == 0


def test_every_error_carries_a_request_id_whatever_the_web_server_gives(stack, installation):
    """nginx passes REQUEST_ID and Apache's mod_unique_id UNIQUE_ID; given neither (plain CGI,
    mod_fcgid without the module) the handler makes one. The error's requestId, the support
    reference the shop shows, is the id on the handler's log line."""
    made = set()
    for extra, expected in (({"REQUEST_ID": "", "UNIQUE_ID": "ZmFrZS11bmlxdWUtaWQ"}, "ZmFrZS11bmlxdWUtaWQ"),
                            ({"REQUEST_ID": ""}, None), ({"REQUEST_ID": ""}, None)):
        result = subprocess.run([binary(installation, "ekyc-callback"), "--config", config(installation)],
                                env=cgi_environment("/ekyc/callback", "token=" + uuid.uuid4().hex, **extra),
                                stdin=subprocess.DEVNULL, capture_output=True, timeout=30, **as_service_user())
        answer = parse_cgi(result.stdout)
        assert answer.status == 404, answer.body
        request_id = answer.json()["error"]["requestId"]
        if expected:
            assert request_id == expected
        else:
            assert re.fullmatch(r"[A-Za-z0-9_-]{16}", request_id), request_id
            made.add(request_id)
        assert re.search(rb"^method=GET path=/ekyc/callback status=404 ms=[0-9.]+ req=%s error=unknown_token"
                         % re.escape(request_id.encode()), result.stderr, re.M), result.stderr
    assert len(made) == 2


def test_garbage_on_the_fastcgi_socket_is_logged_and_the_next_request_served(stack, installation, scratch):
    """HTTP sent to the FastCGI port (or any bytes that are no FastCGI request): the connection is
    closed with a log line, and the one worker serves the next connection."""
    process, address = callback_on_loopback(installation, scratch, workers=1)
    host, port = address.split(":")
    try:
        with socket.create_connection((host, int(port))) as garbage:
            garbage.sendall(b"GET /ekyc/callback HTTP/1.1\r\nHost: x\r\n\r\n")
            garbage.shutdown(socket.SHUT_WR)
            assert garbage.recv(100) == b""
        assert fastcgi_request(address, "/ekyc/callback", "token=" + uuid.uuid4().hex).status == 404
        wait_for(lambda: "event=fastcgi_connection_dropped" in (scratch / "callback.log").read_text(),
                 what="the dropped connection's log line")
    finally:
        process.terminate()
        assert process.wait(10) == 0
