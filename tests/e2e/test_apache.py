"""The four Apache setups of docs/OPERATIONS.md, each with the files of apache/ as the docs show
them, each through a whole verification against the sandbox: mod_proxy_fcgi to the installed
socket units, mod_fcgid and CGI through suEXEC as the service user, and a user's own
~/public_html with an .htaccess, no root needed. One Apache per setup. The two CGI setups run
the static build (scripts/build-static), as docs/OPERATIONS.md advises; the others the release
binaries."""

import os
import re
import pwd
import shlex
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from apache import APACHE, Apache, rendered
from images import JPEG
from installed import ROOT, AS_ROOT, SERVICE_GROUP, SERVICE_USER, SocketUnit, install, make_prefix, set_key, fill_config
from polling import until_final, wait_for
from sandbox import finish_on_sandbox

pytestmark = pytest.mark.skipif(not AS_ROOT, reason="Apache's workers and suEXEC need root to start them, as in production")


def configure_for_the_checks(config: Path):
    """What the checks below need beyond an admin's filled-in config: the status page, and a
    flow's Extra (the sandbox's fault injection)."""
    set_key(config, "status", "on")
    set_key(config, "allow_unsigned_extra", "true")


def installed(stack, bin_dir):
    prefix = make_prefix()
    install(stack, prefix, bin_dir=bin_dir)
    fill_config(stack, prefix)
    configure_for_the_checks(prefix / "etc/ekyc/ekyc.conf")
    return prefix


@pytest.fixture(scope="module")
def installation(stack):
    """The release binaries installed, as mod_proxy_fcgi's socket units and mod_fcgid run them."""
    prefix = installed(stack, stack.bin_dir)
    yield prefix
    shutil.rmtree(prefix)


@pytest.fixture(scope="module")
def static_installation(stack):
    """The static build installed (scripts/install --bin-dir "$(scripts/build-static)"), as the
    CGI setup runs it: a process per request, which loads no shared library."""
    prefix = installed(stack, stack.static_bin_dir)
    yield prefix
    shutil.rmtree(prefix)


@pytest.fixture(scope="module")
def scratch():
    directory = make_prefix()
    yield directory
    shutil.rmtree(directory)


def whole_flow(stack, apache, base, photo_dir, status_served=True, too_large=413):
    """start → the sandbox page → callback; an 8 MB photo; a Tencent error; the request id;
    a callback without the cookie; the status page from outside."""
    started = apache.request(base + "/start")
    assert started.status == 303, (started.body, apache.log())
    location = started.header("location")
    assert location.startswith(stack.page_url + "/reflect/?token="), location
    set_cookies = started.headers.get("set-cookie", [])
    assert len(set_cookies) == 2 and all("; Path=%s;" % base in c for c in set_cookies), set_cookies
    token = location.split("token=", 1)[1].split("&")[0]
    finish_on_sandbox(stack, token)
    done = until_final(lambda: apache.request(base + "/callback?token=" + token, cookie=started.cookies()))
    assert done.status == 200 and done.json()["status"] == "passed", done.body

    # Reached without its cookie: a 403 that says the cookie was not sent, not "another session".
    refused = apache.request(base + "/callback?token=" + token)
    assert refused.status == 403 and refused.json()["error"]["code"] == "no_session_cookie", refused.body

    # A reference photo of 8 MB as base64 (6 MB raw), uploaded as a browser form does.
    photo = photo_dir / "photo.jpg"
    photo.write_bytes(JPEG + b"\0" * (6_000_000 - len(JPEG)))
    # As a same-site form sends it: the handler checks Origin against the Host Apache passes on.
    origin = "Origin: http://127.0.0.1:%d" % apache.port
    uploaded = apache.request(base + "/start", "--form", "image=@%s;type=image/jpeg" % photo, "-H", origin)
    assert uploaded.status == 303, (uploaded.status, uploaded.body, apache.log())
    # Over 9 MB: refused by Apache, never handed to the handler (mod_fcgid's refusal is a 500).
    photo.write_bytes(JPEG + b"\0" * (10 * 1024 * 1024))
    assert apache.request(base + "/start", "--form", "image=@%s;type=image/jpeg" % photo, "-H", origin).status == too_large

    # Tencent's rate limit, answered as the handler's JSON 429 with Retry-After.
    limited = apache.request(base + "/start?extra=" + quote("sandbox-fault:apply:ratelimit"))
    assert limited.status == 429 and limited.json()["error"]["code"] == "rate_limited", limited.body
    assert limited.header("retry-after").isdigit()

    # One request, one id: Apache's UNIQUE_ID in the access log and the JSON error, whatever the client sends.
    marker = uuid.uuid4().hex
    unknown = apache.request(base + "/callback?token=" + marker, "-H", "X-Request-Id: chosen-by-client")
    assert unknown.status == 404, unknown.body
    wait_for(lambda: apache.access_ids(marker), what="Apache's access log line")  # written after the answer
    logged = apache.access_ids(marker)
    assert len(logged) == 1 and logged[0] not in ("-", "chosen-by-client"), logged
    assert unknown.json()["error"]["requestId"] == logged[0]

    if status_served:
        # The merchant's backend URLs, each at its handler (both refuse an unsigned request in their own words).
        created = apache.request("/ekyc/verifications", "--data-binary", "{}", "-H", "Content-Type: application/json")
        assert created.status == 403 and "creating a verification" in created.json()["error"]["message"], created.body
        read = apache.request("/ekyc/verifications/" + token)
        assert read.status == 403 and "reading a verification" in read.json()["error"]["message"], read.body

    # The status page: not from another address, even one of this machine's.
    assert apache.request(base + "/status", source="127.0.0.2").status == 403
    if status_served:
        status = apache.request(base + "/status")
        assert status.status == 200 and b"workers:" in status.body, status.body
        return status.body.decode()


