"""A person on a phone, played by a real headless Chromium: the merchant site, its "Verify my
identity" link, the sandbox's eKYC page screen by screen, and back to the merchant's result page,
which shows the verdict it got from /ekyc/callback. Every screen is saved as a screenshot under
the run directory (screenshots/<case>-<nn>-<screen>.png). The page is also walked in each of its
languages on the narrowest phone (320x568), and its camera preview is tried with Chromium's fake
camera, without a camera API (an in-app browser), on a page that is not a secure context, and with
the camera permission denied.

Only Debian's chromium and chromium-driver are used; Selenium is never allowed to fetch a driver
or a browser of its own. Every wait is on something the page shows, never on time.
"""

import base64
import json
import os
import re
import shutil
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from links import backend_signature
from test_sdk import client as sdk_client

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844, "pixelRatio": 2, "touch": True}
# The narrowest phone still in use (iPhone SE, first generation): nothing may need sideways scrolling.
SMALL_PHONE = {"width": 320, "height": 568, "pixelRatio": 2, "touch": True}
# Chromium's stand-in camera (a moving test pattern), allowed without a permission prompt.
FAKE_CAMERA = ("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream")
# What an in-app browser without camera access looks like to a page: no navigator.mediaDevices.
NO_CAMERA_API = "delete Navigator.prototype.mediaDevices;"
PHONE_USER_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                    "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36")
# Generous: a wait ends as soon as its condition holds, this is only how long a broken flow hangs.
WAIT_SECONDS = 20


def chromium_options(screen: dict, arguments=()) -> webdriver.ChromeOptions:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.add_argument("--headless=new")
    options.add_argument("--disable-dev-shm-usage")
    options.add_argument("--no-proxy-server")
    options.add_argument("--lang=en-US")
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")
    for argument in arguments:
        options.add_argument(argument)
    # A phone: its width, pixel ratio and touch; pages get the mobile viewport (meta viewport).
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": screen, "userAgent": PHONE_USER_AGENT})
    return options


class Phone:
    """One browser (its own profile and cookies) that saves a screenshot of each screen."""

    def __init__(self, driver, shots: Path, case: str, screen: dict):
        self.driver = driver
        self.screen = screen
        self.shots = shots
        self.case = case
        self.count = 0
        self.wait = WebDriverWait(driver, WAIT_SECONDS)

    def shot(self, screen: str) -> Path:
        """The whole page at phone width, below the fold included, as one PNG."""
        self.count += 1
        path = self.shots / ("%s-%02d-%s.png" % (self.case, self.count, screen))
        width, height = self.driver.execute_script(
            "const d = document.documentElement; return [d.scrollWidth, d.scrollHeight];")
        picture = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": max(height, self.screen["height"]), "scale": 1}})
        path.write_bytes(base64.b64decode(picture["data"]))
        return path

    def find(self, css: str):
        return self.wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, css)))

    def text(self, css: str) -> str:
        return self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, css))).text

    def wait_for_url(self, pattern: str):
        self.wait.until(EC.url_matches(pattern))

    def tap(self, element):
        """Taps something that loads another page and waits until that page has loaded. The old
        page is marked first, since some steps come back to the same address. While the pages
        change, the driver may answer with an error about the old document: that means "not yet"."""
        self.driver.execute_script("window.ekycOldPage = true;")
        element.click()
        WebDriverWait(self.driver, WAIT_SECONDS, ignored_exceptions=(WebDriverException,)).until(
            lambda driver: driver.execute_script(
                "return !window.ekycOldPage && document.readyState === 'complete';"))

    def no_sideways_scroll(self):
        """Nothing on the screen is wider than the phone, and no element sticks out of it."""
        overflow = self.driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
        assert overflow <= 0, "%s is %d px wider than the phone" % (self.driver.current_url, overflow)
        sticking_out = self.driver.execute_script("""
            const width = document.documentElement.clientWidth;
            return [...document.body.querySelectorAll("*")]
                .filter((element) => element.getClientRects().length > 0)
                .filter((element) => {
                    const box = element.getBoundingClientRect();
                    return box.left < -0.5 || box.right > width + 0.5;
                })
                .map((element) => element.outerHTML.slice(0, 80));
        """)
        assert sticking_out == [], "%s: wider than the phone: %s" % (self.driver.current_url, sticking_out)


@pytest.fixture(scope="session")
def screenshots(stack) -> Path:
    directory = Path(stack.run_dir) / "screenshots"
    directory.mkdir(exist_ok=True)
    return directory


