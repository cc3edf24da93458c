"""What a merchant's backend computes for a signed start link or a signed result request
(README, "Signed start links"): one signer for every test."""

import hashlib
import hmac


def sign(key: str, purpose: str, subject: str, exp: int) -> str:
    """hex(HMAC-SHA256(link_key, purpose + "\\n" + subject + "\\n" + exp)); purpose is
    "start-link" (subject: the ref) or "result-read" (subject: the BizToken)."""
    message = "%s\n%s\n%d" % (purpose, subject, exp)
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()