def test_mod_proxy_fcgi_to_the_socket_units(stack, installation, scratch):
    units = installation / "etc/systemd/system"
    handlers = [SocketUnit(units / (name + ".socket"), units / (name + ".service"), scratch / (name + ".journal"))
                for name in ("ekyc-start", "ekyc-callback")]
    apache = None
    try:
        for handler in handlers:
            handler.start()
        run = str(handlers[0].path.parent) + "/"
        site = rendered("ekyc-gate-proxy-fcgi.conf", {"/run/ekyc/": run})
        (scratch / "proxy").mkdir()
        apache = Apache(scratch / "proxy", site, ["proxy", "proxy_fcgi"])
        whole_flow(stack, apache, "/ekyc", scratch / "proxy")
        # Apache's <Location> also passes /ekyc/start/ANYTHING: a path that would carry cookie
        # attributes of its own becomes the widest path, never a Domain or a broken header.
        crafted = apache.request("/ekyc/start/x%3B%20Domain=evil.example")
        assert crafted.status == 303, crafted.body
        assert [c.split("; ")[1] for c in crafted.headers.get("set-cookie", [])] == ["Path=/", "Path=/"], crafted.headers.get("set-cookie", [])
        assert not any("domain" in c.lower() for c in crafted.headers.get("set-cookie", [])), crafted.headers.get("set-cookie", [])
    finally:
        if apache:
            apache.stop()
        for handler in handlers:
            if handler.process and handler.process.poll() is None:
                handler.stop()


def suexec_wrappers(installation):
    """/var/www/ekyc-gate as the docs lay it out (suEXEC runs only programs under /var/www, owned
    by the user it runs them as), under a name of its own."""
    directory = Path("/var/www/ekyc-gate-test-" + uuid.uuid4().hex[:8])
    directory.mkdir(parents=True)
    paths = {"/usr/local/bin/": str(installation / "usr/local/bin") + "/", "/etc/ekyc/": str(installation / "etc/ekyc") + "/"}
    for name in ("ekyc-start.cgi", "ekyc-callback.cgi"):
        (directory / name).write_text(rendered(name, paths))
        (directory / name).chmod(0o755)
        shutil.chown(directory / name, SERVICE_USER, SERVICE_GROUP)
    shutil.chown(directory, SERVICE_USER, SERVICE_GROUP)
    return directory


@pytest.fixture(scope="module")
def wrappers(installation):
    directory = suexec_wrappers(installation)
    yield directory
    shutil.rmtree(directory)


@pytest.fixture(scope="module")
def cgi_wrappers(static_installation):
    directory = suexec_wrappers(static_installation)
    yield directory
    shutil.rmtree(directory)


def suexec_site(name, wrappers):
    return rendered(name, {"/var/www/ekyc-gate": str(wrappers), "SuexecUserGroup ekyc ekyc": "SuexecUserGroup %s %s" % (SERVICE_USER, SERVICE_GROUP)})


def test_mod_fcgid_through_suexec(stack, installation, wrappers, scratch):
    secret = os.stat(installation / "etc/ekyc/secret.conf")
    assert (pwd.getpwuid(secret.st_uid).pw_name, secret.st_mode & 0o777) == (SERVICE_USER, 0o600)  # not www-data's
    (scratch / "fcgid-site").mkdir()
    apache = Apache(scratch / "fcgid-site", suexec_site("ekyc-gate-fcgid.conf", wrappers), ["fcgid", "suexec"])
    try:
        status = whole_flow(stack, apache, "/ekyc", scratch / "fcgid-site", too_large=500)
        # mod_fcgid sends a process one request at a time: the wrapper starts one worker.
        assert re.search(r"^workers: +1$", status, re.M), status
    finally:
        apache.stop()


