"""A store at its quota: ekyc-start and ekyc-callback of their own, on a fresh store with
store_max_records = 2, spoken to over FastCGI as nginx would. The third start is answered 503
store_full with Retry-After and no redirect, the start handler logs event=store_full, the status
page says the store is full, and a user who finished still gets their result."""

import subprocess
from pathlib import Path

from cgirun import config_with
from installed import clean_environment, fastcgi_request
from polling import wait_for
from sandbox import finish_on_sandbox


def serve(stack, config, role, directory):
    """ekyc-<role> on a unix socket in `directory`, its log beside it."""
    socket = directory / (role + ".sock")
    with open(directory / (role + ".log"), "ab") as log:
        process = subprocess.Popen([str(Path(stack.bin_dir, "ekyc-" + role)), "--config", str(config),
                                    "--listen", "unix:%s" % socket, "--workers", "2"],
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=clean_environment())
    wait_for(lambda: socket.exists() or process.poll() is not None, what="ekyc-%s's socket" % role)
    assert process.poll() is None, (directory / (role + ".log")).read_text()
    return process, str(socket)


def test_a_full_store_refuses_new_verifications_but_not_results(stack, tmp_path):
    config = config_with(stack, tmp_path, store="file:%s" % (tmp_path / "tokens"), store_max_records="2")
    processes = []
    try:
        start, start_socket = serve(stack, config, "start", tmp_path)
        callback, callback_socket = serve(stack, config, "callback", tmp_path)
        processes += [start, callback]

        started = [fastcgi_request(start_socket, "/ekyc/start") for _ in range(2)]
        assert [answer.status for answer in started] == [303, 303], [answer.body for answer in started]
        refused = fastcgi_request(start_socket, "/ekyc/start")
        assert refused.status == 503 and refused.json()["error"]["code"] == "store_full", refused.body
        assert "retry-after" in refused.headers and "location" not in refused.headers
        wait_for(lambda: "event=store_full" in (tmp_path / "start.log").read_text(), what="the store_full log line")

        status = fastcgi_request(callback_socket, "/ekyc/status", "json").json()["storeQuota"]
        assert status["full"] is True and status["records"] == 2 and status["maxRecords"] == 2, status
        text = fastcgi_request(callback_socket, "/ekyc/status").body.decode()
        assert "store full:         yes" in text, text

        # The first user finishes: their result is written over their record, quota or not.
        token = started[0].query("token")
        finish_on_sandbox(stack, token)
        result = fastcgi_request(callback_socket, "/ekyc/callback", "token=" + token,
                                 cookie=started[0].cookies())
        assert result.status == 200 and result.json()["status"] == "passed", result.body
    finally:
        for process in processes:
            process.terminate()
            assert process.wait(10) == 0
