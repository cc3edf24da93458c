"""The sandbox passes any verification a caller asks it to, so the real binary refuses to listen
where other machines can reach it unless told to with --allow-remote."""

import subprocess
from pathlib import Path

from installed import clean_environment
from polling import wait_for
from ports import free_port, listening


def sandbox(stack, *arguments) -> subprocess.Popen:
    return subprocess.Popen([str(Path(stack.bin_dir, "ekyc-sandbox")), "--config", str(Path(stack.run_dir, "sandbox.conf")),
                             *arguments], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=clean_environment())


def test_sandbox_refuses_an_address_other_machines_reach(stack):
    for address in ["0.0.0.0:%d" % free_port(), "*:%d" % free_port(), "0127.0.0.1:%d" % free_port()]:
        process = sandbox(stack, "--listen", address)
        _, stderr = process.communicate(timeout=30)
        assert process.returncode == 2, stderr
        assert "--allow-remote" in stderr and address in stderr, stderr
        assert not listening("127.0.0.1:" + address.rsplit(":", 1)[1]), "nothing was bound"


def test_sandbox_listens_on_loopback_and_allow_remote_lifts_the_guard(stack):
    address = "127.0.0.1:%d" % free_port()
    process = sandbox(stack, "--listen", address)
    try:
        wait_for(lambda: listening(address) or process.poll() is not None, what="the sandbox to listen")
        assert process.poll() is None, process.communicate()[1]
    finally:
        process.terminate()
        assert process.wait(10) == 0
    # With the flag the guard steps aside; 192.0.2.1 (TEST-NET-1) is no address of this machine,
    # so the bind itself fails (libfcgi reports it and exits) and nothing here ever listens
    # beyond loopback.
    process = sandbox(stack, "--allow-remote", "--listen", "192.0.2.1:%d" % free_port())
    _, stderr = process.communicate(timeout=30)
    assert process.returncode != 0 and "--allow-remote" not in stderr and "Cannot assign requested address" in stderr, stderr
