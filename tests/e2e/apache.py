"""Apache as the tests run it: Debian's apache2 binary with a config of its own (ServerRoot,
PidFile, logs and sockets in a temporary directory) on a free 127.0.0.1 port, its workers as
www-data, the site's <VirtualHost> including one of apache/'s files as docs/OPERATIONS.md shows
it, with only the paths of this machine's test installation put in."""

import re
import shutil
import socket
import subprocess
from pathlib import Path

from installed import ROOT
from polling import wait_for
from responses import parse_cgi

APACHE = ROOT / "apache"
MODULES = "/usr/lib/apache2/modules"


def rendered(name: str, paths: dict) -> str:
    """apache/NAME with each documented path replaced by this test's; a path the file no longer
    holds fails here, so the file the docs show and the one tested stay the same."""
    text = (APACHE / name).read_text()
    for documented, here in paths.items():
        assert documented in text, "%s no longer mentions %s" % (name, documented)
        text = text.replace(documented, str(here))
    return text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Apache:
    """One apache2 -DFOREGROUND; `site` is what the <VirtualHost> holds, `server` what the
    server config adds (the host's own settings, e.g. userdir)."""

    def __init__(self, directory: Path, site: str, modules, server: str = ""):
        self.directory, self.port = directory, free_port()
        (directory / "htdocs").mkdir(exist_ok=True)
        (directory / "fcgid").mkdir(exist_ok=True)
        shutil.chown(directory / "fcgid", "www-data", "www-data")
        loads = "\n".join("LoadModule %s_module %s/mod_%s.so" % (m, MODULES, m)
                          for m in ["mpm_event", "authz_core", "authz_host", "alias", "mime", "headers", "unique_id", *modules])
        (directory / "httpd.conf").write_text("""%(loads)s
ServerRoot %(d)s
ServerName localhost
Listen 127.0.0.1:%(port)d
PidFile %(d)s/apache.pid
ErrorLog %(d)s/error.log
LogLevel warn
User www-data
Group www-data
TypesConfig /etc/mime.types
LogFormat "%%h \\"%%r\\" %%>s id=%%{UNIQUE_ID}e" ekyc
CustomLog %(d)s/access.log ekyc
<IfModule cgid_module>
    ScriptSock %(d)s/cgid.sock
</IfModule>
<IfModule fcgid_module>
    FcgidIPCDir %(d)s/fcgid
    FcgidProcessTableFile %(d)s/fcgid/shm
</IfModule>
DocumentRoot %(d)s/htdocs
%(server)s
<VirtualHost 127.0.0.1:%(port)d>
%(site)s
</VirtualHost>
""" % {"loads": loads, "d": directory, "port": self.port, "site": site, "server": server})
        check = subprocess.run(["apache2", "-f", str(directory / "httpd.conf"), "-t"], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen(["apache2", "-f", str(directory / "httpd.conf"), "-DFOREGROUND"],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.listening, what="apache2 to listen")

    def listening(self) -> bool:
        assert self.process.poll() is None, self.log()
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def log(self) -> str:
        path = self.directory / "error.log"
        return path.read_text() if path.exists() else ""

    def access_ids(self, marker: str) -> list:
        return [re.search(r" id=(\S+)$", line).group(1)
                for line in (self.directory / "access.log").read_text().splitlines() if marker in line]

    def stop(self):
        self.process.terminate()
        self.process.wait(20)

    def request(self, path: str, *options, cookie=None, source="127.0.0.1"):
        command = ["curl", "-s", "-i", "--max-time", "30", "--interface", source] + list(options)
        if cookie:
            command += ["-H", "Cookie: " + cookie]
        output = subprocess.run(command + ["http://127.0.0.1:%d%s" % (self.port, path)], capture_output=True,
                                check=True).stdout
        while output.startswith(b"HTTP/1.1 100"):
            output = output.partition(b"\r\n\r\n")[2]
        status_line, _, rest = output.partition(b"\r\n")
        answer = parse_cgi(rest)
        answer.status = int(status_line.split()[1])
        return answer
