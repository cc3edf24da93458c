"""Verifications the merchant's backend owns, through a production-like installation behind
nginx (hardened.py): created by a signed request with the reference photo, handed to one
browser, passed or failed on the sandbox page, read by id without a cookie. A browser cannot
choose the photo, and a handoff link works for one browser only."""

import base64
import json
import subprocess
import time
from urllib.parse import urlsplit

import pytest

from hardened import Hardened, SandboxCalls
from images import JPEG
from links import backend_signature
from polling import until_final
from installed import ROOT, clean_environment

SNIPPETS = {"backend-request.py": "python3", "backend-request.php": "php", "backend-request.js": "node", "backend-request.sh": "sh"}
# What a backend holds as the user's document photo.
PHOTO = base64.b64encode(JPEG).decode()


@pytest.fixture(scope="module")
def site(stack):
    with Hardened(stack, start_url="http://shop.example.com/ekyc/start").start() as hardened:
        yield hardened


def create(site, **fields):
    body = json.dumps(fields).encode()
    return site.backend("POST", "/ekyc/verifications", body)


def handoff_target(answer):
    """The path and query of a created verification's handoffURL (the test's nginx is the shop)."""
    url = urlsplit(answer.json()["handoffURL"])
    assert (url.scheme, url.netloc, url.path) == ("http", "shop.example.com", "/ekyc/start"), url
    return url.path + "?" + url.query


def read(site, id):
    return site.backend("GET", "/ekyc/verifications/" + id)


def test_a_backend_created_verification_with_a_photo_passes_and_is_read_by_id(site, stack):
    calls = SandboxCalls(stack)
    created = create(site, ref="user-42", compareImageBase64=PHOTO)
    assert created.status == 201, created.body
    id = created.json()["id"]
    assert created.json()["expiresAt"] > time.time()
    sent = [line for line in calls.lines() if "action=ApplyWebVerificationBizTokenIntl" in line]
    assert len(sent) == 1

    opened = site.get(handoff_target(created), client="127.0.5.1", headers={"Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "cross-site"})
    assert opened.status == 303, opened.body
    assert opened.header("location").startswith(stack.page_url + "/reflect/?token=" + id)
    assert read(site, id).status == 202, "pending until the user finishes"

    site.finish_on_sandbox(id, "pass")
    result = until_final(lambda: read(site, id))
    assert result.status == 200, result.body
    body = result.json()
    assert body["status"] == "passed" and body["extra"] == "user-42"
    assert body["attempts"][-1]["similarity"] is not None, "compared with the backend's photo"
    # The browser it was handed to reads it too, with its cookie.
    browser = site.get("/ekyc/callback?token=" + id, client="127.0.5.1", headers={"Cookie": opened.cookies()})
    assert browser.status == 200 and browser.json()["status"] == "passed"


def test_a_face_that_does_not_match_the_backends_photo_fails(site):
    created = create(site, ref="user-43", compareImageBase64=PHOTO)
    id = created.json()["id"]
    assert site.get(handoff_target(created), client="127.0.5.2").status == 303
    site.finish_on_sandbox(id, "mismatch")
    body = until_final(lambda: read(site, id)).json()
    assert body["status"] == "failed" and body["reason"] == "comparison", body


def test_a_handoff_link_works_for_one_browser(site):
    created = create(site, ref="user-44")
    target = handoff_target(created)
    first = site.get(target, client="127.0.5.3")
    assert first.status == 303
    again = site.get(target, client="127.0.5.3", headers={"Cookie": first.cookies()})
    assert again.status == 303 and again.header("location") == first.header("location")
    relayed = site.get(target, client="127.0.5.4")
    assert relayed.status == 403 and relayed.error_code() == "link_used", relayed.body
    forged = site.get(target[:-1] + ("0" if target[-1] != "0" else "1"), client="127.0.5.4")
    assert forged.status == 403


def test_a_retried_create_is_the_same_verification(site, stack):
    calls = SandboxCalls(stack)
    body = json.dumps({"ref": "user-45"}).encode()
    # The same signed request sent twice, as a backend retries after a timeout.
    header = backend_signature(stack.link_key, "POST", "/ekyc/verifications", body, int(time.time()))
    first = site.backend("POST", "/ekyc/verifications", body, signature=header)
    second = site.backend("POST", "/ekyc/verifications", body, signature=header)
    assert (first.status, second.status) == (201, 200)
    assert first.json()["id"] == second.json()["id"] and second.header("idempotent-replayed") == "true"
    assert calls.count("ApplyWebVerificationBizTokenIntl") == 1


@pytest.mark.parametrize("signature", ["", "t=1,v1=" + "0" * 64, None])
def test_unsigned_or_forged_backend_requests_are_refused(site, stack, signature):
    calls = SandboxCalls(stack)
    body = json.dumps({"ref": "intruder"}).encode()
    if signature is None:  # signed long ago: outside the 5-minute window
        answer = site.backend("POST", "/ekyc/verifications", body, t=int(time.time()) - 3600)
    else:
        answer = site.backend("POST", "/ekyc/verifications", body, signature=signature)
    assert answer.status == 403 and answer.error_code() in ("bad_signature", "signature_required"), answer.body
    unsigned_read = site.get("/ekyc/verifications/81EEF678-28EE-4759-A82E-6CBBBE6BC442", client="127.0.5.9")
    assert unsigned_read.status == 403 and unsigned_read.error_code() == "signature_required"
    assert calls.count("ApplyWebVerificationBizTokenIntl") == 0


def test_a_browser_cannot_choose_the_reference_photo(site, stack):
    """Under a valid signed link, a photo the browser uploads was compared with the user's
    face: it proves nothing. With link_key set, browser photos are refused."""
    calls = SandboxCalls(stack)
    link = site.start_link("photo-%d" % time.time_ns())
    boundary = "x" * 16
    body = ("--%s\r\nContent-Disposition: form-data; name=\"image\"; filename=\"me.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
            % boundary).encode() + base64.b64decode(PHOTO) + ("\r\n--%s--\r\n" % boundary).encode()
    answer = site.get(link, client="127.0.5.10", method="POST", body=body,
                      headers={"Content-Type": "multipart/form-data; boundary=" + boundary})
    assert answer.status == 403 and answer.error_code() == "browser_image_refused", answer.body
    assert calls.count("ApplyWebVerificationBizTokenIntl") == 0


@pytest.mark.parametrize("snippet", sorted(SNIPPETS))
def test_every_backend_snippet_signs_a_create_the_handler_accepts(site, stack, snippet, tmp_path):
    body = json.dumps({"ref": "via %s" % snippet}).encode()
    (tmp_path / "body.json").write_bytes(body)
    result = subprocess.run([SNIPPETS[snippet], str(ROOT / "docs/snippets" / snippet), "POST", "/ekyc/verifications",
                             str(tmp_path / "body.json")], env={**clean_environment(), "EKYC_LINK_KEY": stack.link_key},
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and not result.stderr, result.stderr
    answer = site.backend("POST", "/ekyc/verifications", body, signature=result.stdout.strip())
    assert answer.status == 201, (snippet, answer.body)

