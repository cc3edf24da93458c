"""Only session ids the server issued are accepted: a value a browser (or whoever could plant a
cookie in it) made up is replaced at /ekyc/start, and a cookie whose MAC does not verify opens no
result at /ekyc/callback. Through nginx, with the real curl binary."""

import re

from flow import assert_error, callback, finish, open_page, set_cookie, start

ISSUED = re.compile(r"^[0-9a-f]{64}\.[0-9a-f]{64}$")
RETENTION_SECONDS = 3 * 24 * 3600


def issued_cookie(answer):
    """The session value of a start answer's Set-Cookie, checked for form and lifetime."""
    name_value, *attributes = set_cookie(answer)
    name, _, value = name_value.partition("=")
    assert name == "ekyc_session" and ISSUED.match(value), name_value
    assert "Max-Age=%d" % RETENTION_SECONDS in attributes, attributes
    return value


def with_cookie(value):
    return ("--header", "Cookie: ekyc_session=" + value)


def read_with(stack, client, token, value):
    """/ekyc/callback presenting exactly this session value and no other cookie."""
    return client.get(stack.site_url + "/ekyc/callback?token=" + token, *with_cookie(value), cookies=False)


def test_a_planted_self_made_id_is_replaced_and_opens_nothing(stack, browser, other_browser):
    planted = "5e" * 32   # the form every session had before ids carried a MAC
    answer = browser.get(stack.site_url + "/ekyc/start", *with_cookie(planted), cookies=False)
    assert answer.status == 303, answer.body
    issued = issued_cookie(answer)
    assert issued != planted and not issued.startswith(planted)

    token = answer.query("token")
    open_page(stack, browser, token)
    finish(stack, browser, token, "pass")
    # Whoever planted the id cannot read the victim's result with it ...
    error = assert_error(read_with(stack, other_browser, token, planted), 403)
    assert error["code"] == "session_mismatch"
    # ... while the browser that holds the issued cookie can.
    mine = read_with(stack, browser, token, issued)
    assert mine.status == 200 and mine.json()["status"] == "passed", mine.body


def test_an_issued_session_is_kept_across_starts(stack, browser):
    first = issued_cookie(start(stack, browser)[1])
    second = issued_cookie(start(stack, browser)[1])
    assert first == second


def test_a_tampered_mac_is_refused_at_callback(stack, browser, other_browser):
    token, answer = start(stack, browser)
    issued = issued_cookie(answer)
    open_page(stack, browser, token)
    finish(stack, browser, token, "pass")
    identifier, mac = issued.split(".")
    flipped = mac[:-1] + ("0" if mac[-1] != "0" else "1")
    for value in [identifier + "." + flipped, identifier, identifier + "." + "0" * 64, issued.upper()]:
        error = assert_error(read_with(stack, other_browser, token, value), 403)
        assert error["code"] == "session_mismatch", value
    assert callback(stack, browser, token).status == 200
