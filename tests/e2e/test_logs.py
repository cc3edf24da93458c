"""After everything else ran: no log of the stack holds a secret, a full BizToken, an image or
a merchant's Extra; the store's files are owner-only."""

import re
import stat
from pathlib import Path

import pytest

BIZ_TOKEN = re.compile(rb"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
# Values the tests send as Extra, ref or image; none may be written to a log.
SENT = [b"order 42", b"order-42", b"order-1", b"backend-7", b"sdk-test", b"/9j/4AAQ", b"iVBORw0KGgo"]


def logs(stack):
    return sorted(Path(stack.run_dir, "logs").glob("*.log"))


@pytest.mark.last
def test_logs_hold_no_secret_token_image_or_extra(stack):
    found = []
    for log in logs(stack):
        text = log.read_bytes()
        for secret in (stack.secret_key.encode(), stack.link_key.encode()):
            if secret in text:
                found.append("%s: a secret" % log.name)
        for match in BIZ_TOKEN.finditer(text):
            found.append("%s: full token %s…" % (log.name, match.group()[:8].decode()))
        for value in SENT:
            if value in text:
                found.append("%s: %r" % (log.name, value))
    assert logs(stack) and not found, found[:20]


@pytest.mark.last
def test_store_is_owner_only(stack):
    store = Path(stack.run_dir, "tokens")
    assert stat.S_IMODE(store.stat().st_mode) == 0o700
    records = list(store.glob("*/*.json"))
    assert records
    for record in records:
        assert stat.S_IMODE(record.stat().st_mode) == 0o600, record
        assert BIZ_TOKEN.search(record.name.encode()) is None
