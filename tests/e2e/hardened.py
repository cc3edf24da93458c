"""A production-like installation for the abuse tests: scripts/install into a temporary prefix,
the config an admin hardens (link_key, single_use_links, expose_media, status on, Secure
cookies, no unsigned extra, the default API budget and fair shares), both handlers on unix
sockets, and an nginx on a loopback TCP port that includes the installed snippet and
upstreams, so its request limits apply. Clients come from addresses of 127.0.0.0/8 other than
127.0.0.1 (which the shipped limits leave to local proxies), one per simulated person."""

import http.client
import shutil
import signal
import subprocess
import time
from pathlib import Path

import links
from installed import clean_environment, fill_config, install, make_prefix, set_key
from nginxfront import nginx_in_front
from polling import wait_for
from ports import free_port
from responses import Response, header_fields
from sandbox import finish_on_sandbox


class Hardened:
    """One such installation; `with Hardened(stack, …).start() as site:` stops it at the end."""

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
        """nginx_in_front on the loopback port, its upstreams the installed ones pointed at this
        installation's sockets."""
        upstreams = (self.prefix / "etc/nginx/conf.d/ekyc-gate-upstreams.conf").read_text()
        for role in ("start", "callback"):
            for line in upstreams.splitlines():
                if line.strip().startswith("server unix:") and "%s.sock" % role in line:
                    upstreams = upstreams.replace(line, "    server unix:%s/%s.sock;" % (self.run, role))
        (self.run / "upstreams.conf").write_text(upstreams)
        self.processes["nginx"] = nginx_in_front(self.prefix, self.run, listen="127.0.0.1:%d" % self.port,
                                                 upstreams=self.run / "upstreams.conf", access_log=False)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

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

    def get(self, target, client="127.0.0.2", headers=None, method="GET", body=None) -> Response:
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20, source_address=(client, 0))
        try:
            connection.request(method, target, body=body, headers={"Host": "shop.example.com", **(headers or {})})
            response = connection.getresponse()
            data = response.read()
            fields = header_fields("%s: %s" % header for header in response.getheaders())
            return Response(response.status, fields, data, time.monotonic() - started)
        finally:
            connection.close()

    def start_link(self, ref, expires_in=300, exp=None) -> str:
        return links.start_link(self.stack.link_key, ref, expires_in, exp)

    def result_read(self, token, expires_in=300) -> str:
        return links.result_read(self.stack.link_key, token, expires_in)

    def backend(self, method, path, body=b"", client="127.0.0.1", signature=None, t=None) -> Response:
        """A request from the merchant's backend, signed in the EKYC-Signature header."""
        header = signature if signature is not None else links.backend_signature(self.stack.link_key, method, path, body, t or int(time.time()))
        return self.get(path, client=client, method=method, body=body or None,
                        headers={"EKYC-Signature": header, "Content-Type": "application/json"})

    @staticmethod
    def token_of(answer: Response) -> str:
        return answer.query("token")

    def finish_on_sandbox(self, token, outcome="pass"):
        finish_on_sandbox(self.stack, token, outcome)


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
