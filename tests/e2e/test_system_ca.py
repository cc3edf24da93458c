"""Without ca_file the handlers trust the system's CA store, the one a production host uses for
Tencent's certificate. Here that store is a directory in the system's own layout (certificates
named by subject hash, as `openssl rehash` and Debian's update-ca-certificates make them) that
holds the sandbox's CA, pointed at with OpenSSL's SSL_CERT_DIR, which the handlers' CA store
honours; SSL_CERT_FILE points nowhere, so the host's own bundle plays no part."""

import shutil
import subprocess

from cgirun import start_as_cgi


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