@pytest.fixture
def open_phone(request, screenshots):
    """Starts a phone: its screen, extra Chromium arguments, and a script every page gets before
    its own (to take something away from the browser). One phone per test."""
    drivers = []

    def open_phone(screen=PHONE, arguments=(), before_every_page=None) -> Phone:
        service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
        try:
            driver = webdriver.Chrome(service=service, options=chromium_options(screen, arguments))
        except WebDriverException as error:
            pytest.fail("cannot start %s through chromedriver: %s" % (CHROMIUM, error.msg))
        drivers.append(driver)
        if before_every_page:
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": before_every_page})
        case = re.sub(r"[^a-z0-9]+", "-", request.node.name.removeprefix("test_").lower()).strip("-")
        return Phone(driver, screenshots, case, screen)

    try:
        yield open_phone
    finally:
        for driver in drivers:
            driver.quit()


@pytest.fixture
def phone(open_phone):
    return open_phone()


# --- the screens, in the order a person meets them --------------------------------------------


def tap_verify_on_the_shop(phone, stack) -> str:
    """The shop's start page, then its "Verify my identity" link: /ekyc/start answers 303 to the
    eKYC page. Returns the BizToken the page was opened with."""
    phone.driver.get(stack.site_url + "/")
    phone.find("a.button[href='/ekyc/start']")
    phone.no_sideways_scroll()
    phone.shot("shop")
    phone.tap(phone.driver.find_element(By.LINK_TEXT, "Verify my identity"))
    phone.wait_for_url("^" + re.escape(stack.page_url + "/reflect/?token="))
    return re.search(r"token=([0-9A-F-]{36})", phone.driver.current_url).group(1)


def give_consent_and_start(phone, start_label="Start verification"):
    """The sandbox's start page: no start without the privacy consent, then the outcome step."""
    consent = phone.find("input[type=checkbox][name=consent]")
    start = phone.find("form[action='/reflect/'] button[type=submit]")
    assert start.text == start_label
    phone.no_sideways_scroll()
    phone.shot("start")
    assert consent.get_attribute("required") is not None and not consent.is_selected()
    # A box a finger finds, and buttons in the page's font, not the browser's default for buttons.
    assert consent.rect["width"] >= 22 and consent.rect["height"] >= 22
    assert phone.driver.execute_script(
        "return getComputedStyle(arguments[0]).fontFamily === getComputedStyle(document.body).fontFamily;", start)
    # The form cannot be sent as it is: the browser holds it back until the box is ticked.
    assert phone.driver.execute_script("return arguments[0].form.checkValidity();", consent) is False
    # The whole label ticks the box, its words included.
    phone.find("label.consent span").click()
    assert consent.is_selected()
    phone.shot("consent")
    phone.tap(start)
    phone.wait_for_url(r"[?&]step=capture(&|$)")


def choose(phone, outcome: str, retry: bool = False):
    """The tester panel (the camera step in Tencent's page): one button per outcome."""
    phone.find("button[name=outcome][value=pass]")
    phone.no_sideways_scroll()
    phone.shot("outcomes")
    form = "input[name=retry] ~ " if retry else "form:not(:has(input[name=retry])) > "
    phone.tap(phone.find(form + "button[name=outcome][value='%s']" % outcome))


def result_page_next(phone, stack, token, message=None, next_label="Next"):
    """The eKYC page's own result page; "Next" goes to RedirectURL?token=."""
    link = phone.find("a.button")
    if message is not None:
        assert phone.text("p.result") == message
    assert link.text == next_label
    phone.no_sideways_scroll()
    phone.shot("result")
    phone.tap(link)
    phone.wait_for_url("^" + re.escape(stack.redirect_url + "?token=" + token) + "$")


def verdict(phone):
    """The merchant's result page once it has a final answer from /ekyc/callback."""
    def final(driver):
        element = driver.find_element(By.ID, "verdict")
        return element if "pending" not in element.get_attribute("class").split() else False

    element = phone.wait.until(final)
    phone.no_sideways_scroll()
    phone.shot("verdict")
    return element


def attempts(phone):
    rows = phone.driver.find_elements(By.CSS_SELECTOR, "#attempts tr")
    return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in rows]


# --- the cases --------------------------------------------------------------------------------


def test_person_passes(phone, stack):
    token = tap_verify_on_the_shop(phone, stack)
    give_consent_and_start(phone)
    choose(phone, "pass")
    result_page_next(phone, stack, token, "Success, tap next to continue")

    shown = verdict(phone)
    assert "passed" in shown.get_attribute("class").split()
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
    choose(phone, "pass")
    result_page_next(phone, stack, created["id"], "Success, tap next to continue")
    shown = verdict(phone)
    assert "passed" in shown.get_attribute("class").split()

    other = open_phone()
    other.driver.get(created["handoffURL"])
    assert "link_used" in other.driver.page_source


