"""nginx's error log quotes the whole request line of a request it logs about, query string
included: a BizToken, or the signature of a backend's result link (`sig=`), which reads a result
without the browser's cookie until it expires. The snippet keeps error and warning lines of its
locations out of the error log; a request nginx refuses itself leaves no trace of its query."""

import uuid
from pathlib import Path

from rawhttp import raw, request, status_of


def test_a_request_nginx_refuses_leaves_its_query_out_of_the_error_log(stack):
    secret = uuid.uuid4().hex
    # Larger than the callback location's client_max_body_size: nginx answers 413 itself, a
    # refusal it logs at level error with the request line.
    answer = raw(stack, request("POST", "/ekyc/callback?token=%s&exp=1&sig=%s" % (secret, secret),
                                ["Content-Type: application/x-www-form-urlencoded"], b"x" * 4096))
    assert status_of(answer) == 413
    log = Path(stack.run_dir, "logs", "nginx-error.log").read_text()
    assert secret not in log, [line for line in log.splitlines() if secret in line]
