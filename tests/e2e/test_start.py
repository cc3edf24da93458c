"""/ekyc/start's entry forms, signed start links and upstream errors, through nginx and the
sandbox, with the real curl binary."""

import base64
import json
import subprocess
from urllib.parse import quote

import pytest

from cgirun import start_as_cgi
from flow import assert_error, callback, finish, open_page, start
from images import JPEG
from links import signed_query


def signed_link(stack, ref, expires_in=300, key=None):
    """What a merchant app computes: the query of a start link for `ref`."""
    return signed_query(key or stack.link_key, "start-link", "ref", ref, expires_in)


def test_signed_link_carries_ref_into_extra(stack, browser):
    token, _ = start(stack, browser, "--get", "--data", signed_link(stack, "order 42/ü"))
    open_page(stack, browser, token)
    finish(stack, browser, token, "pass")
    answer = callback(stack, browser, token)
    assert answer.status == 200, answer.body
    assert answer.json()["extra"] == "order 42/ü"


@pytest.mark.parametrize("tamper", ["ref", "sig", "expired", "key"])
def test_forged_or_expired_links_are_refused(stack, browser, tamper):
    link = signed_link(stack, "order-42", expires_in=-10 if tamper == "expired" else 300,
                       key="another-key-0123456789abcdef0123456789" if tamper == "key" else None)
    if tamper == "ref":
        link = link.replace("order-42", "order-43")
    if tamper == "sig":
        link = link[:-4] + ("0000" if not link.endswith("0000") else "1111")
    error = assert_error(browser.get(stack.site_url + "/ekyc/start?" + link), 403)
    assert error["code"] in ("bad_link", "link_expired")


def test_multipart_upload_of_a_real_jpeg(stack, browser, tmp_path):
    photo = tmp_path / "selfie.heic"   # the name says nothing; the content decides
    photo.write_bytes(JPEG)
    token, _ = start(stack, browser, "--form", "image=@%s;type=image/jpeg" % photo)
    assert token


def test_upload_that_is_not_an_image_is_refused(stack, browser, tmp_path):
    fake = tmp_path / "photo.jpg"
    fake.write_bytes(b"GIF89a not really a photo")
    assert_error(browser.get(stack.site_url + "/ekyc/start", "--form", "image=@%s;type=image/jpeg" % fake), 415)


def test_json_from_a_merchant_backend(stack, browser):
    body = json.dumps({"compareImageBase64": base64.b64encode(JPEG).decode(), "extra": "backend-7"})
    answer = browser.get(stack.site_url + "/ekyc/start", "--header", "Content-Type: application/json",
                         "--header", "Accept: application/json", "--data-binary", body)
    assert answer.status == 200, answer.body
    started = answer.json()
    assert started["bizToken"] and started["verificationURL"].startswith(stack.page_url + "/reflect/")


def test_base64_image_over_8_mb_is_413_from_the_handler(stack, browser, tmp_path):
    # Under nginx's 9m body limit, over Tencent's 8 MB of base64: the handler's own check.
    image = base64.b64encode(JPEG + b"\0" * (6 * 1024 * 1024 + 300_000)).decode()
    assert 8 * 1024 * 1024 < len(image) < 9 * 1024 * 1024 - 100
    body = tmp_path / "big.json"
    body.write_text(json.dumps({"compareImageBase64": image}))
    error = assert_error(browser.get(stack.site_url + "/ekyc/start", "--header", "Content-Type: application/json",
                                     "--data-binary", "@%s" % body), 413)
    assert error["code"] == "image_too_large"


@pytest.mark.parametrize("fault,status,code", [
    ("ratelimit", 429, "rate_limited"),
    ("internal", 503, "upstream_unavailable"),
    ("nonjson", 502, "upstream_malformed"),
    ("http500", 502, "upstream_http"),
    ("truncate", 502, None),
    ("reset", 502, "upstream_unreachable"),
])
def test_apply_errors_from_tencent(stack, browser, fault, status, code):
    answer = browser.get(stack.site_url + "/ekyc/start?extra=" + quote("sandbox-fault:apply:" + fault))
    error = assert_error(answer, status)
    if code:
        assert error["code"] == code
    if status in (429, 503):
        assert answer.header("retry-after", ).isdigit()
    assert not answer.header("set-cookie") and not answer.header("location")


@pytest.mark.parametrize("fault,status,code", [
    ("ratelimit", 429, "rate_limited"),
    ("nonjson", 502, "upstream_malformed"),
    ("reset", 502, "upstream_unreachable"),
])
def test_result_errors_from_tencent_then_recovery(stack, browser, fault, status, code):
    token, _ = start(stack, browser, "--get", "--data", "extra=" + quote("sandbox-fault:get:" + fault))
    error = assert_error(callback(stack, browser, token), status)
    assert error["code"] == code
    # The next request after an upstream error is served normally.
    assert start(stack, browser)[0]


def test_upstream_slower_than_the_deadline_is_504_then_service_goes_on(stack, browser):
    # The demo's timeout_ms is 5000; the sandbox holds this Apply for 6 s.
    answer = browser.get(stack.site_url + "/ekyc/start?extra=" + quote("sandbox-fault:apply:latency=6000"))
    error = assert_error(answer, 504)
    assert error["code"] == "upstream_timeout"
    assert start(stack, browser)[0]


def test_api_certificate_from_another_ca_is_refused(stack, tmp_path):
    """TLS verification stays on: trusting another CA than the one that signed the API's
    certificate makes every call fail (the same binary, run as CGI with that config)."""
    key, cert = tmp_path / "other.key", tmp_path / "other.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=another CA"], check=True, capture_output=True)
    head, body = start_as_cgi(stack, tmp_path, ca_file=cert, store="file:%s" % (tmp_path / "tokens"))
    assert head.startswith(b"Status: 502"), head
    assert body["error"]["code"] == "upstream_tls"
