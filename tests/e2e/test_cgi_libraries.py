"""libcurl is loaded on the first API call, not at start-up: a handler that makes no call runs
without it, and one that needs it and cannot load it says which library is missing and what to
install (the same binaries, run as CGI with a libcurl.so.4 that is not a library)."""

import subprocess
from pathlib import Path

from cgirun import config_with, start_as_cgi


def broken_libcurl(directory: Path) -> str:
    """A directory whose libcurl.so.4 the dynamic loader finds first and cannot load."""
    lib = directory / "lib"
    lib.mkdir()
    (lib / "libcurl.so.4").write_bytes(b"not a shared object\n")
    return str(lib)


def test_start_without_a_loadable_libcurl_names_the_library_and_the_package(stack, tmp_path):
    env = {"LD_LIBRARY_PATH": broken_libcurl(tmp_path)}
    head, body = start_as_cgi(stack, tmp_path, env=env, store="file:%s" % (tmp_path / "tokens"))
    assert head.startswith(b"Status: 502"), head
    message = body["error"]["message"]
    assert "cannot load libcurl.so.4" in message and "install libcurl4" in message, message


def test_callback_that_calls_no_api_runs_without_libcurl(stack, tmp_path):
    """An unknown token is answered from the store alone: no API call, so libcurl is never loaded."""
    path = config_with(stack, tmp_path, store="file:%s" % (tmp_path / "tokens"))
    answer = subprocess.run([str(Path(stack.bin_dir, "ekyc-callback"))],
                            env={"EKYC_CONFIG": str(path), "REQUEST_METHOD": "GET", "DOCUMENT_URI": "/ekyc/callback",
                                 "QUERY_STRING": "token=" + "A" * 32, "LD_LIBRARY_PATH": broken_libcurl(tmp_path)},
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    assert answer.returncode == 0, answer.stderr
    head = answer.stdout.partition(b"\r\n\r\n")[0]
    assert head.startswith(b"Status: 4"), (head, answer.stderr)
    assert b"libcurl" not in answer.stdout + answer.stderr
