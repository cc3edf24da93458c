"""A Redis primary, its replicas and three Sentinels on free loopback ports, plus two handler
nodes (ekyc-start and ekyc-callback each) configured with the Sentinels and `redis_replicas`,
behind one nginx upstream rendered from nginx/nodes.conf.in: the parts of a failover test.
Every process is started here and stopped by its PID; nothing listens beyond 127.0.0.1."""

import hashlib
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

from ports import free_port
from startload import request

MASTER_NAME = "ekyc"
SENTINEL_PASSWORD = "ekycGateDemoSentinelPassword"
DATABASE = 1


def substitute(text, edits):
    """Each (pattern, replacement) of `edits` applied once; a pattern that matches nothing fails
    the test, so the snippet the docs show and the config the test runs cannot drift apart."""
    for pattern, replacement in edits:
        text, count = re.subn(pattern, replacement, text)
        assert count == 1, "the snippet no longer has %r" % pattern
    return text


def token_key(token):
    return "ekyc:token:" + hashlib.sha256(token.encode()).hexdigest()


class Cluster:
    """The processes of one failover test, in `directory` (under the stack's run directory, so
    nginx's workers can reach the sockets)."""

    def __init__(self, stack, directory: Path, replicas=2, redis_replicas=1):
        self.stack = stack
        self.dir = directory
        self.root = Path(__file__).resolve().parents[2]
        self.password = (Path(stack.run_dir) / "nodes" / "a" / "redis.pass").read_text().strip()
        self.redis_ports = [free_port() for _ in range(1 + replicas)]
        self.sentinel_ports = [free_port() for _ in range(3)]
        self.nodes_port = free_port()
        self.url = "http://127.0.0.1:%d" % self.nodes_port
        self.redis_replicas = redis_replicas
        self.processes = {}   # name -> Popen
        for sub in ("logs", "nodes/tmp", "nodes/a", "nodes/b"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        for sub in ("", "nodes", "nodes/a", "nodes/b"):
            os.chmod(self.dir / sub, 0o755)

    # -- Redis and Sentinel -------------------------------------------------------------------

    def redis_config(self, port, primary_port=None):
        path = self.dir / ("redis-%d.conf" % port)
        data = self.dir / ("redis-%d" % port)
        data.mkdir(exist_ok=True)
        lines = ["bind 127.0.0.1", "port %d" % port, "protected-mode yes", "dir %s" % data,
                 "logfile %s/logs/redis-%d.log" % (self.dir, port), 'save ""', "appendonly yes",
                 "appendfsync always", "requirepass %s" % self.password, "masterauth %s" % self.password,
                 # No 5 s wait for more replicas before a full sync (Redis 7's default).
                 "repl-diskless-sync-delay 0"]
        if primary_port:
            lines.append("replicaof 127.0.0.1 %d" % primary_port)
        path.write_text("\n".join(lines) + "\n")
        path.chmod(0o600)
        return path

    def sentinel_config(self, port):
        """docs/config/redis-sentinel.conf with this test's ports, passwords and shorter timeouts."""
        snippet = (self.root / "docs" / "config" / "redis-sentinel.conf").read_text()
        config = substitute(snippet, [
            (r"(?m)^port 26379$", "port %d" % port),
            (r"(?m)^(sentinel monitor ekyc) 10\.0\.0\.20 6379 2$", r"\1 127.0.0.1 %d 2" % self.redis_ports[0]),
            (r"REDIS_PASSWORD", self.password),
            (r"(?m)^requirepass SENTINEL_PASSWORD$", "requirepass " + SENTINEL_PASSWORD),
            (r"(?m)^sentinel sentinel-pass SENTINEL_PASSWORD$", "sentinel sentinel-pass " + SENTINEL_PASSWORD),
            (r"(?m)^(sentinel down-after-milliseconds ekyc) 5000$", r"\1 1000"),
            (r"(?m)^(sentinel failover-timeout ekyc) 60000$", r"\1 4000"),
            (r"(?m)^(sentinel parallel-syncs ekyc) 1$", r"\1 2"),
        ])
        config += "bind 127.0.0.1\ndir %s\nlogfile %s/logs/sentinel-%d.log\n" % (self.dir, self.dir, port)
        path = self.dir / ("sentinel-%d.conf" % port)
        path.write_text(config)
        path.chmod(0o600)
        return path

    def spawn(self, name, argv, env=None):
        log = open(self.dir / "logs" / (name + ".out"), "ab")
        self.processes[name] = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
                                                start_new_session=True)

    def start_redis(self, port):
        self.spawn("redis-%d" % port, ["redis-server", str(self.dir / ("redis-%d.conf" % port))])
        self.wait(lambda: self.cli(port, "PING") == "PONG", 10, "redis-server on %d answers" % port)

    def kill_redis(self, port):
        """SIGKILL, as a crash, by the PID of the process started here."""
        process = self.processes.pop("redis-%d" % port)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def cli(self, port, *command, sentinel=False, stdin=None, timeout=10):
        """redis-cli's output ('' when it fails; its error output is kept in last_error)."""
        password = SENTINEL_PASSWORD if sentinel else self.password
        argv = ["redis-cli", "--no-auth-warning", "-h", "127.0.0.1", "-p", str(port), "-a", password]
        if not sentinel:
            argv += ["-n", str(DATABASE)]
        try:
            done = subprocess.run(argv + list(command), input=stdin, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            self.last_error = "redis-cli on %d: no answer within %d s" % (port, timeout)
            return ""
        self.last_error = done.stderr.strip()
        return done.stdout.strip()

    def master_port(self, sentinel_port=None):
        answer = self.cli(sentinel_port or self.sentinel_ports[0], "SENTINEL", "get-master-addr-by-name", MASTER_NAME,
                          sentinel=True).split()
        return int(answer[1]) if len(answer) == 2 and answer[1].isdigit() else None

    def role(self, port):
        return (self.cli(port, "ROLE").splitlines() or [""])[0]

    def replicas_ready(self, master):
        """Every other Redis replicates `master` with its link up, and every Sentinel agrees on
        the master and sees those replicas as healthy: a kill now can be failed over."""
        others = [port for port in self.redis_ports if port != master and "redis-%d" % port in self.processes]
        for port in others:
            if "master_link_status:up" not in self.cli(port, "INFO", "replication"):
                return False
            if "master_port:%d" % master not in self.cli(port, "INFO", "replication"):
                return False
        for sentinel in self.sentinel_ports:
            if self.master_port(sentinel) != master:
                return False
            listing = self.cli(sentinel, "SENTINEL", "replicas", MASTER_NAME, sentinel=True).splitlines()
            healthy = 0
            for index, line in enumerate(listing):
                if line == "flags" and index + 1 < len(listing) and listing[index + 1] == "slave":
                    healthy += 1
            if healthy < len(others):
                return False
            sentinels = self.cli(sentinel, "SENTINEL", "sentinels", MASTER_NAME, sentinel=True).splitlines()
            if sentinels.count("name") < 2:
                return False
        return True

    # -- Handler nodes and nginx --------------------------------------------------------------

    def node_config(self, node):
        source = (Path(self.stack.run_dir) / "nodes" / "a" / "ekyc.conf").read_text().splitlines()
        kept = [line for line in source if not line.startswith(("store ", "redis_"))]
        (self.dir / "redis.pass").write_text(self.password + "\n")
        (self.dir / "redis.pass").chmod(0o600)
        (self.dir / "sentinel.pass").write_text(SENTINEL_PASSWORD + "\n")
        (self.dir / "sentinel.pass").chmod(0o600)
        sentinels = ", ".join("127.0.0.1:%d" % port for port in self.sentinel_ports)
        snippet = (self.root / "docs" / "config" / "ekyc-redis-sentinel.conf").read_text()
        kept.append(substitute(snippet, [
            (r"(?m)^store = redis://ekyc/0$", "store = redis://ekyc/%d" % DATABASE),
            (r"10\.0\.0\.21:26379, 10\.0\.0\.22:26379, 10\.0\.0\.23:26379", sentinels),
            (r"/etc/ekyc/redis\.pass", "%s/redis.pass" % self.dir),
            (r"/etc/ekyc/sentinel\.pass", "%s/sentinel.pass" % self.dir),
            (r"(?m)^redis_replicas = 1$", "redis_replicas = %d" % self.redis_replicas),
        ]))
        path = self.dir / "nodes" / node / "ekyc.conf"
        path.write_text("\n".join(kept) + "\n")
        path.chmod(0o600)
        return path

    def start_nodes(self):
        env = {key: value for key, value in os.environ.items() if not key.startswith("EKYC_")}
        for node in ("a", "b"):
            config = self.node_config(node)
            for role in ("start", "callback"):
                self.spawn("node-%s-%s" % (node, role),
                           [str(Path(self.stack.bin_dir) / ("ekyc-" + role)), "--config", str(config), "--listen",
                            "unix:%s/nodes/%s/%s.sock" % (self.dir, node, role), "--socket-mode", "0666"], env=env)
        for node in ("a", "b"):
            for role in ("start", "callback"):
                sock = self.dir / "nodes" / node / (role + ".sock")
                self.wait(sock.exists, 10, "socket %s" % sock)
        shutil.copy(Path(self.stack.run_dir) / "fastcgi_params", self.dir / "fastcgi_params")
        template = (self.root / "nginx" / "nodes.conf.in").read_text()
        user = "user nobody %s;" % subprocess.run(["id", "-gn", "nobody"], capture_output=True, text=True).stdout.strip() \
            if os.geteuid() == 0 else "# nginx runs as this user"
        config = template.replace("@RUN_DIR@", str(self.dir)).replace("@NODES_PORT@", str(self.nodes_port)) \
            .replace("@USER_DIRECTIVE@", user)
        (self.dir / "nodes" / "nginx.conf").write_text(config)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.spawn("nginx", [nginx, "-p", str(self.dir / "nodes"), "-c", str(self.dir / "nodes" / "nginx.conf")])
        self.wait(lambda: request(self.url, "/ekyc/callback")[0] not in (None, 502, 504), 10, "nginx answers")

    def start(self):
        primary = self.redis_ports[0]
        self.redis_config(primary)
        self.start_redis(primary)
        for port in self.redis_ports[1:]:
            self.redis_config(port, primary)
            self.start_redis(port)
        for port in self.sentinel_ports:
            self.spawn("sentinel-%d" % port, ["redis-sentinel", str(self.sentinel_config(port))])
        self.wait(lambda: self.replicas_ready(primary), 40, "replicas in sync and three Sentinels agree")
        self.start_nodes()

    def stop(self):
        for name, process in list(self.processes.items()):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM if name == "nginx" or name.startswith("node-") else signal.SIGKILL)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self.processes.clear()

    def handlers_alive(self):
        return all(process.poll() is None for name, process in self.processes.items() if name.startswith("node-"))

    def missing(self, tokens, port):
        """The tokens whose record is not on the Redis at `port` (EXISTS, 500 to a redis-cli)."""
        lost = []
        for first in range(0, len(tokens), 500):
            batch = tokens[first:first + 500]
            commands = "".join("EXISTS %s\n" % token_key(token) for token in batch)
            answers = self.cli(port, stdin=commands, timeout=60).split()
            assert len(answers) == len(batch), (port, answers[:5], self.last_error)
            lost += [token for token, answer in zip(batch, answers) if answer != "1"]
        return lost

    @staticmethod
    def wait(condition, seconds, what):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return time.monotonic()
            time.sleep(0.05)
        raise AssertionError("not within %s s: %s" % (seconds, what))
