"""The merchant flow as a browser drives it, through nginx, with the real curl binary:
/ekyc/start -> eKYC page (sandbox) -> RedirectURL -> /ekyc/callback."""

import re

import pytest

from flow import assert_error, callback, finish, open_page, session_cookie, start
from images import tiny_png
from polling import until_final

def test_start_redirects_to_the_page_with_a_session_cookie(stack, browser):
    token, answer = start(stack, browser)
    attributes = session_cookie(answer)
    assert "=" in attributes[0] and token.lower() not in attributes[0], "the cookie is not the token"
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "path=/ekyc" in attributes
    # The verification this browser started last, so that starting again goes back to it.
    pending = session_cookie(answer, "ekyc_session_token")
    assert pending[0] == "ekyc_session_token=" + token.lower() and "httponly" in pending and "max-age=600" in pending
    open_page(stack, browser, token)


def test_passed_flow(stack, browser):
    token, _ = start(stack, browser)
    open_page(stack, browser, token)
    finish(stack, browser, token, "pass")

    page = browser.get(stack.redirect_url + "?token=" + token)
    assert page.status == 200

    answer = callback(stack, browser, token)
    assert answer.status == 200, answer.body
    assert answer.header("content-type").startswith("application/json")
    result = answer.json()
    assert result["token"] == token
    assert result["status"] == "passed"
    assert result["errorCode"] == 0
    assert result["requestId"]
    assert len(result["attempts"]) == 1
    assert result["attempts"][0]["errorCode"] == 0
    # Face images and video stay on the server.
    assert "BestFrameBase64" not in answer.body.decode() and "VideoBase64" not in answer.body.decode()

    # A final result is kept: asking again gives the same verdict.
    again = callback(stack, browser, token)
    assert again.status == 200 and again.json()["status"] == "passed"


@pytest.mark.parametrize("outcome, code", [("liveness", 1005), ("user-exit", 1410), ("timeout", 1409)])
def test_failed_flow(stack, browser, outcome, code):
    token, _ = start(stack, browser)
    open_page(stack, browser, token)
    finish(stack, browser, token, outcome)

    answer = callback(stack, browser, token)
    assert answer.status == 200, answer.body
    result = answer.json()
    assert result["status"] == "failed"
    assert result["errorCode"] == code
    assert result["errorMsg"]
    assert result["attempts"] and result["attempts"][-1]["errorCode"] == code


def test_retry_after_a_failed_attempt_lists_both_attempts(stack, browser):
    token, _ = start(stack, browser)
    open_page(stack, browser, token)
    retried = browser.post_form(stack.page_url + "/reflect/finish",
                                {"token": token, "outcome": "liveness", "retry": "yes"})
    assert retried.status in (200, 303), retried.body
    assert callback(stack, browser, token).status == 202
    finish(stack, browser, token, "pass")

    result = until_final(lambda: callback(stack, browser, token)).json()
    assert result["status"] == "passed"
    assert [attempt["errorCode"] for attempt in result["attempts"]] == [1005, 0]


def test_pending_before_the_user_finishes(stack, browser):
    token, _ = start(stack, browser)
    open_page(stack, browser, token)

    answer = callback(stack, browser, token)
    assert answer.status == 202, answer.body
    assert re.fullmatch(r"[0-9]+", answer.header("retry-after") or "")
    assert answer.json()["status"] == "pending"


def test_callback_needs_the_session_that_started_it(stack, browser, other_browser):
    token, _ = start(stack, browser)
    open_page(stack, browser, token)
    finish(stack, browser, token, "pass")

    assert_error(callback(stack, browser, token, cookies=False), 403)

    start(stack, other_browser)
    assert_error(callback(stack, other_browser, token), 403)

    assert callback(stack, browser, token).status == 200


def test_unknown_token(stack, browser):
    start(stack, browser)
    assert_error(callback(stack, browser, "00000000-0000-4000-8000-000000000000"), 404)


@pytest.mark.parametrize("query", ["token=not-a-token", "token=..%2F..%2Fetc%2Fpasswd", "token=", ""])
def test_malformed_token(stack, browser, query):
    start(stack, browser)
    assert_error(browser.get(stack.site_url + "/ekyc/callback?" + query), 400)


def test_upload_form_with_reference_photo_and_extra(stack, browser, tmp_path):
    photo = tmp_path / "me.png"
    photo.write_bytes(tiny_png())
    token, _ = start(stack, browser, "--form", "image=@%s;type=image/png" % photo, "--form", "extra=order-42")
    open_page(stack, browser, token)
    finish(stack, browser, token, "pass")

    result = callback(stack, browser, token).json()
    assert result["status"] == "passed"
    assert result["extra"] == "order-42"


def test_body_over_the_limit_is_refused_by_nginx(stack, browser, tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(b"A" * (10 << 20))
    answer = browser.get(stack.site_url + "/ekyc/start", "-H", "Content-Type: application/octet-stream",
                         "--data-binary", "@%s" % big)
    assert answer.status == 413
