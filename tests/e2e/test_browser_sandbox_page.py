"""The sandbox's eKYC page on its own, in a real headless Chromium (phone.py): in each of its
languages, on the narrowest phone (320x568) without sideways scrolling, and its camera preview with
Chromium's fake camera, without a camera API (an in-app browser), on a page that is not a secure
context, and with the camera permission denied. Every screen is saved as a screenshot under the run
directory."""

from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By

from phone import choose, classes, finish_on_the_page, give_consent_and_start, tap_verify_on_the_shop, verdict
from tencent_sdk import apply, client, get

# The narrowest phone still in use (iPhone SE, first generation): nothing may need sideways scrolling.
SMALL_PHONE = {"width": 320, "height": 568, "pixelRatio": 2, "touch": True}
# Chromium's stand-in camera (a moving test pattern), allowed without a permission prompt.
FAKE_CAMERA = ("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream")
# What an in-app browser without camera access looks like to a page: no navigator.mediaDevices.
NO_CAMERA_API = "delete Navigator.prototype.mediaDevices;"


def apply_directly(stack, language: str, **config):
    """A flow asked for directly, as a merchant backend would, in the given Config.Language (the
    demo's handlers ask for English) and with other Config fields as given. The shop did not start
    it, so its result page refuses it."""
    return apply(client(stack), stack, Language=language, **config)


def test_page_in_simplified_chinese(phone, stack):
    applied = apply_directly(stack, "zh-cn")
    phone.driver.get(applied.VerificationURL)
    assert phone.text("h1") == "身份核验"
    assert phone.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    give_consent_and_start(phone, start_label="开始核验")
    assert phone.text("h1") == "选择结果"
    assert phone.text("#camera-button") == "打开摄像头预览"
    finish_on_the_page(phone, stack, applied.BizToken, "pass", "核验成功，请点击下一步继续", next_label="下一步")

    shown = verdict(phone)
    assert "error" in classes(shown)
    assert phone.text("#reason") == "We do not know this verification. Please start again."
    # The page speaks Chinese; the API's ErrorMsg stays Tencent's English.
    assert get(client(stack), applied.BizToken).ErrorMsg == "Success, tap next to continue"


# Each language on the narrowest phone: a failed attempt, its notice, then a pass.
SMALL_PHONE_TEXTS = {
    "en": ("Start verification", "Liveness detection failed", "Success, tap next to continue", "Next",
           "Verification already completed"),
    "zh-cn": ("开始核验", "活体检测未通过", "核验成功，请点击下一步继续", "下一步", "核验已完成"),
    "zh-tc": ("開始驗證", "活體檢測未通過", "驗證成功，請點選下一步繼續", "下一步", "驗證已完成"),
}


@pytest.mark.parametrize("language", SMALL_PHONE_TEXTS)
def test_small_phone(open_phone, stack, language):
    phone = open_phone(SMALL_PHONE, arguments=FAKE_CAMERA)
    start, failed, passed, next_label, completed = SMALL_PHONE_TEXTS[language]
    applied = apply_directly(stack, language)
    phone.driver.get(applied.VerificationURL)
    give_consent_and_start(phone, start_label=start)
    choose(phone, "liveness", retry=True)
    notice = phone.text("p.notice")
    assert "1005" in notice and failed in notice
    if language != "en":
        assert "：" in notice and ": " not in notice
    turn_on_camera(phone)
    phone.no_sideways_scroll()
    phone.shot("camera")
    finish_on_the_page(phone, stack, applied.BizToken, "pass", passed, next_label=next_label)

    # The link once more: the flow is over, and the refusal is in the flow's language too.
    phone.driver.get(applied.VerificationURL)
    assert phone.text("p.result") == completed
    phone.no_sideways_scroll()
    phone.shot("completed")


# --- the camera preview -----------------------------------------------------------------------

PREVIEW_PLAYING = """
    const video = document.getElementById("camera-preview");
    return !video.hidden && !video.paused && video.readyState >= 2 && video.videoWidth > 0;
"""


def turn_on_camera(phone):
    phone.find("#camera-button").click()
    phone.wait.until(lambda driver: driver.execute_script(PREVIEW_PLAYING))