def test_person_compared_with_an_uploaded_photo_can_mismatch(phone, stack, tmp_path):
    """The shop's "Compare with a photo" form: CheckMode 2 with the uploaded photo, so the
    sandbox offers "face mismatch" and the result page shows the similarity."""
    photo = tmp_path / "me.jpg"
    photo.write_bytes(base64.b64decode(
        "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////"
        "////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA="))
    phone.driver.get(stack.site_url + "/")
    phone.find("#image").send_keys(str(photo))
    phone.tap(phone.find("form[enctype='multipart/form-data'] button[type=submit]"))
    phone.wait_for_url("^" + re.escape(stack.page_url + "/reflect/?token="))
    token = re.search(r"token=([0-9A-F-]{36})", phone.driver.current_url).group(1)
    give_consent_and_start(phone)
    choose(phone, "mismatch")
    result_page_next(phone, stack, token, "Similarity below passing standard")

    shown = verdict(phone)
    assert "failed" in shown.get_attribute("class").split()
    assert "(code 2016)" in phone.text("#reason") and "matched the photo at" in phone.text("#reason")
    assert phone.driver.find_element(By.XPATH, "//th[.='Similarity']").is_displayed()
    similarity = float(attempts(phone)[0][2])
    assert 0 < similarity < 70


def test_person_fails_liveness(phone, stack):
    token = tap_verify_on_the_shop(phone, stack)
    give_consent_and_start(phone)
    choose(phone, "liveness")
    result_page_next(phone, stack, token, "Liveness detection failed")

    shown = verdict(phone)
    assert "failed" in shown.get_attribute("class").split()
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
    choose(phone, "pass")
    result_page_next(phone, stack, token, "Success, tap next to continue")

    shown = verdict(phone)
    assert "passed" in shown.get_attribute("class").split()
    rows = attempts(phone)
    assert [row[0] for row in rows] == ["1", "2"]
    assert rows[0][1] == "Liveness detection failed (code 1005)" and rows[1][1] == "Passed"


def apply_directly(stack, language: str, **config):
    """A flow asked for directly, as a merchant backend would, in the given Config.Language (the
    demo's handlers ask for English) and with other Config fields as given. The shop did not start
    it, so its result page refuses it."""
    from tencentcloud.faceid.v20180301 import models

    request = models.ApplyWebVerificationBizTokenIntlRequest()
    request.RedirectURL = stack.redirect_url
    request.Config = models.WebVerificationConfigIntl()
    request.Config.CheckMode = 3
    request.Config.Language = language
    for name, value in config.items():
        setattr(request.Config, name, value)
    return sdk_client(stack).ApplyWebVerificationBizTokenIntl(request)


def get_result(stack, token: str):
    from tencentcloud.faceid.v20180301 import models

    request = models.GetWebVerificationResultIntlRequest()
    request.BizToken = token
    return sdk_client(stack).GetWebVerificationResultIntl(request)


def test_page_in_simplified_chinese(phone, stack):
    applied = apply_directly(stack, "zh-cn")
    phone.driver.get(applied.VerificationURL)
    assert phone.text("h1") == "身份核验"
    assert phone.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    give_consent_and_start(phone, start_label="开始核验")
    assert phone.text("h1") == "选择结果"
    assert phone.text("#camera-button") == "打开摄像头预览"
    choose(phone, "pass")
    result_page_next(phone, stack, applied.BizToken, "核验成功，请点击下一步继续", next_label="下一步")

    shown = verdict(phone)
    assert "error" in shown.get_attribute("class").split()
    assert phone.text("#reason") == "We do not know this verification. Please start again."
    # The page speaks Chinese; the API's ErrorMsg stays Tencent's English.
    assert get_result(stack, applied.BizToken).ErrorMsg == "Success, tap next to continue"


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
    choose(phone, "pass")
    result_page_next(phone, stack, applied.BizToken, passed, next_label=next_label)

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
    choose(phone, "pass")
    result_page_next(phone, stack, token, "Success, tap next to continue")
    assert "passed" in verdict(phone).get_attribute("class").split()


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
    choose(phone, "pass")
    result_page_next(phone, stack, applied.BizToken, "Success, tap next to continue")


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
    choose(phone, "pass")
    result_page_next(phone, stack, applied.BizToken, "核验成功，请点击下一步继续", next_label="下一步")


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
    choose(phone, "pass")
    result_page_next(phone, stack, applied.BizToken, "Success, tap next to continue")


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
    choose(phone, "liveness")
    result_page_next(phone, stack, token, "Liveness detection failed")
