"""The merchant flow's steps as a browser takes them through nginx, each hop checked:
/ekyc/start -> eKYC page (sandbox) -> RedirectURL -> /ekyc/callback; and one whole verification
through any way of reaching the handlers."""

import re
from urllib.parse import urlsplit

from sandbox import finish_on_sandbox

BIZ_TOKEN = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")


def start(stack, browser, *options):
    """GET (or, with options, POST) /ekyc/start; checks the redirect and returns the BizToken."""
    answer = browser.get(stack.site_url + "/ekyc/start", *options)
    assert answer.status == 303, answer.body
    location = urlsplit(answer.header("location"))
    page = urlsplit(stack.page_url)
    assert (location.scheme, location.netloc) == (page.scheme, page.netloc)
    assert location.path == "/reflect/"
    token = answer.query("token")
    assert token and BIZ_TOKEN.match(token), answer.header("location")
    assert "no-store" in (answer.header("cache-control") or "")
    return token, answer


def open_page(stack, browser, token):
    page = browser.get(stack.page_url + "/reflect/?token=" + token)
    assert page.status == 200
    assert "text/html" in page.header("content-type")


def finish(stack, browser, token, outcome):
    """What the tester's tap on the sandbox page sends; answers 303 to RedirectURL?token=."""
    answer = browser.post_form(stack.page_url + "/reflect/finish", {"token": token, "outcome": outcome})
    assert answer.status == 303, answer.body
    assert answer.header("location") == stack.redirect_url + "?token=" + token
    return answer


def callback(stack, browser, token, **kwargs):
    return browser.get(stack.site_url + "/ekyc/callback?token=" + token, **kwargs)


def assert_error(answer, status):
    assert answer.status == status, answer.body
    assert answer.header("content-type").startswith("application/json")
    error = answer.json()["error"]
    assert error["code"] and error["message"]
    return error


def set_cookie(answer, name="ekyc_session"):
    """The parts of the one Set-Cookie for `name`, as sent: name=value first, then attributes."""
    cookies = [cookie for cookie in answer.headers.get("set-cookie", []) if cookie.startswith(name + "=")]
    assert len(cookies) == 1, answer.headers.get("set-cookie")
    return [part.strip() for part in cookies[0].split(";")]


def session_cookie(answer, name="ekyc_session"):
    """set_cookie's parts in lower case, for attributes whose case does not matter."""
    return [part.lower() for part in set_cookie(answer, name)]


def verify_once(stack, start, callback):
    """A whole verification: start (303 to the sandbox page, cookie), the user passes on the page,
    callback with the cookie (200, passed). `start` and `callback` make one request each."""
    started = start()
    assert started.status == 303, started.body
    location = started.header("location")
    assert location.startswith(stack.page_url + "/reflect/?token="), location
    token = started.query("token")
    finish_on_sandbox(stack, token)
    answer = callback(token, started.cookies())
    assert answer.status == 200, answer.body
    assert answer.json()["status"] == "passed"
    return token