def test_camera_preview(open_phone, stack):
    """Chromium's fake camera stands in for the phone's front camera: a tap starts the preview,
    mirrored; turning it off or choosing an outcome stops the camera."""
    phone = open_phone(arguments=FAKE_CAMERA)
    token = tap_verify_on_the_shop(phone, stack)
    give_consent_and_start(phone)
    video = phone.driver.find_element(By.ID, "camera-preview")
    assert not video.is_displayed(), "the camera starts only when asked"
    assert video.get_attribute("muted") is not None and video.get_attribute("playsinline") is not None
    button = phone.find("#camera-button")
    assert button.text == "Turn on camera preview"
    button.click()
    phone.wait.until(lambda driver: driver.execute_script(PREVIEW_PLAYING))
    assert button.text == "Turn off camera preview"
    assert phone.driver.execute_script("return getComputedStyle(arguments[0]).transform;", video).startswith("matrix(-1,")
    assert "no picture or video leaves the browser" in phone.text(".camera-note")
    phone.no_sideways_scroll()
    phone.shot("camera")

    # Off, then on again.
    button.click()
    phone.wait.until(lambda driver: driver.execute_script(
        "return document.getElementById('camera-preview').srcObject === null;"))
    assert not video.is_displayed() and button.text == "Turn on camera preview"
    button.click()
    phone.wait.until(lambda driver: driver.execute_script(PREVIEW_PLAYING))

    # Choosing an outcome stops the camera before the page goes. The submission is held back once
    # (a listener of the test's, which runs before the page's) so the tracks can be looked at.
    states = phone.driver.execute_script("""
        const tracks = document.getElementById("camera-preview").srcObject.getTracks();
        const pass = document.querySelector("button[name=outcome][value=pass]");
        pass.form.addEventListener("submit", (event) => event.preventDefault(), {once: true});
        pass.click();
        return tracks.map((track) => track.readyState);
    """)
    assert states == ["ended"]
    finish_on_the_page(phone, stack, token, "pass", "Success, tap next to continue")
    assert "passed" in classes(verdict(phone))


def test_camera_waits_for_the_consent(open_phone, stack):
    """With AutoSkipStartPage the consent box sits on the outcome step: the camera button does
    nothing until it is ticked."""
    phone = open_phone(arguments=FAKE_CAMERA)
    applied = apply_directly(stack, "en", AutoSkipStartPage=True)
    phone.driver.get(applied.VerificationURL)
    consent = phone.find("input[type=checkbox][name=consent]")
    # The box belongs to the outcome form: no outcome without it.
    assert phone.driver.execute_script("return arguments[0].form.checkValidity();", consent) is False
    # Each time the page asks for the camera is counted.
    phone.driver.execute_script("""
        const devices = navigator.mediaDevices, ask = devices.getUserMedia.bind(devices);
        window.ekycCameraAsks = 0;
        devices.getUserMedia = (constraints) => { window.ekycCameraAsks += 1; return ask(constraints); };
    """)
    phone.find("#camera-button").click()
    assert phone.driver.execute_script("return window.ekycCameraAsks;") == 0
    assert not phone.driver.find_element(By.ID, "camera-preview").is_displayed()
    consent.click()
    turn_on_camera(phone)
    assert phone.driver.execute_script("return window.ekycCameraAsks;") == 1
    phone.no_sideways_scroll()
    phone.shot("camera")
    finish_on_the_page(phone, stack, applied.BizToken, "pass", "Success, tap next to continue")


def test_camera_unavailable(open_phone, stack):
    """A browser without camera access (an in-app browser): the page says why, in its language,
    and the outcomes work as before."""
    phone = open_phone(before_every_page=NO_CAMERA_API)
    applied = apply_directly(stack, "zh-cn")
    phone.driver.get(applied.VerificationURL)
    give_consent_and_start(phone, start_label="开始核验")
    assert phone.driver.execute_script("return navigator.mediaDevices === undefined;")
    message = phone.text("#camera-message")
    assert message.startswith("此浏览器不允许在这里使用摄像头") and "您仍可在下方选择结果" in message
    assert not phone.driver.find_element(By.ID, "camera-button").is_displayed()
    finish_on_the_page(phone, stack, applied.BizToken, "pass", "核验成功，请点击下一步继续", next_label="下一步")


def test_camera_needs_a_secure_page(open_phone, stack):
    """The page opened over plain http under a name other than localhost (a phone on the LAN):
    browsers offer no camera there, and the page says so."""
    page = urlsplit(stack.page_url)
    phone = open_phone(arguments=FAKE_CAMERA + ("--host-resolver-rules=MAP sandbox.test %s" % page.hostname,))
    applied = apply_directly(stack, "en")
    phone.driver.get(applied.VerificationURL.replace(page.netloc, "sandbox.test:%d" % page.port, 1))
    give_consent_and_start(phone)
    assert phone.driver.execute_script("return window.isSecureContext;") is False
    assert phone.text("#camera-message").startswith("The camera is only available on secure pages (https or localhost)")
    assert not phone.driver.find_element(By.ID, "camera-button").is_displayed()
    phone.no_sideways_scroll()
    phone.shot("insecure")
    finish_on_the_page(phone, stack, applied.BizToken, "pass", "Success, tap next to continue")


def test_camera_denied(open_phone, stack):
    """The person says no to the camera: the page says so and the outcomes still work."""
    phone = open_phone(arguments=("--use-fake-device-for-media-stream",))
    token = tap_verify_on_the_shop(phone, stack)
    give_consent_and_start(phone)
    phone.driver.execute_cdp_cmd("Browser.setPermission", {
        "permission": {"name": "camera"}, "setting": "denied", "origin": stack.page_url})
    phone.find("#camera-button").click()
    assert phone.text("#camera-message").startswith("Camera access was denied.")
    assert not phone.driver.find_element(By.ID, "camera-preview").is_displayed()
    phone.no_sideways_scroll()
    phone.shot("denied")
    finish_on_the_page(phone, stack, token, "liveness", "Liveness detection failed")
