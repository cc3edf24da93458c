"""An installation made by scripts/install into a temporary prefix, and the ways sysadmins run
FastCGI apps (systemd socket units, spawn-fcgi, fcgiwrap, plain CGI, --listen), reproduced without
systemd so they can be checked on any machine."""

import grp
import os
import pwd
import re
import shlex
import socket
import struct
import subprocess
import tempfile
import uuid
from pathlib import Path

from polling import wait_for  # noqa: F401 (tests import it from here too)
from responses import Response, parse_cgi

ROOT = Path(__file__).resolve().parents[2]
AS_ROOT = os.geteuid() == 0
# The service user of the test installs: as root a real unprivileged user, so ownership and the
# secret file's mode are exercised as in production; otherwise whoever runs the tests.
SERVICE_USER = "nobody" if AS_ROOT else pwd.getpwuid(os.geteuid()).pw_name
SERVICE_GROUP = grp.getgrgid(pwd.getpwnam(SERVICE_USER).pw_gid).gr_name
# Debian's nginx user; the sockets belong to it.
NGINX_USER = "www-data" if AS_ROOT else SERVICE_USER


def make_prefix() -> Path:
    """A fresh, world-traversable directory (the service user must reach the files inside)."""
    prefix = Path(tempfile.mkdtemp(prefix="ekyc-install-", dir="/tmp"))
    prefix.chmod(0o755)
    return prefix


def run_script(name, prefix, *arguments, bin_dir=None) -> subprocess.CompletedProcess:
    command = [str(ROOT / "scripts" / name), "--prefix", str(prefix), *arguments]
    if bin_dir:
        command += ["--bin-dir", bin_dir]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def install(stack, prefix, *arguments, user=SERVICE_USER, bin_dir=None) -> subprocess.CompletedProcess:
    """scripts/install into prefix, of the stack's release binaries unless bin_dir names others."""
    return run_script("install", prefix, "--user", user, "--nginx-user", NGINX_USER, *arguments,
                      bin_dir=bin_dir or stack.bin_dir)


def tree(prefix: Path) -> dict:
    """Every path under prefix with its type, mode, owner and content hash."""
    entries = {}
    for path in sorted(prefix.rglob("*")):
        info = path.lstat()
        content = path.read_bytes() if path.is_file() else b""
        entries[str(path.relative_to(prefix))] = (info.st_mode, info.st_uid, info.st_gid, hash(content))
    return entries


def set_key(path: Path, key: str, value: str):
    """Sets `key = value` the way an admin edits the file: the (commented) line of the key is
    replaced in place, so the file keeps its mode and owner."""
    text, count = path.read_text(), 0
    for pattern in (r"^%s\s*=.*$", r"^# ?%s\s*=.*$"):
        text, count = re.subn(pattern % re.escape(key), lambda _: "%s = %s" % (key, value), text, count=1, flags=re.M)
        if count:
            break
    if not count:
        text += "%s = %s\n" % (key, value)
    with open(path, "r+") as file:
        file.write(text)
        file.truncate()


def fill_config(stack, prefix: Path):
    """What the admin does after installing, pointed at the test stack's sandbox."""
    secret = prefix / "etc/ekyc/secret.conf"
    set_key(secret, "secret_id", stack.secret_id)
    set_key(secret, "secret_key", stack.secret_key)
    config = prefix / "etc/ekyc/ekyc.conf"
    set_key(config, "redirect_url", stack.redirect_url)
    set_key(config, "endpoint", stack.api_endpoint)
    set_key(config, "ca_file", stack.ca_file)
    set_key(config, "verification_origin", stack.page_url)


def clean_environment() -> dict:
    """The environment without the tests' EKYC_* variables, which the binaries would read as
    config overrides (EKYC_<KEY>), as a service manager starts them."""
    return {name: value for name, value in os.environ.items() if not name.startswith("EKYC_")}


def as_service_user() -> dict:
    """Popen arguments that run a command as the service user, as User=/Group= or spawn-fcgi -u do;
    the store is that user's, so nothing else may write into it."""
    return {"user": SERVICE_USER, "group": SERVICE_GROUP, "extra_groups": []} if AS_ROOT else {}


def run_as_service_user(command, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
                          env=clean_environment(), **as_service_user(), **kwargs)


def unit(path: Path) -> dict:
    """A systemd unit file as {key: [values]} (sections merged; the keys used here are unique)."""
    keys = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line[0] in "#;[":
            continue
        key, _, value = line.partition("=")
        keys.setdefault(key.strip(), []).append(value.strip())
    return keys


def cgi_environment(path, query="", request_id=None, cookie=None, **extra) -> dict:
    environment = {
        "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1", "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": path, "REQUEST_URI": path + ("?" + query if query else ""), "QUERY_STRING": query,
        "SERVER_NAME": "localhost", "SERVER_PORT": "80", "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_ID": request_id or uuid.uuid4().hex, "PATH": "/usr/bin:/bin",
    }
    if cookie:
        environment["HTTP_COOKIE"] = cookie
    environment.update(extra)
    return environment


