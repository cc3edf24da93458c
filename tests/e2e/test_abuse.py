"""Hostile input through the real nginx: every case gets a 4xx (from the handler or nginx's own
limits), never a 5xx from a handler, never a crash, never an injected header."""

import socket
from urllib.parse import urlsplit

import pytest

from flow import start
from rawhttp import assert_4xx, raw, request, status_of
from services import handlers_running

@pytest.fixture(autouse=True)
def handlers_survive(stack):
    yield
    assert all(handlers_running(stack).values()), handlers_running(stack)


@pytest.mark.parametrize("token", [
    "../../../../etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%2f..%2fsecret.conf", "AAAAAAAA%00BBBBBBBBBBBB",
    "%2F" * 20, "A" * 129, "%C0%AE%C0%AE%2F" * 4, "%FF%FE%FD" * 8, "token", "",
])
def test_hostile_tokens(stack, token):
    answer = raw(stack, request("GET", "/ekyc/callback?token=" + token))
    assert assert_4xx(answer) in (400, 404)


@pytest.mark.parametrize("field", ["extra", "ref"])
def test_crlf_in_extra_and_ref_injects_no_header(stack, field):
    value = "x%0D%0ASet-Cookie:%20evil=1%0D%0ALocation:%20https://evil.example"
    answer = raw(stack, request("GET", "/ekyc/start?%s=%s" % (field, value) + ("&exp=1&sig=00" if field == "ref" else "")))
    head = answer.split(b"\r\n\r\n", 1)[0].lower()
    assert b"evil" not in head, head
    assert status_of(answer) in (303, 400, 403)


def test_invalid_utf8_in_query_and_form(stack):
    assert_4xx(raw(stack, request("GET", "/ekyc/start?extra=%FF%FE%80")))
    assert_4xx(raw(stack, request("POST", "/ekyc/start", ["Content-Type: application/x-www-form-urlencoded"], b"extra=%C3%28")))
    assert_4xx(raw(stack, request("POST", "/ekyc/start", ["Content-Type: application/json"], b'{"extra": "\xff\xfe"}')))


def test_100_kb_query_string(stack):
    answer = raw(stack, request("GET", "/ekyc/start?extra=" + "a" * 100_000))
    assert assert_4xx(answer) in (400, 414)


def test_64_kb_cookie(stack):
    answer = raw(stack, request("GET", "/ekyc/callback?token=" + "A" * 36, ["Cookie: ekyc_session=" + "b" * 65_536]))
    assert assert_4xx(answer) in (400, 403, 404, 431, 494)


@pytest.mark.parametrize("content_type,body", [
    ("multipart/form-data", b"--x\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nabc\r\n--x--\r\n"),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\n\xff\xd8\xff unterminated"),
    ("multipart/form-data; boundary=x", b"--x\r\nno headers end here"),
    ("multipart/form-data; boundary=x", b"".join(b"--x\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\nv\r\n" % i
                                                 for i in range(10_000)) + b"--x--\r\n"),
    ("multipart/form-data; boundary=" + "b" * 200, b"--b\r\n"),
    ("application/json", b"{" * 100_000),
    ("application/json", b"[1, 2, 3]"),
    ("text/plain", b"hello"),
])
def test_malformed_bodies(stack, content_type, body):
    assert_4xx(raw(stack, request("POST", "/ekyc/start", ["Content-Type: " + content_type], body)))


def test_huge_content_length_with_a_small_body(stack):
    answer = raw(stack, request("POST", "/ekyc/start", ["Content-Type: application/json", "Content-Length: 1073741824"], b"{}"),
                 timeout=5)
    assert status_of(answer) == 413


def test_slow_body_is_cut_by_nginx_not_a_handler_worker(stack, browser):
    """A body that trickles in is buffered by nginx (fastcgi_request_buffering), so it never
    holds a handler worker; meanwhile others are served."""
    site = urlsplit(stack.site_url)
    with socket.create_connection((site.hostname, site.port), timeout=10) as slow:
        slow.sendall(request("POST", "/ekyc/start", ["Content-Type: application/json", "Content-Length: 100"]))
        slow.sendall(b'{"ex')
        # While that body is incomplete, the handlers answer other browsers, more of them than
        # a handler process has workers (64 in the test stack's config).
        for _ in range(72):
            assert start(stack, browser)[0]


def test_methods_other_than_get_and_post(stack):
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS"):
        assert status_of(raw(stack, request(method, "/ekyc/start"))) == 405
        assert status_of(raw(stack, request(method, "/ekyc/callback?token=" + "A" * 36))) in (405, 413)
