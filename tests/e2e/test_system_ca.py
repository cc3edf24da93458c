"""Without ca_file the handlers trust the system's CA store, the one a production host uses for
Tencent's certificate. Here that store is a directory in the system's own layout (certificates
named by subject hash, as `openssl rehash` and Debian's update-ca-certificates make them) that
holds the sandbox's CA, pointed at with OpenSSL's SSL_CERT_DIR, which the handlers' CA store
honours; SSL_CERT_FILE points nowhere, so the host's own bundle plays no part."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cgirun import config_with, start_as_cgi
from installed import run_cgi


def system_store(stack, directory, with_sandbox_ca):
    store = directory / "certs"
    store.mkdir()
    if with_sandbox_ca:
        shutil.copy(stack.ca_file, store / "ekyc-sandbox-ca.pem")
    subprocess.run(["openssl", "rehash", str(store)], check=True, capture_output=True)
    return {"SSL_CERT_DIR": str(store), "SSL_CERT_FILE": str(directory / "no-bundle.pem")}


def test_handler_trusts_the_system_store_without_ca_file(stack, tmp_path):
    env = system_store(stack, tmp_path, with_sandbox_ca=True)
    head, body = start_as_cgi(stack, tmp_path, env=env, drop=("ca_file",))
    assert b"Status: 303" in head, (head, body)


def test_a_system_store_without_the_ca_refuses_the_sandbox(stack, tmp_path):
    env = system_store(stack, tmp_path, with_sandbox_ca=False)
    head, body = start_as_cgi(stack, tmp_path, env=env, drop=("ca_file",))
    assert b"Status: 502" in head, head
    assert body["error"]["code"] == "upstream_tls", body


@pytest.mark.parametrize("build", ["bin_dir", "static_bin_dir"])
def test_the_system_store_is_read_by_hash_not_parsed_whole(stack, tmp_path, build):
    """Without SSL_CERT_FILE, the system's hashed directory alone: OpenSSL reads the one
    certificate the chain needs, not the bundle file of every CA (16 ms of CPU for Debian's, paid
    by each CGI request that calls the API)."""
    env = system_store(stack, tmp_path, with_sandbox_ca=True)
    del env["SSL_CERT_FILE"]
    bundle = subprocess.run(["openssl", "version", "-d"], check=True, capture_output=True, text=True).stdout
    default_file = Path(re.search(r'"(.*)"', bundle).group(1), "cert.pem")
    trace = tmp_path / "strace.log"
    config = config_with(stack, tmp_path, drop=("ca_file",), store="file:%s" % (tmp_path / "tokens"))
    answer = run_cgi(["strace", "-f", "-e", "trace=open,openat", "-o", str(trace), str(Path(getattr(stack, build), "ekyc-start"))],
                     "/ekyc/start", EKYC_CONFIG=str(config), **env)
    assert answer.stdout.startswith(b"Status: 303"), (answer.stdout, answer.stderr)
    opened = re.findall(r'open(?:at)?\((?:AT_FDCWD, )?"([^"]+)"', trace.read_text())
    hashed = [path for path in opened if re.search(r"/certs/[0-9a-f]{8}\.0$", path)]
    assert hashed, opened
    bundles = {str(default_file), str(default_file.resolve()), "/etc/ssl/certs/ca-certificates.crt"}
    assert not bundles & set(opened), opened
