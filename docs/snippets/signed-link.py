#!/usr/bin/env python3
"""Signed links for ekyc-gate.

    EKYC_LINK_KEY=... python3 signed-link.py start-link REF [EXP]     a start link for the browser
    EKYC_LINK_KEY=... python3 signed-link.py result-read TOKEN [EXP]  a result read for your backend

EXP is a Unix time (default: 5 minutes from now). Prints the path and query to put after your
site's address.
"""
import hashlib
import hmac
import os
import sys
import time
from urllib.parse import quote

PATHS = {"start-link": ("/ekyc/start", "ref"), "result-read": ("/ekyc/callback", "token")}


def signed_link(key: str, kind: str, value: str, exp: int) -> str:
    # The kind is signed too, so a signature made for one kind is never valid as the other.
    path, name = PATHS[kind]
    message = "%s\n%s\n%d" % (kind, value, exp)
    sig = hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()
    return "%s?%s=%s&exp=%d&sig=%s" % (path, name, quote(value, safe=""), exp, sig)


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in PATHS:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    exp = int(sys.argv[3]) if len(sys.argv) == 4 else int(time.time()) + 300
    print(signed_link(os.environ["EKYC_LINK_KEY"], sys.argv[1], sys.argv[2], exp))
