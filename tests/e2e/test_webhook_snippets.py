"""The webhook-verifying snippets the README shows are files in docs/snippets/, run here with the
real interpreters (python3, php, node, sh with openssl) on bodies signed by the Swift signer
(`ekyc-start events --sign` with the stack's config): each accepts a fresh signature and refuses
a tampered body, another key, a stale or future time and a malformed header; the Swift signer
follows the documented formula; the README shows each file as it is."""

import re
import subprocess
import time
from pathlib import Path

import pytest

from installed import ROOT, clean_environment
from webhooks import signature

SNIPPETS = ROOT / "docs" / "snippets"
INTERPRETERS = {"webhook-verify.py": "python3", "webhook-verify.php": "php", "webhook-verify.js": "node",
                "webhook-verify.sh": "sh"}

BODIES = [
    b'{"id":"evt_0","type":"verification.passed"}',
    '{"data":{"ref":"order 42/ü & \\"quoted\\" 日本 😀"}}'.encode(),
    b'{"a":1}\n\n',          # trailing newlines are part of the body
    b"line\r\nbreak\ttab\\",
    b"",
]


@pytest.fixture(scope="module")
def signer(stack, tmp_path_factory):
    """sign(body, timestamp) -> the EKYC-Signature value made by ekyc-start with the stack's key."""
    directory = tmp_path_factory.mktemp("signed")

    def sign(body: bytes, timestamp: int) -> str:
        path = directory / "body"
        path.write_bytes(body)
        result = subprocess.run([str(Path(stack.bin_dir, "ekyc-start")), "events", "--config",
                                 str(Path(stack.run_dir, "ekyc.conf")), "--sign", str(path), "--timestamp", str(timestamp)],
                                capture_output=True, text=True, timeout=30, env=clean_environment())
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()
    return sign


def verify(snippet, header, body, key):
    return subprocess.run([INTERPRETERS[snippet], str(SNIPPETS / snippet), header], input=body,
                          env={**clean_environment(), "EKYC_WEBHOOK_KEY": key}, capture_output=True, timeout=30)


def accepted(snippet, header, body, key) -> bool:
    result = verify(snippet, header, body, key)
    assert result.returncode in (0, 1), (snippet, result.stderr)
    assert (result.returncode == 0) == (result.stdout == b"ok\n"), (snippet, result.stdout)
    return result.returncode == 0


def test_every_webhook_snippet_has_an_interpreter():
    assert sorted(path.name for path in SNIPPETS.glob("webhook-verify.*")) == sorted(INTERPRETERS)


def test_the_swift_signer_follows_the_documented_formula(signer, stack):
    for body in BODIES:
        assert signer(body, 1773567000) == signature(stack.webhook_key, body, 1773567000)


@pytest.mark.parametrize("snippet", sorted(INTERPRETERS))
def test_a_fresh_signature_is_accepted(snippet, signer, stack):
    for body in BODIES:
        assert accepted(snippet, signer(body, int(time.time())), body, stack.webhook_key), body
    # Within the 5 minutes, either way (the clocks of two machines differ).
    assert accepted(snippet, signer(BODIES[0], int(time.time()) - 280), BODIES[0], stack.webhook_key)
    assert accepted(snippet, signer(BODIES[0], int(time.time()) + 280), BODIES[0], stack.webhook_key)


@pytest.mark.parametrize("snippet", sorted(INTERPRETERS))
def test_a_tampered_body_or_another_key_is_refused(snippet, signer, stack):
    header = signer(BODIES[1], int(time.time()))
    for body in (BODIES[1] + b" ", BODIES[1].replace(b"42", b"43"), BODIES[1][:-1], b""):
        assert not accepted(snippet, header, body, stack.webhook_key), body
    assert not accepted(snippet, header, BODIES[1], stack.webhook_key + "x")


@pytest.mark.parametrize("snippet", sorted(INTERPRETERS))
def test_a_stale_or_future_signature_is_refused(snippet, signer, stack):
    """A delivery captured and replayed later is refused, though its signature is genuine."""
    for offset in (-400, -86400, 400):
        assert not accepted(snippet, signer(BODIES[0], int(time.time()) + offset), BODIES[0], stack.webhook_key), offset


@pytest.mark.parametrize("snippet", sorted(INTERPRETERS))
def test_malformed_or_moved_headers_are_refused(snippet, signer, stack):
    now = int(time.time())
    good = signer(BODIES[0], now)
    t, v1 = re.fullmatch(r"t=(\d+),v1=([0-9a-f]{64})", good).groups()
    flipped = v1[:-1] + ("0" if v1[-1] != "0" else "1")
    for header in ("", "v1=" + v1, "t=" + t, "t=,v1=" + v1, "t=x%s,v1=%s" % (t, v1), "t=%d,v1=%s" % (now + 1, v1),
                   "t=%s,v1=%s" % (t, flipped), "t=%s,t=%s,v1=%s" % (t, t, v1), "t=%s,v1=%s" % (t, v1[:32]),
                   "t=%s,v1=*" % t):
        assert not accepted(snippet, header, BODIES[0], stack.webhook_key), header


@pytest.mark.parametrize("snippet", sorted(INTERPRETERS))
def test_any_one_of_several_signatures_is_enough(snippet, signer, stack):
    """During a key change the sender may sign with both keys."""
    t, v1 = re.fullmatch(r"t=(\d+),v1=([0-9a-f]{64})", signer(BODIES[0], int(time.time()))).groups()
    header = "t=%s,v1=%s,v1=%s" % (t, "0" * 64, v1)
    assert accepted(snippet, header, BODIES[0], stack.webhook_key)

