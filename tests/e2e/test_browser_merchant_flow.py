"""A person on a phone, played by a real headless Chromium (phone.py): the merchant site, its
"Verify my identity" link (or a backend's handoff link, or the photo form), the sandbox's eKYC page
screen by screen, and back to the merchant's result page, which shows the verdict it got from
/ekyc/callback. Every screen is saved as a screenshot under the run directory."""

import json
import re
import time
import urllib.request

from selenium.webdriver.common.by import By

from images import JPEG
from links import backend_signature
from phone import attempts, choose, classes, finish_on_the_page, give_consent_and_start, tap_verify_on_the_shop, verdict, verify_on_the_shop


def test_person_passes(phone, stack):
    shown = verify_on_the_shop(phone, stack, "pass", "Success, tap next to continue")
    assert "passed" in classes(shown)
    assert shown.text == "✔ You are verified"
    assert [row[:2] for row in attempts(phone)] == [["1", "Passed"]]
    # A plain start has no reference photo, so CheckMode 3 (liveness only): no face was
    # compared, no similarity column.
    assert not phone.driver.find_element(By.XPATH, "//th[.='Similarity']").is_displayed()
    assert not phone.driver.find_element(By.ID, "again").is_displayed()


def create_for_backend(stack, ref: str) -> dict:
    """What the merchant's backend does: a signed POST /ekyc/verifications."""
    body = json.dumps({"ref": ref}).encode()
    request = urllib.request.Request(stack.site_url + "/ekyc/verifications", data=body, method="POST", headers={
        "Content-Type": "application/json",
        "EKYC-Signature": backend_signature(stack.link_key, "POST", "/ekyc/verifications", body, int(time.time()))})
    with urllib.request.urlopen(request, timeout=20) as answer:
        assert answer.status == 201
        return json.loads(answer.read())


def test_a_person_handed_a_backend_verification_passes(open_phone, stack):
    """The backend creates the verification; the phone follows the handoff link to Tencent's
    page and back to the shop's result page. A second phone with the same link is refused."""
    created = create_for_backend(stack, "user-in-chromium")
    phone = open_phone()
    phone.driver.get(created["handoffURL"])
    phone.wait_for_url("^" + re.escape(stack.page_url + "/reflect/?token=" + created["id"]))
    give_consent_and_start(phone)
    finish_on_the_page(phone, stack, created["id"], "pass", "Success, tap next to continue")
    shown = verdict(phone)
    assert "passed" in classes(shown)

    other = open_phone()
    other.driver.get(created["handoffURL"])
    assert "link_used" in other.driver.page_source


def test_person_compared_with_an_uploaded_photo_can_mismatch(phone, stack, tmp_path):
    """The shop's "Compare with a photo" form: CheckMode 2 with the uploaded photo, so the
    sandbox offers "face mismatch" and the result page shows the similarity."""
    photo = tmp_path / "me.jpg"
    photo.write_bytes(JPEG)
    phone.driver.get(stack.site_url + "/")
    phone.find("#image").send_keys(str(photo))
    phone.tap(phone.find("form[enctype='multipart/form-data'] button[type=submit]"))
    phone.wait_for_url("^" + re.escape(stack.page_url + "/reflect/?token="))
    token = re.search(r"token=([0-9A-F-]{36})", phone.driver.current_url).group(1)
    give_consent_and_start(phone)
    finish_on_the_page(phone, stack, token, "mismatch", "Similarity below passing standard")

    shown = verdict(phone)
    assert "failed" in classes(shown)
    assert "(code 2016)" in phone.text("#reason") and "matched the photo at" in phone.text("#reason")
    assert phone.driver.find_element(By.XPATH, "//th[.='Similarity']").is_displayed()
    similarity = float(attempts(phone)[0][2])
    assert 0 < similarity < 70


def test_person_fails_liveness(phone, stack):
    shown = verify_on_the_shop(phone, stack, "liveness", "Liveness detection failed")
    assert "failed" in classes(shown)
    assert shown.text == "✘ We could not verify you"
    assert "(code 1005)" in phone.text("#reason")
    assert [row[1] for row in attempts(phone)] == ["Liveness detection failed (code 1005)"]
    # The way out is offered: a new verification.
    assert phone.find("#again").get_attribute("href") == stack.site_url + "/ekyc/start"


def test_person_fails_once_retries_and_passes(phone, stack):
    token = tap_verify_on_the_shop(phone, stack)
    give_consent_and_start(phone)
    choose(phone, "liveness", retry=True)

    # Back on the outcome step, told what went wrong; the consent given before still holds.
    phone.wait_for_url(r"[?&]step=capture(&|$)")
    notice = phone.text("p.notice")
    assert "1005" in notice and "Liveness detection failed" in notice
    assert not phone.driver.find_elements(By.CSS_SELECTOR, "input[name=consent]")
    finish_on_the_page(phone, stack, token, "pass", "Success, tap next to continue")

    shown = verdict(phone)
    assert "passed" in classes(shown)
    rows = attempts(phone)
    assert [row[0] for row in rows] == ["1", "2"]
    assert rows[0][1] == "Liveness detection failed (code 1005)" and rows[1][1] == "Passed"


