"""A VerificationURL the API returns is followed by the browser, so the start handler sends a
browser only to one in strict canonical form on verification_origin. The sandbox answers a
chosen URL (fault verification_url=…, named in the flow's Extra); every hostile one must end in
502 upstream_redirect_refused with no Location and no session cookie, through nginx."""

import shutil
from urllib.parse import quote, urlsplit

import pytest

from flow import assert_error, start
from installed import SocketUnit, fill_config, install, make_prefix, set_key
from nginxfront import nginx_in_front, through_nginx


def answering(url):
    """The Extra that makes the sandbox's Apply answer `url` as VerificationURL."""
    return quote("sandbox-fault:apply:verification_url=" + url, safe="")


def page_origin(stack):
    return urlsplit(stack.page_url).netloc   # localhost:PORT, the stack's verification_origin


@pytest.mark.parametrize("template", [
    "http://evil.example\\.{page}/reflect/",     # a browser reads '\' as '/': host evil.example
    "http://{page}\\@evil.example/",
    "http://{page}@evil.example/",
    "http://{page}/reflect/\\\\evil.example/",
    "http://{page}/reflect/?token=A\r\nSet-Cookie: x=1",
    "http://{page}\t/reflect/",
    "http://LOCALHOST:{port}/reflect/",
    "http://localhost.:{port}/reflect/",
    "http://localhost%2e:{port}/reflect/",
    "http://localhost:0{port}/reflect/",
    "http://localhost\u3002:{port}/reflect/",
    "https://{page}/reflect/",
])
def test_hostile_page_urls_are_refused(stack, browser, template):
    url = template.format(page=page_origin(stack), port=urlsplit(stack.page_url).port)
    answer = browser.get(stack.site_url + "/ekyc/start?extra=" + answering(url))
    error = assert_error(answer, 502)
    assert error["code"] == "upstream_redirect_refused"
    assert not answer.header("location") and not answer.header("set-cookie")
    assert url.encode() not in answer.body, "the refused URL is not echoed"
    # The same handler still sends browsers to the real page.
    assert start(stack, browser)[0]


@pytest.fixture(scope="module")
def wildcard_installation(stack):
    """An installed ekyc-start whose verification_origin is a wildcard, as production's
    https://*.faceid.qq.com is, behind an nginx that includes the installed snippet."""
    prefix, scratch = make_prefix(), make_prefix()
    install(stack, prefix)
    fill_config(stack, prefix)
    config = prefix / "etc/ekyc/ekyc.conf"
    set_key(config, "verification_origin", "http://*.localhost:%d" % urlsplit(stack.page_url).port)
    set_key(config, "allow_unsigned_extra", "true")
    units = prefix / "etc/systemd/system"
    handler = SocketUnit(units / "ekyc-start.socket", units / "ekyc-start.service", scratch / "ekyc-start.journal").start()
    nginx = nginx_in_front(prefix, scratch)
    yield scratch
    nginx.terminate()
    nginx.wait(10)
    assert handler.stop() == 0
    shutil.rmtree(prefix)
    shutil.rmtree(scratch)


def test_backslash_host_is_refused_under_a_wildcard_origin(stack, wildcard_installation):
    """The reported case: `\\.` made evil.example look like a subdomain of the allowed one."""
    port = urlsplit(stack.page_url).port
    for url in ["http://evil.example\\.localhost:%d/reflect/" % port, "http://evil%%2elocalhost:%d/" % port,
                "http://a.localhost:%d@evil.example/" % port, "http://evil.example\u3002localhost:%d/" % port,
                "http://a.localhost.:%d/" % port, "http://.localhost:%d/" % port]:
        answer = through_nginx(wildcard_installation, "/ekyc/start?extra=" + answering(url))
        assert answer.status == 502, (url, answer.body)
        assert answer.json()["error"]["code"] == "upstream_redirect_refused"
        assert "location" not in answer.headers and "set-cookie" not in answer.headers
    # A canonical subdomain of the wildcard is followed (the sandbox page itself is on the bare
    # localhost, which *.localhost does not cover).
    good = "http://page.localhost:%d/reflect/?token=X" % port
    answer = through_nginx(wildcard_installation, "/ekyc/start?extra=" + answering(good))
    assert answer.status == 303 and answer.header("location") == good
