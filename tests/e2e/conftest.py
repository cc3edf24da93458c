"""The running stack the end-to-end tests talk to, as scripts/test describes it in the environment.

Run through scripts/test, which starts nginx, ekyc-start, ekyc-callback and ekyc-sandbox on test
ports and exports where they are. Without that environment the run stops with a usage error:
these tests never skip.
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from curlclient import Curl
from installed import make_prefix

ENVIRONMENT = {
    "site_url": "EKYC_SITE_URL",          # merchant site, e.g. http://localhost:18080
    "page_url": "EKYC_PAGE_URL",          # sandbox eKYC page origin, e.g. http://localhost:18081
    "api_endpoint": "EKYC_API_ENDPOINT",  # sandbox API host:port (TLS), e.g. localhost:18443
    "ca_file": "EKYC_CA_FILE",            # the demo CA that signed the API's certificate
    "secret_id": "EKYC_SECRET_ID",
    "secret_key": "EKYC_SECRET_KEY",
    "link_key": "EKYC_LINK_KEY",          # key of signed start links
    "run_dir": "EKYC_RUN_DIR",            # the stack's run directory; the browser test's screenshots go here
    "bin_dir": "EKYC_BIN_DIR",            # the release binaries the stack runs (scripts/install installs them)
    "static_bin_dir": "EKYC_STATIC_BIN_DIR",  # the static build (scripts/build-static), what the CGI setups run
    "nodes_url": "EKYC_NODES_URL",        # two handler nodes sharing Redis behind one nginx upstream
    "webhook_receiver": "EKYC_WEBHOOK_RECEIVER",  # the demo shop's webhook receiver, e.g. http://127.0.0.1:18083
    "webhook_key": "EKYC_WEBHOOK_KEY",    # the key the stack signs webhooks with
}


@dataclass(frozen=True)
class Stack:
    site_url: str
    page_url: str
    api_endpoint: str
    ca_file: str
    secret_id: str
    secret_key: str
    link_key: str
    run_dir: str
    bin_dir: str
    static_bin_dir: str
    nodes_url: str
    webhook_receiver: str
    webhook_key: str

    @property
    def redirect_url(self) -> str:
        return self.site_url + "/verified.html"


def pytest_configure(config):
    config.addinivalue_line("markers", "last: run after every other test (reads what they left behind)")
    missing = [name for name in ENVIRONMENT.values() if not os.environ.get(name)]
    if missing:
        raise pytest.UsageError(
            "tests/e2e need a running stack; run them with scripts/test (missing: %s)" % ", ".join(missing))


@pytest.fixture(scope="session")
def stack() -> Stack:
    return Stack(**{field: os.environ[name] for field, name in ENVIRONMENT.items()})


@pytest.fixture
def browser(tmp_path_factory) -> Curl:
    """A browser stand-in: the real curl binary with its own cookie jar."""
    return Curl(tmp_path_factory.mktemp("browser"))


@pytest.fixture
def other_browser(tmp_path_factory) -> Curl:
    return Curl(tmp_path_factory.mktemp("other-browser"))


@pytest.fixture
def scratch():
    """A fresh, world-traversable directory under /tmp (a service user must reach the files
    inside), removed after the test."""
    directory = make_prefix()
    yield directory
    shutil.rmtree(directory)


@pytest.fixture(scope="session")
def screenshots(stack) -> Path:
    """Where the browser tests save a screenshot of every screen (under the run directory)."""
    directory = Path(stack.run_dir) / "screenshots"
    directory.mkdir(exist_ok=True)
    return directory


@pytest.fixture
def open_phone(request, screenshots):
    """open_phone(screen, arguments, before_every_page) starts a phone: a headless Chromium of its
    own (phone.start_phone). Each is quit after the test."""
    from phone import case_name, start_phone  # Selenium, only where a test drives a browser

    phones = []

    def open_phone(*args, **kwargs):
        phones.append(start_phone(screenshots, case_name(request.node.name), *args, **kwargs))
        return phones[-1]

    try:
        yield open_phone
    finally:
        for phone in phones:
            phone.quit()


@pytest.fixture
def phone(open_phone):
    """One phone of the usual size."""
    return open_phone()


def pytest_collection_modifyitems(items):
    """The log audit reads what every other test made the stack write, so it runs last."""
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)