def test_cgi_through_suexec(stack, cgi_wrappers, scratch):
    (scratch / "cgi-site").mkdir()
    apache = Apache(scratch / "cgi-site", suexec_site("ekyc-gate-cgi.conf", cgi_wrappers), ["cgid", "suexec"])
    try:
        whole_flow(stack, apache, "/ekyc", scratch / "cgi-site")
    finally:
        apache.stop()


def documented_user_setup() -> str:
    """The line docs/OPERATIONS.md gives a user without root to run in the checkout."""
    operations = (ROOT / "docs/OPERATIONS.md").read_text()
    return re.search(r"and this repository's checkout:\n\n```sh\n(.*?)\n```", operations, re.S).group(1)


@pytest.fixture(scope="module")
def user_site(stack):
    """A user of the shared host with nothing but a home: the binaries, config, secret and store
    in it, the secret readable by that user alone."""
    name = "ekyc" + uuid.uuid4().hex[:8]
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", name], check=True)
    handed = Path(tempfile.mkdtemp(prefix="ekyc-handed-"))
    try:
        home = Path(pwd.getpwnam(name).pw_dir)
        # What the user is handed (the static build, which needs no library on the host, and the
        # apache/ folder), readable by them: the checkout and its build may sit in a directory
        # only root can enter.
        (handed / "bin").mkdir()
        for binary in ("ekyc-start", "ekyc-callback"):
            shutil.copy2(Path(stack.static_bin_dir, binary), handed / "bin" / binary)
        shutil.copytree(APACHE, handed / "release/apache")
        subprocess.run(["chmod", "-R", "a+rX", str(handed)], check=True)
        # The documented line, run as that user from the release it was handed, with the directory
        # `scripts/build-static` prints (test_static_build checks that it prints the tests' one)
        # in place of the command that prints it.
        line = documented_user_setup().replace('"$(scripts/build-static)"', shlex.quote(str(handed / "bin")))
        result = subprocess.run(["sh", "-euc", line], capture_output=True, text=True, timeout=60, cwd=handed / "release",
                                user=name, group=name, extra_groups=[], env={"HOME": str(home), "USER": name, "PATH": "/usr/bin:/bin"})
        assert result.returncode == 0, result.stdout + result.stderr
        config = home / "ekyc/ekyc.conf"
        for key, value in {"endpoint": stack.api_endpoint, "ca_file": stack.ca_file, "verification_origin": stack.page_url,
                           "redirect_url": stack.redirect_url}.items():
            set_key(config, key, value)
        configure_for_the_checks(config)
        secret = home / "ekyc/secret.conf"
        set_key(secret, "secret_id", stack.secret_id)
        set_key(secret, "secret_key", stack.secret_key)
        yield name, home
    finally:
        subprocess.run(["userdel", "--remove", name], capture_output=True)
        shutil.rmtree(handed, ignore_errors=True)


def test_a_users_public_html_with_htaccess_no_root(stack, user_site, scratch):
    name, home = user_site
    secret = os.stat(home / "ekyc/secret.conf")
    assert (pwd.getpwuid(secret.st_uid).pw_name, secret.st_mode & 0o777) == (name, 0o600)
    (scratch / "userdir").mkdir()
    apache = Apache(scratch / "userdir", "", ["userdir", "cgid", "suexec"], server=(APACHE / "userdir-cgi.conf").read_text())
    try:
        whole_flow(stack, apache, "/~%s/ekyc" % name, scratch / "userdir", status_served=False)
    finally:
        apache.stop()


SHOWN = ["ekyc-gate-proxy-fcgi.conf", "ekyc-start.cgi", "ekyc-gate-fcgid.conf", "ekyc-gate-cgi.conf", "userdir-cgi.conf",
         "user-setup.sh", "public_html/ekyc/.htaccess", "public_html/ekyc/start"]


def test_operations_shows_each_apache_file_as_the_tests_run_it():
    operations = (ROOT / "docs/OPERATIONS.md").read_text()
    shown = dict(re.findall(r"\(`apache/([^`]+)`\):\n\n```[a-z]*\n(.*?)```\n", operations, flags=re.S))
    assert sorted(shown) == sorted(SHOWN)
    for name, block in shown.items():
        assert block == (APACHE / name).read_text(), "docs/OPERATIONS.md shows another %s than apache/ holds" % name
    # The files the docs describe as "the same with ekyc-callback".
    start = (APACHE / "ekyc-start.cgi").read_text()
    assert (APACHE / "ekyc-callback.cgi").read_text() == start.replace("ekyc-start", "ekyc-callback").replace(
        "/ekyc/start", "/ekyc/callback and /ekyc/status")
    start = (APACHE / "public_html/ekyc/start").read_text()
    assert (APACHE / "public_html/ekyc/callback").read_text() == start.replace("ekyc-start", "ekyc-callback", 1).replace(
        "ekyc/start", "ekyc/callback", 1)
