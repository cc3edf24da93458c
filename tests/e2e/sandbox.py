"""What a tester does to the sandbox besides the API: the tap on its page that finishes a flow,
without a browser, and its time travel."""

import http.client
import subprocess
from urllib.parse import urlencode, urlsplit


def finish_on_sandbox(stack, token, outcome="pass"):
    """What the tester's tap on the sandbox page sends; its answer is a 303 back to the shop."""
    page = urlsplit(stack.page_url)
    connection = http.client.HTTPConnection(page.hostname, page.port, timeout=20)
    try:
        connection.request("POST", "/reflect/finish", body=urlencode({"token": token, "outcome": outcome}),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        assert response.status == 303, response.status
    finally:
        connection.close()


def age(stack, token, seconds):
    """The sandbox's time travel: moves the flow `seconds` into the past."""
    answer = subprocess.run(["curl", "--silent", "--show-error", "--cacert", stack.ca_file, "--write-out", "%{http_code}",
                             "--output", "/dev/null", "--data", "token=%s&seconds=%d" % (token, seconds),
                             "https://%s/sandbox/age" % stack.api_endpoint], check=True, capture_output=True, text=True)
    assert answer.stdout == "204"
