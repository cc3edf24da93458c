"""The Python peer of ekyc-start and ekyc-callback for scripts/bench: a WSGI app on gunicorn with
Tencent's Python SDK (tencentcloud-sdk-python-intl-en), written as a merchant would. START = one
ApplyWebVerificationBizTokenIntl, the BizToken kept in a file of its own (no fsync), a session
cookie, a 303 to Tencent's page; /ekyc/callback reads that file, checks the cookie, asks
GetWebVerificationResultIntl and answers 202 while the result is pending.

Configured by the environment scripts/bench gives gunicorn: EKYC_PEER_HOST (the API stub),
EKYC_PEER_CA_FILE, EKYC_PEER_SECRET_ID, EKYC_PEER_SECRET_KEY, EKYC_PEER_TOKENS (a directory)."""

import hmac
import json
import os
import re
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from tencentcloud.common import credential
from tencentcloud.common.profile import client_profile, http_profile
from tencentcloud.faceid.v20180301 import faceid_client, models

TOKENS = os.environ["EKYC_PEER_TOKENS"]
TOKEN = re.compile(r"^[A-Za-z0-9-]{16,64}$")

# One client per gunicorn worker, made at import: its requests.Session keeps the API connection.
client = faceid_client.FaceidClient(
    credential.Credential(os.environ["EKYC_PEER_SECRET_ID"], os.environ["EKYC_PEER_SECRET_KEY"]),
    "ap-singapore",
    client_profile.ClientProfile(httpProfile=http_profile.HttpProfile(
        endpoint=os.environ["EKYC_PEER_HOST"], certification=os.environ["EKYC_PEER_CA_FILE"])))


def answer(start_response, status, headers=(), body=b""):
    start_response(status, [("Content-Length", str(len(body)))] + list(headers))
    return [body]


def start(environ, start_response):
    request = models.ApplyWebVerificationBizTokenIntlRequest()
    request.RedirectURL = "https://shop.example.com/verified.html"
    response = client.ApplyWebVerificationBizTokenIntl(request)
    if not TOKEN.match(response.BizToken or ""):
        return answer(start_response, "502 Bad Gateway")
    session = secrets.token_hex(16)
    with open(os.path.join(TOKENS, response.BizToken + ".json"), "w") as record:
        json.dump({"session": session, "status": "pending"}, record)
    return answer(start_response, "303 See Other", [
        ("Location", response.VerificationURL),
        ("Set-Cookie", "ekyc_session=%s; Path=/ekyc/; HttpOnly; SameSite=Lax" % session)])


def callback(environ, start_response):
    token = parse_qs(environ.get("QUERY_STRING", "")).get("token", [""])[0]
    if not TOKEN.match(token):
        return answer(start_response, "400 Bad Request")
    cookie = SimpleCookie(environ.get("HTTP_COOKIE", "")).get("ekyc_session")
    try:
        with open(os.path.join(TOKENS, token + ".json")) as record:
            session = json.load(record)["session"]
    except (OSError, ValueError, KeyError):
        session = None
    if session is None or cookie is None or not hmac.compare_digest(session, cookie.value):
        return answer(start_response, "403 Forbidden")
    request = models.GetWebVerificationResultIntlRequest()
    request.BizToken = token
    response = client.GetWebVerificationResultIntl(request)
    json_headers = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
    if response.ErrorCode is None:
        return answer(start_response, "202 Accepted", json_headers, b'{"status":"pending"}')
    return answer(start_response, "200 OK", json_headers,
                  json.dumps({"status": "final", "code": response.ErrorCode}).encode())


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/ekyc/start":
        return start(environ, start_response)
    if path == "/ekyc/callback":
        return callback(environ, start_response)
    return answer(start_response, "404 Not Found")
