"""The stack's own handler processes, as scripts/test started them: found by their PID files,
checked, and started again in their place with the command line and environment they had."""

import os
import signal
import subprocess
import threading
from pathlib import Path

from polling import wait_for

HANDLERS = ("start", "callback", "sandbox")


def pid_of(stack, name):
    return int(Path(stack.run_dir, "pids", name + ".pid").read_text())


def alive(pid) -> bool:
    """Running, not a zombie its parent (scripts/test's shell) has yet to reap."""
    try:
        state = Path("/proc/%d/stat" % pid).read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        # ProcessLookupError: the file opened, but the process was reaped before the read.
        return False
    return state != "Z"


def handlers_running(stack) -> dict:
    """{handler: whether the process its PID file names exists}."""
    return {name: Path("/proc/%d" % pid_of(stack, name)).exists() for name in HANDLERS}


def command_of(pid):
    """The command line and environment a process was started with, as bytes."""
    command = Path("/proc/%d/cmdline" % pid).read_bytes().split(b"\0")[:-1]
    environment = dict(line.split(b"=", 1) for line in Path("/proc/%d/environ" % pid).read_bytes().split(b"\0") if b"=" in line)
    return command, environment


def wait_gone(pid):
    wait_for(lambda: not Path("/proc/%d" % pid).exists(), what="process %d to exit" % pid)


def take_over(stack, name):
    """Stops the stack's handler `name` (SIGTERM, then until it is gone) and returns the command
    line and environment it ran with, for a test to run it its own way and respawn it after."""
    pid = pid_of(stack, name)
    command, environment = command_of(pid)
    os.kill(pid, signal.SIGTERM)
    wait_gone(pid)
    return command, environment


def respawn(stack, command, environment):
    """Starts ekyc-start with `command` and `environment` in the stack's place (its log, its PID
    file) and waits until it serves; returns the process."""
    with open(Path(stack.run_dir, "logs", "start.log"), "ab") as log:
        process = subprocess.Popen(command, env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    Path(stack.run_dir, "pids", "start.pid").write_text(str(process.pid))
    # The handler is this process's child: reaped the moment it exits, so a later test that
    # stops it by its PID sees it gone instead of a zombie.
    threading.Thread(target=process.wait, daemon=True).start()
    wait_for(lambda: subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                                     stack.site_url + "/ekyc/start"], capture_output=True, text=True).stdout == "303",
             what="ekyc-start to serve again")
    return process
