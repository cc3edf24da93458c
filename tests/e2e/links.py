"""What a merchant's backend computes for a signed start link or a signed result request
(README, "Signed start links"): one signer for every test."""

import hashlib
import hmac


def sign(key: str, purpose: str, subject: str, exp: int) -> str:
    """hex(HMAC-SHA256(link_key, purpose + "\\n" + subject + "\\n" + exp)); purpose is
    "start-link" (subject: the ref) or "result-read" (subject: the BizToken)."""
    message = "%s\n%s\n%d" % (purpose, subject, exp)
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def backend_signature(key: str, method: str, path: str, body: bytes, t: int) -> str:
    """The EKYC-Signature header of a request from the merchant's backend (README,
    "Server-created verifications")."""
    message = "backend-request\n%s\n%s\n%d\n%s" % (method, path, t, hashlib.sha256(body).hexdigest())
    return "t=%d,v1=%s" % (t, hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest())
