"""What a merchant's backend computes for a signed start link, a signed result request or a
signed backend request (README, "Signed start links", "Server-created verifications"): one
signer for every test."""

import hashlib
import hmac
import time
from urllib.parse import quote, urlencode


def sign(key: str, purpose: str, subject: str, exp: int) -> str:
    """hex(HMAC-SHA256(link_key, purpose + "\\n" + subject + "\\n" + exp)); purpose is
    "start-link" (subject: the ref) or "result-read" (subject: the BizToken)."""
    message = "%s\n%s\n%d" % (purpose, subject, exp)
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def signed_query(key: str, purpose: str, name: str, subject: str, expires_in=300, exp=None) -> str:
    """`<name>=<subject>&exp=…&sig=…`, every value percent-encoded; `exp` defaults to
    `expires_in` seconds from now."""
    exp = exp if exp is not None else int(time.time()) + expires_in
    return urlencode({name: subject, "exp": exp, "sig": sign(key, purpose, subject, exp)}, quote_via=quote)


def start_link(key: str, ref: str, expires_in=300, exp=None) -> str:
    """/ekyc/start?ref=…&exp=…&sig=…: a signed start link for `ref`."""
    return "/ekyc/start?" + signed_query(key, "start-link", "ref", ref, expires_in, exp)


def result_read(key: str, token: str, expires_in=300) -> str:
    """/ekyc/callback?token=…&exp=…&sig=…: the backend's signed result request, no cookie needed."""
    return "/ekyc/callback?" + signed_query(key, "result-read", "token", token, expires_in)


def backend_signature(key: str, method: str, path: str, body: bytes, t: int) -> str:
    """The EKYC-Signature header of a request from the merchant's backend (README,
    "Server-created verifications")."""
    message = "backend-request\n%s\n%s\n%d\n%s" % (method, path, t, hashlib.sha256(body).hexdigest())
    return "t=%d,v1=%s" % (t, hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest())
