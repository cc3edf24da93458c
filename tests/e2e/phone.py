"""A person's phone, played by a real headless Chromium through Selenium, and the screens of a
verification as that person meets them: the shop's "Verify my identity" link, the sandbox's eKYC
page (consent, outcome, result) and the shop's result page with its verdict. Every screen is saved
as a screenshot under the run directory (screenshots/<case>-<nn>-<screen>.png). Every wait is on
something the page shows, never on time.

Only Debian's chromium and chromium-driver are used; Selenium is never allowed to fetch a driver
or a browser of its own."""

import base64
import os
import re
import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844, "pixelRatio": 2, "touch": True}
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

    def quit(self):
        self.driver.quit()

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


def start_phone(shots: Path, case: str, screen=PHONE, arguments=(), before_every_page=None) -> Phone:
    """A phone with its screen, extra Chromium arguments, and a script every page gets before its
    own (to take something away from the browser); its screenshots are named after `case`. The
    caller quits it (Phone.quit)."""
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    try:
        driver = webdriver.Chrome(service=service, options=chromium_options(screen, arguments))
    except WebDriverException as error:
        pytest.fail("cannot start %s through chromedriver: %s" % (CHROMIUM, error.msg))
    if before_every_page:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": before_every_page})
    return Phone(driver, shots, case, screen)


def case_name(test_name: str) -> str:
    """The screenshots' prefix for a test: its name without test_, in lower-case words."""
    return re.sub(r"[^a-z0-9]+", "-", test_name.removeprefix("test_").lower()).strip("-")


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


def finish_on_the_page(phone, stack, token, outcome, message=None, next_label="Next"):
    """The outcome step (one outcome, no retry), then the eKYC page's result page back to the shop."""
    choose(phone, outcome)
    result_page_next(phone, stack, token, message, next_label)


def verdict(phone):
    """The merchant's result page once it has a final answer from /ekyc/callback."""
    def final(driver):
        element = driver.find_element(By.ID, "verdict")
        return element if "pending" not in element.get_attribute("class").split() else False

    element = phone.wait.until(final)
    phone.no_sideways_scroll()
    phone.shot("verdict")
    return element


def verify_on_the_shop(phone, stack, outcome, message):
    """The whole flow, from the shop's link to its result page, `outcome` chosen on the eKYC page
    (which shows `message`): the verdict element."""
    token = tap_verify_on_the_shop(phone, stack)
    give_consent_and_start(phone)
    finish_on_the_page(phone, stack, token, outcome, message)
    return verdict(phone)


def classes(element) -> list:
    return element.get_attribute("class").split()


def attempts(phone):
    rows = phone.driver.find_elements(By.CSS_SELECTOR, "#attempts tr")
    return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in rows]
