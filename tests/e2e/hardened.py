"""A production-like installation for the abuse tests: scripts/install into a temporary prefix,
the config an admin hardens (link_key, single_use_links, expose_media, status on, Secure
cookies, no unsigned extra, the default API budget and fair shares), both handlers on unix
sockets, and an nginx on a loopback TCP port that includes the installed snippet and
upstreams, so its request limits apply. Clients come from addresses of 127.0.0.0/8 other than
127.0.0.1 (which the shipped limits leave to local proxies), one per simulated person."""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from links import backend_signature, sign
from installed import AS_ROOT, NGINX_USER, clean_environment, fill_config, install, make_prefix, set_key, wait_for


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    seconds: float

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        import json
        return json.loads(self.body)

    def error_code(self):
        try:
            return self.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return None

    def cookies(self) -> str:
        """The Cookie header a browser would send back (Secure cookies included: a real browser
        keeps them on https, which the shop has in production)."""
        return "; ".join(value.split(";")[0] for value in self.headers.get("set-cookie-all", []))


class Hardened:
    def __init__(self, stack, secrets=None, **settings):
        self.stack = stack
        self.prefix = make_prefix()
        install(stack, self.prefix)
        fill_config(stack, self.prefix)
        for key, value in {"link_key": stack.link_key, **(secrets or {})}.items():
            set_key(self.prefix / "etc/ekyc/secret.conf", key, value)
        self.config = self.prefix / "etc/ekyc/ekyc.conf"
        for key, value in {"single_use_links": "true", "expose_media": "true", "status": "on",
                           "status_allow": "127.0.0.1",
                           # 4 × the shipped upstreams' keepalive 16, as in demo/ekyc.conf.in,
                           # so nginx never reuses a kept connection the handler closed.
                           "workers": "64", **settings}.items():
            set_key(self.config, key, value)
        self.run = self.prefix / "run-test"
        self.run.mkdir()
        self.run.chmod(0o755)
        self.port = free_port()
        self.processes = {}

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self):
        for role in ("start", "callback"):
            log = open(self.run / ("%s.log" % role), "ab")
            self.processes[role] = subprocess.Popen(
                [str(Path(self.stack.bin_dir) / ("ekyc-" + role)), "--config", str(self.config),
                 "--listen", "unix:%s/%s.sock" % (self.run, role), "--socket-mode", "0666"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=clean_environment())
        wait_for(lambda: all((self.run / ("%s.sock" % r)).exists() for r in ("start", "callback")), what="the handlers' sockets")
        self._nginx()
        return self

    def _nginx(self):
        (self.run / "tmp").mkdir()
        shutil.copy("/etc/nginx/fastcgi_params", self.run / "fastcgi_params")
        upstreams = (self.prefix / "etc/nginx/conf.d/ekyc-gate-upstreams.conf").read_text()
        for role in ("start", "callback"):
            upstreams = upstreams.replace("unix:/run/ekyc/%s.sock" % role, "unix:%s/%s.sock" % (self.run, role))
            for line in upstreams.splitlines():
                if line.strip().startswith("server unix:") and "%s.sock" % role in line:
                    upstreams = upstreams.replace(line, "    server unix:%s/%s.sock;" % (self.run, role))
        (self.run / "upstreams.conf").write_text(upstreams)
        (self.run / "nginx.conf").write_text("""%(user)s
worker_processes 1;
daemon off;
pid %(d)s/nginx.pid;
error_log %(d)s/nginx-error.log warn;
events { worker_connections 512; }
http {
    access_log off;
    client_body_temp_path %(d)s/tmp/body;
    fastcgi_temp_path %(d)s/tmp/fastcgi;
    proxy_temp_path %(d)s/tmp/proxy;
    uwsgi_temp_path %(d)s/tmp/uwsgi;
    scgi_temp_path %(d)s/tmp/scgi;
    include %(d)s/upstreams.conf;
    server {
        listen 127.0.0.1:%(port)d;
        include %(snippet)s;
    }
}
""" % {"user": "user %s;" % NGINX_USER if AS_ROOT else "", "d": self.run, "port": self.port,
       "snippet": self.prefix / "etc/nginx/snippets/ekyc-gate.conf"})
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.processes["nginx"] = subprocess.Popen([nginx, "-p", str(self.run), "-c", str(self.run / "nginx.conf")],
                                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def answering():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return True
            except OSError:
                assert self.processes["nginx"].poll() is None, (self.run / "nginx-error.log").read_text()
                return False
        wait_for(answering, what="nginx")

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(self.prefix, ignore_errors=True)

    def alive(self, role) -> bool:
        return self.processes[role].poll() is None

    def log(self, role) -> str:
        return (self.run / ("%s.log" % role)).read_text(errors="replace")

    # --- what a client does --------------------------------------------------------------------

    def get(self, target, client="127.0.0.2", headers=None, method="GET", body=None) -> Answer:
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20, source_address=(client, 0))
        try:
            connection.request(method, target, body=body, headers={"Host": "shop.example.com", **(headers or {})})
            response = connection.getresponse()
            data = response.read()
            headers = {name.lower(): value for name, value in response.getheaders()}
            headers["set-cookie-all"] = [value for name, value in response.getheaders() if name.lower() == "set-cookie"]
            return Answer(response.status, headers, data, time.monotonic() - started)
        finally:
            connection.close()

    def start_link(self, ref, expires_in=300, exp=None) -> str:
        exp = exp if exp is not None else int(time.time()) + expires_in
        return "/ekyc/start?" + urlencode({"ref": ref, "exp": exp, "sig": sign(self.stack.link_key, "start-link", ref, exp)})

    def result_read(self, token, expires_in=300) -> str:
        exp = int(time.time()) + expires_in
        return "/ekyc/callback?" + urlencode({"token": token, "exp": exp, "sig": sign(self.stack.link_key, "result-read", token, exp)})

    def backend(self, method, path, body=b"", client="127.0.0.1", signature=None, t=None) -> Answer:
        """A request from the merchant's backend, signed in the EKYC-Signature header."""
        header = signature if signature is not None else backend_signature(self.stack.link_key, method, path, body, t or int(time.time()))
        return self.get(path, client=client, method=method, body=body or None,
                        headers={"EKYC-Signature": header, "Content-Type": "application/json"})

    @staticmethod
    def token_of(answer: Answer) -> str:
        return urlsplit(answer.header("location")).query.split("token=", 1)[1].split("&")[0]

    def finish_on_sandbox(self, token, outcome="pass"):
        """What the tester's tap on the sandbox page sends (its answer is a 303 back to the shop)."""
        page = urlsplit(self.stack.page_url)
        connection = http.client.HTTPConnection(page.hostname, page.port, timeout=20)
        try:
            connection.request("POST", "/reflect/finish", body=urlencode({"token": token, "outcome": outcome}),
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            response.read()
            assert response.status == 303, response.status
        finally:
            connection.close()


class SandboxCalls:
    """API calls as the sandbox received them, counted from its log between two points."""

    def __init__(self, stack):
        self.path = Path(stack.run_dir) / "logs" / "sandbox.log"
        self.offset = self.path.stat().st_size

    def lines(self):
        with open(self.path, "rb") as log:
            log.seek(self.offset)
            return log.read().decode(errors="replace").splitlines()

    def count(self, action) -> int:
        return sum(1 for line in self.lines() if " action=%s " % action in line + " ")