def run_cgi(command, path, query="", process=None, **kwargs) -> subprocess.CompletedProcess:
    """One request through `command` run as a CGI program, as Apache's ScriptAlias or shared
    hosting run it: the request is its environment (cgi_environment's arguments in `kwargs`);
    `process` are further subprocess arguments (e.g. as_service_user())."""
    return subprocess.run(command, env=cgi_environment(path, query, **kwargs), stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=30, **(process or {}))


def fastcgi_request(address: str, path: str, query="", **kwargs) -> Response:
    """One FastCGI request with libfcgi's own client (cgi-fcgi): its environment are the params."""
    result = subprocess.run(["cgi-fcgi", "-bind", "-connect", address], env=cgi_environment(path, query, **kwargs),
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    assert result.returncode == 0 and result.stdout, result.stderr
    return parse_cgi(result.stdout)


class FastCGIConnection:
    """One FastCGI connection, spoken to as nginx does: a request per BEGIN_REQUEST, with or
    without FCGI_KEEP_CONN (nginx's fastcgi_keep_conn), the params, an empty stdin."""

    def __init__(self, address: str):
        host, _, port = address.rpartition(":")
        self.socket = socket.create_connection((host, int(port)), timeout=10)
        self.buffered = b""

    def request(self, path: str, query="", keep=True, **kwargs) -> Response:
        def record(kind, body=b""):
            return struct.pack(">BBHHBx", 1, kind, 1, len(body), 0) + body

        def length(n):
            return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)

        params = b"".join(length(len(k)) + length(len(v)) + k + v
                          for k, v in ((k.encode(), v.encode()) for k, v in cgi_environment(path, query, **kwargs).items()))
        self.socket.sendall(record(1, struct.pack(">HB5x", 1, 1 if keep else 0)) + record(4, params) + record(4)
                            + record(5))
        stdout = b""
        while True:
            kind, body = self._record()
            if kind == 6:
                stdout += body
            elif kind == 3:
                return parse_cgi(stdout)

    def closed_by_peer(self) -> bool:
        """True once the other side closed the connection (waits up to the socket's timeout)."""
        try:
            return self.socket.recv(1) == b""
        except ConnectionResetError:
            return True

    def close(self):
        self.socket.close()

    def _record(self):
        while True:
            if len(self.buffered) >= 8:
                _, kind, _, size, padding = struct.unpack(">BBHHBx", self.buffered[:8])
                if len(self.buffered) >= 8 + size + padding:
                    body = self.buffered[8:8 + size]
                    self.buffered = self.buffered[8 + size + padding:]
                    return kind, body
            chunk = self.socket.recv(65536)
            assert chunk, "the handler closed the connection mid-answer"
            self.buffered += chunk


def exec_start(service: dict) -> list:
    return shlex.split(service["ExecStart"][0])


class SocketUnit:
    """What systemd does for a .socket unit with Accept=no and its .service with
    StandardInput=socket: it binds the socket (owner, group, mode from the .socket unit) and
    starts ExecStart as User=/Group= with the listening socket as fd 0 (dup2, as systemd's
    execute.c does) and stdout/stderr captured as the journal would."""

    def __init__(self, socket_path: Path, service_path: Path, log: Path):
        self.socket_unit, self.service = unit(socket_path), unit(service_path)
        assert self.service["StandardInput"] == ["socket"]
        assert self.socket_unit.get("Accept", ["no"]) == ["no"]
        self.path = Path(self.socket_unit["ListenStream"][0])
        self.log = log
        self.process = None

    def start(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            self.path.unlink()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(self.path))
        listener.listen(128)
        os.chmod(self.path, int(self.socket_unit["SocketMode"][0], 8))
        if AS_ROOT:
            os.chown(self.path, pwd.getpwnam(self.socket_unit["SocketUser"][0]).pw_uid,
                     grp.getgrnam(self.socket_unit["SocketGroup"][0]).gr_gid)
        user = {}
        if AS_ROOT:
            user = {"user": self.service["User"][0], "group": self.service["Group"][0], "extra_groups": []}
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(exec_start(self.service), stdin=listener.fileno(), stdout=log,
                                            stderr=log, umask=int(self.service["UMask"][0], 8),
                                            env=clean_environment(), **user)
        # As with systemd, the socket stays bound while the service runs; the process holds it.
        listener.close()
        return self

    def reload(self):
        command = [word.replace("$MAINPID", str(self.process.pid)) for word in shlex.split(self.service["ExecReload"][0])]
        subprocess.run(command, check=True)

    def stop(self, seconds=10.0) -> int:
        self.process.terminate()
        return self.process.wait(seconds)
