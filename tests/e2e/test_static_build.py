"""The static build (scripts/build-static): ekyc-start and ekyc-callback as static PIE
executables, what the CGI setups of docs/OPERATIONS.md run. They load no shared library, so they
run where none of the handlers' libraries is installed: here, chrooted into a directory that holds
the two binaries, their config, secret, CA file and token store and nothing else, through a whole
verification against the sandbox (TLS to its API by the libcurl and OpenSSL linked in)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cgirun import config_with
from installed import AS_ROOT, ROOT, cgi_environment
from sandbox import finish_on_sandbox

HANDLERS = ("ekyc-start", "ekyc-callback")


def readelf(option: str, path: Path) -> str:
    return subprocess.run(["readelf", option, "-W", str(path)], check=True, capture_output=True, text=True).stdout


def test_build_static_prints_the_directory_of_the_binaries(stack):
    """What the docs' `"$(scripts/build-static)"` yields (docs/OPERATIONS.md): the directory of
    the binaries the tests run, built already, so this run only checks and prints it."""
    built = subprocess.run([str(ROOT / "scripts/build-static")], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    assert Path(built.stdout.strip().splitlines()[-1]).resolve() == Path(stack.static_bin_dir).resolve()


@pytest.mark.parametrize("name", HANDLERS)
def test_each_handler_is_a_static_position_independent_executable(stack, name):
    path = Path(stack.static_bin_dir, name)
    assert "INTERP" not in readelf("-l", path), "%s asks for a dynamic loader" % path
    assert "(NEEDED)" not in readelf("-d", path), "%s needs a shared library" % path
    # Position-independent: the kernel places it at a new random address in every process.
    assert re.search(r"Type:\s+DYN ", readelf("-h", path)), readelf("-h", path)


@pytest.fixture
def jail(stack, tmp_path):
    """A root directory with the handlers and their files only, and /proc: the Swift runtime
    reads /proc/self/maps as it starts (docs/OPERATIONS.md, "The static build")."""
    root = tmp_path / "jail"
    for directory in ("bin", "etc", "proc"):
        (root / directory).mkdir(parents=True)
    for name in HANDLERS:
        shutil.copy2(Path(stack.static_bin_dir, name), root / "bin" / name)
    shutil.copy2(stack.ca_file, root / "etc/ca.crt")
    shutil.copy2(Path(stack.run_dir, "secret.conf"), root / "etc/secret.conf")
    (root / "tokens").mkdir(mode=0o700)
    config_with(stack, root / "etc", secret_file="/etc/secret.conf", ca_file="/etc/ca.crt", store="file:/tokens",
                store_create="false")
    subprocess.run(["mount", "-t", "proc", "proc", str(root / "proc")], check=True)
    try:
        yield root
    finally:
        subprocess.run(["umount", str(root / "proc")], check=True)


def in_jail(root: Path, name: str, path: str, query="", cookie=None):
    """One CGI request through /bin/NAME chrooted into root; returns (head, body, log line)."""
    environment = cgi_environment(path, query, cookie=cookie, EKYC_CONFIG="/etc/ekyc.conf")
    chroot = shutil.which("chroot", path="/usr/sbin:/usr/bin:/sbin:/bin")
    answer = subprocess.run([chroot, str(root), "/bin/" + name], env=environment, stdin=subprocess.DEVNULL,
                            capture_output=True, timeout=30)
    assert answer.returncode == 0, answer.stderr
    head, _, body = answer.stdout.partition(b"\r\n\r\n")
    return head.decode(), body, answer.stderr.decode()


@pytest.mark.skipif(not AS_ROOT, reason="chroot needs root")
def test_a_whole_verification_with_no_library_on_the_host(stack, jail):
    head, _, _ = in_jail(jail, "ekyc-start", "/ekyc/start")
    assert head.startswith("Status: 303"), head
    location = re.search(r"(?m)^Location: (\S+)", head).group(1)
    assert location.startswith(stack.page_url + "/reflect/?token="), location
    token = location.split("token=", 1)[1]
    cookie = "; ".join(re.findall(r"(?m)^Set-Cookie: ([^;]+);", head))

    finish_on_sandbox(stack, token)
    # The first callback asks the API (its log line names Tencent's RequestId), the next one is
    # answered from the store alone.
    head, body, log = in_jail(jail, "ekyc-callback", "/ekyc/callback", "token=" + token, cookie)
    assert head.startswith("Status: 200") and b'"status":"passed"' in body, (head, body)
    assert "tc_request=" in log, log
    head, body, log = in_jail(jail, "ekyc-callback", "/ekyc/callback", "token=" + token, cookie)
    assert head.startswith("Status: 200") and b'"status":"passed"' in body, (head, body)
    assert "tc_request=" not in log, log
