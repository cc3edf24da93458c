"""An nginx of a test's own in front of an installation made by scripts/install: its only server
includes the installed snippet, its http {} the installed upstreams, so the shipped locations and
limits apply as in production. Its workers run as nginx's user, which must reach the handlers'
sockets."""

import shutil
import subprocess
from pathlib import Path

from installed import AS_ROOT, NGINX_USER
from polling import wait_for
from ports import listening
from responses import Response, parse_http_head


def nginx_in_front(prefix: Path, directory: Path, listen=None, upstreams=None, access_log=True) -> subprocess.Popen:
    """Starts that nginx with its files in `directory`, listening on `listen` (an nginx listen
    address; by default the unix socket http.sock in `directory`, no port needed), with the
    installed upstreams or the file `upstreams`. Its access log (access.log) ends each line with
    the request id; its error log is nginx-error.log. Returns the process once it accepts."""
    listen = listen or "unix:%s" % (directory / "http.sock")
    (directory / "tmp").mkdir()
    shutil.copy("/etc/nginx/fastcgi_params", directory / "fastcgi_params")
    (directory / "nginx.conf").write_text("""%(user)s
worker_processes 1;
daemon off;
pid %(d)s/nginx.pid;
error_log %(d)s/nginx-error.log warn;
events { worker_connections 512; }
http {
    log_format ekyc '$remote_addr "$request" $status id=$request_id';
    access_log %(access_log)s;
    client_body_temp_path %(d)s/tmp/body;
    fastcgi_temp_path %(d)s/tmp/fastcgi;
    proxy_temp_path %(d)s/tmp/proxy;
    uwsgi_temp_path %(d)s/tmp/uwsgi;
    scgi_temp_path %(d)s/tmp/scgi;
    include %(upstreams)s;
    server {
        listen %(listen)s;
        include %(snippet)s;
    }
}
""" % {"user": "user %s;" % NGINX_USER if AS_ROOT else "", "d": directory, "listen": listen,
       "access_log": "%s/access.log ekyc" % directory if access_log else "off",
       "snippet": prefix / "etc/nginx/snippets/ekyc-gate.conf",
       "upstreams": upstreams or prefix / "etc/nginx/conf.d/ekyc-gate-upstreams.conf"})
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen([nginx, "-p", str(directory), "-c", str(directory / "nginx.conf")],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: listening(listen) or process.poll() is not None, what="nginx to listen on " + listen)
    assert process.poll() is None, (directory / "nginx-error.log").read_text()
    return process


def through_nginx(directory: Path, path: str, cookie=None, header=None) -> Response:
    """GET `path` from the nginx_in_front listening on `directory`'s http.sock."""
    command = ["curl", "-s", "-i", "--max-time", "10", "--unix-socket", str(directory / "http.sock"),
               "http://localhost" + path]
    if cookie:
        command += ["-H", "Cookie: " + cookie]
    if header:
        command += ["-H", header]
    output = subprocess.run(command, capture_output=True, check=True).stdout
    head, _, body = output.partition(b"\r\n\r\n")
    return Response(*parse_http_head(head.decode("latin-1")), body)
