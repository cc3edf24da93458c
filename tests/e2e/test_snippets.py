"""The link-signing snippets the README shows are files in docs/snippets/, run here with the real
interpreters (python3, php, node, sh with openssl): they agree with each other and with the
documented scheme, the README shows them byte for byte, and the running handlers accept what
they make."""

import subprocess
import time
from urllib.parse import parse_qs, urlsplit

import pytest

import links
from installed import ROOT, clean_environment
from flow import start

SNIPPETS = ROOT / "docs" / "snippets"
INTERPRETERS = {"signed-link.py": "python3", "signed-link.php": "php", "signed-link.js": "node", "signed-link.sh": "sh"}
ROUTES = {"start-link": ("/ekyc/start", "ref"), "result-read": ("/ekyc/callback", "token")}
KEY = "ekycGateDemoLinkKey0000000000000000000000000000"
EXP = 1773567000

VALUES = [
    "order-42",
    "81EEF678-28EE-4759-A82E-6CBBBE6BC442",
    "order 42/ü & exp=1&sig=0 + 100% ;#?=\"'$`\\ 日本 😀",
    "line\nbreak\tand tab\r\n",
    "-n",              # an option to echo and printf if it were not passed as data
    "%41%2",           # looks encoded already
]


def expected_sig(kind, value, exp):
    """The documented scheme (links.sign: the tests' one signer) with the example key."""
    return links.sign(KEY, kind, value, exp)


def snippet_link(snippet, kind, value, exp, key=KEY):
    result = subprocess.run([INTERPRETERS[snippet], str(SNIPPETS / snippet), kind, value, str(exp)],
                            env={**clean_environment(), "EKYC_LINK_KEY": key}, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and not result.stderr, (snippet, result.stderr)
    assert result.stdout.endswith("\n") and result.stdout.count("\n") == 1, (snippet, result.stdout)
    return result.stdout[:-1]


def parse(link):
    """(path, {name: value}) of a printed link, each name once, values percent-decoded."""
    parts = urlsplit(link)
    assert not parts.scheme and not parts.netloc and not parts.fragment, link
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert all(len(values) == 1 for values in query.values()), link
    return parts.path, {name: values[0] for name, values in query.items()}


def test_every_snippet_file_has_an_interpreter():
    assert sorted(path.name for path in SNIPPETS.glob("signed-link.*")) == sorted(INTERPRETERS)


@pytest.mark.parametrize("kind", sorted(ROUTES))
@pytest.mark.parametrize("value", VALUES)
def test_snippets_agree_with_the_scheme_and_each_other(kind, value):
    path, name = ROUTES[kind]
    for snippet in INTERPRETERS:
        link = snippet_link(snippet, kind, value, EXP)
        assert parse(link) == (path, {name: value, "exp": str(EXP), "sig": expected_sig(kind, value, EXP)}), (snippet, link)


def test_the_kinds_sign_differently():
    for snippet in INTERPRETERS:
        start_sig = parse(snippet_link(snippet, "start-link", "T", EXP))[1]["sig"]
        read_sig = parse(snippet_link(snippet, "result-read", "T", EXP))[1]["sig"]
        assert start_sig != read_sig, snippet


def test_the_shell_snippet_percent_encodes_every_byte():
    link = snippet_link("signed-link.sh", "start-link", "aZ0-~ ü", EXP)
    assert link.startswith("/ekyc/start?ref=%61%5a%30%2d%7e%20%c3%bc&exp=" + str(EXP) + "&"), link


def test_the_readme_example_signature_holds():
    readme = (ROOT / "README.md").read_text()
    example = expected_sig("start-link", "order-42", EXP)
    assert "`%s…%s`" % (example[:8], example[-6:]) in readme


def test_start_links_from_every_snippet_are_accepted(stack, browser):
    exp = int(time.time()) + 300
    for snippet in INTERPRETERS:
        ref = "order 42/ü from %s" % snippet
        answer = browser.get(stack.site_url + snippet_link(snippet, "start-link", ref, exp, key=stack.link_key), cookies=False)
        assert answer.status == 303, (snippet, answer.body)


def test_result_reads_from_every_snippet_are_accepted(stack, browser, other_browser):
    token, _ = start(stack, browser)
    exp = int(time.time()) + 300
    for snippet in INTERPRETERS:
        # No cookie: the signature alone lets the merchant's backend read.
        answer = other_browser.get(stack.site_url + snippet_link(snippet, "result-read", token, exp, key=stack.link_key), cookies=False)
        assert answer.status == 202, (snippet, answer.body)
        assert answer.json()["token"] == token
