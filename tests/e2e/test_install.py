"""scripts/install and scripts/uninstall into a temporary prefix: idempotence, the units as
systemd-analyze sees them, the installed config refusing to start until the admin fills it in, and
uninstall keeping the data unless asked."""

import os
import stat
import subprocess

import pytest

from installed import (AS_ROOT, NGINX_USER, SERVICE_GROUP, SERVICE_USER, fill_config, install,
                       run_as_service_user, run_script, set_key, tree, unit)

UNITS = ["ekyc-start.socket", "ekyc-start.service", "ekyc-callback.socket", "ekyc-callback.service",
         "ekyc-sweep.service", "ekyc-sweep.timer", "ekyc-reconcile.service", "ekyc-reconcile.timer",
         "ekyc-deliver.service"]


@pytest.fixture
def prefix(scratch):
    """The prefix each test installs into."""
    return scratch


def test_dry_run_changes_nothing(stack, prefix):
    result = install(stack, prefix, "--dry-run")
    assert "would install %s/usr/local/bin/ekyc-start" % prefix in result.stdout
    assert "would create directory %s/var/lib/ekyc (0750 %s:%s)" % (prefix, SERVICE_USER, SERVICE_GROUP) in result.stdout
    assert "would install %s/etc/ekyc/secret.conf (0600 %s:%s)" % (prefix, SERVICE_USER, SERVICE_GROUP) in result.stdout
    assert list(prefix.iterdir()) == []


def test_second_install_changes_nothing(stack, prefix):
    first = install(stack, prefix)
    assert "change(s) made" in first.stdout
    before = tree(prefix)
    second = install(stack, prefix)
    assert "nothing to change" in second.stdout, second.stdout
    assert not any(line.startswith("install: install ") or line.startswith("install: update ")
                   for line in second.stdout.splitlines())
    assert tree(prefix) == before


def test_layout_modes_and_owners(stack, prefix):
    install(stack, prefix)
    for name in ("ekyc-start", "ekyc-callback"):
        assert os.access(prefix / "usr/local/bin" / name, os.X_OK)
    secret = (prefix / "etc/ekyc/secret.conf").stat()
    assert stat.S_IMODE(secret.st_mode) == 0o600
    assert stat.S_IMODE((prefix / "etc/ekyc/ekyc.conf").stat().st_mode) == 0o640
    assert stat.S_IMODE((prefix / "var/lib/ekyc/tokens").stat().st_mode) == 0o700
    # Every location that passes to a handler keeps its connections.
    snippet = (prefix / "etc/nginx/snippets/ekyc-gate.conf").read_text()
    assert snippet.count("fastcgi_keep_conn on;") == snippet.count("fastcgi_pass ") > 0
    assert (prefix / "etc/nginx/conf.d/ekyc-gate-upstreams.conf").read_text().count("server unix:%s/run/ekyc/" % prefix) == 2
    assert unit(prefix / "etc/systemd/system/ekyc-start.service")["Group"] == [SERVICE_GROUP]
    if AS_ROOT:
        import pwd
        assert pwd.getpwuid(secret.st_uid).pw_name == SERVICE_USER
        assert pwd.getpwuid((prefix / "var/lib/ekyc/tokens").stat().st_uid).pw_name == SERVICE_USER
    config = (prefix / "etc/ekyc/ekyc.conf").read_text()
    for production in ("cookie_secure = true", "allow_unsigned_extra = false",
                       "store = file:%s/var/lib/ekyc/tokens" % prefix, "secret_file = %s/etc/ekyc/secret.conf" % prefix):
        assert "\n" + production + "\n" in config


def test_edited_config_and_secret_are_never_overwritten(stack, prefix):
    install(stack, prefix)
    fill_config(stack, prefix)
    edited = {name: (prefix / "etc/ekyc" / name).read_text() for name in ("ekyc.conf", "secret.conf")}
    result = install(stack, prefix)
    assert "kept %s/etc/ekyc/ekyc.conf" % prefix in result.stdout
    assert {name: (prefix / "etc/ekyc" / name).read_text() for name in edited} == edited


def test_units_pass_systemd_analyze_verify(stack, prefix):
    # The default service user, as on a real install; verify needs the ExecStart binaries to exist,
    # and they do, in the prefix.
    install(stack, prefix, user="ekyc")
    units = prefix / "etc/systemd/system"
    result = subprocess.run(["systemd-analyze", "verify", *[str(units / name) for name in UNITS]],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), result.stdout + result.stderr

    socket = unit(units / "ekyc-start.socket")
    assert socket["ListenStream"] == ["%s/run/ekyc/start.sock" % prefix]
    assert socket["SocketMode"] == ["0660"] and socket["SocketUser"] == [NGINX_USER]
    service = unit(units / "ekyc-callback.service")
    assert service["ExecStart"] == ["%s/usr/local/bin/ekyc-callback --config %s/etc/ekyc/ekyc.conf" % (prefix, prefix)]
    assert service["StandardInput"] == ["socket"] and service["StandardError"] == ["journal"]
    assert service["User"] == ["ekyc"] and service["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    for hardening in (("ProtectSystem", "strict"), ("NoNewPrivileges", "yes"), ("PrivateTmp", "yes"),
                      ("ReadWritePaths", "%s/var/lib/ekyc" % prefix)):
        assert service[hardening[0]] == [hardening[1]]
    assert unit(units / "ekyc-sweep.timer")["OnCalendar"] == ["hourly"]
    reconcile = unit(units / "ekyc-reconcile.service")
    assert reconcile["ExecStart"] == ["%s/usr/local/bin/ekyc-start reconcile --once --config %s/etc/ekyc/ekyc.conf" % (prefix, prefix)]
    assert reconcile["Type"] == ["oneshot"] and reconcile["User"] == ["ekyc"]
    assert reconcile["ReadWritePaths"] == ["%s/var/lib/ekyc" % prefix]
    assert unit(units / "ekyc-reconcile.timer")["OnCalendar"] == ["minutely"]
    deliver = unit(units / "ekyc-deliver.service")
    assert deliver["ExecStart"] == ["%s/usr/local/bin/ekyc-start deliver --config %s/etc/ekyc/ekyc.conf" % (prefix, prefix)]
    assert deliver["User"] == ["ekyc"] and deliver["ReadWritePaths"] == ["%s/var/lib/ekyc" % prefix]
    # systemd's own rating of the sandboxing: "OK" or better (under 4.0 of 10).
    for name in ("ekyc-start.service", "ekyc-reconcile.service"):
        security = subprocess.run(["systemd-analyze", "security", "--offline=true", "--threshold=40", "--no-pager",
                                   str(units / name)], capture_output=True, text=True, timeout=60)
        assert security.returncode == 0, name + ": " + security.stdout[-400:]


def check_config(prefix, *options):
    return run_as_service_user([str(prefix / "usr/local/bin/ekyc-start"), "--config", str(prefix / "etc/ekyc/ekyc.conf"),
                                "--check-config", *options])


def test_installed_config_refuses_until_filled_in(stack, prefix):
    install(stack, prefix)
    secret = prefix / "etc/ekyc/secret.conf"
    first = check_config(prefix)
    said = first.stdout + first.stderr
    assert first.returncode == 1 and "secret_id" in said and str(secret) in said, said

    set_key(secret, "secret_id", stack.secret_id)
    set_key(secret, "secret_key", stack.secret_key)
    second = check_config(prefix)
    assert second.returncode == 1 and "redirect_url" in second.stdout + second.stderr, second.stdout + second.stderr

    fill_config(stack, prefix)
    third = check_config(prefix, "--online")
    assert third.returncode == 0, third.stdout + third.stderr
    assert "configuration check is successful" in third.stdout

    # A secret file other users can read stops the handlers, with the fix in the message.
    secret.chmod(0o644)
    refused = check_config(prefix)
    assert refused.returncode == 1 and "chmod 600" in refused.stdout + refused.stderr


def test_every_commented_default_is_valid(stack, prefix):
    """Uncommenting any `# key = value` line of the installed config keeps it valid."""
    install(stack, prefix)
    fill_config(stack, prefix)
    set_key(prefix / "etc/ekyc/secret.conf", "link_key", stack.link_key)
    # webhook_url, once uncommented, needs the key its comment asks for.
    set_key(prefix / "etc/ekyc/secret.conf", "webhook_key", stack.webhook_key)
    config = prefix / "etc/ekyc/ekyc.conf"
    lines = []
    for line in config.read_text().splitlines():
        if line.startswith("# ") and " = " in line and line[2:].split(" = ")[0].isidentifier():
            line = line[2:]
        lines.append(line)
    config.write_text("\n".join(lines) + "\n")
    result = check_config(prefix)
    assert result.returncode == 0, result.stdout + result.stderr


def files(prefix):
    return sorted(str(path.relative_to(prefix)) for path in prefix.rglob("*") if not path.is_dir())


def test_uninstall_keeps_config_and_data_unless_purged(stack, prefix):
    install(stack, prefix)
    (prefix / "var/lib/ekyc/tokens/record").write_text("{}")
    removed = run_script("uninstall", prefix)
    assert files(prefix) == ["etc/ekyc/ekyc.conf", "etc/ekyc/secret.conf", "var/lib/ekyc/tokens/record"], removed.stdout
    assert not (prefix / "run/ekyc").exists()
    assert "nothing to remove" in run_script("uninstall", prefix).stdout

    run_script("uninstall", prefix, "--purge", "--user", SERVICE_USER)
    assert files(prefix) == [] and not (prefix / "etc/ekyc").exists() and not (prefix / "var/lib/ekyc").exists()


def test_uninstall_keeps_a_snippet_nginx_still_includes(stack, prefix):
    install(stack, prefix)
    site = prefix / "etc/nginx/sites-enabled/shop"
    site.parent.mkdir(parents=True)
    site.write_text("server {\n    include snippets/ekyc-gate.conf;\n}\n")
    result = run_script("uninstall", prefix)
    assert (prefix / "etc/nginx/snippets/ekyc-gate.conf").exists()
    assert (prefix / "etc/nginx/conf.d/ekyc-gate-upstreams.conf").exists()
    assert "still included by %s" % site in result.stdout
    assert not (prefix / "usr/local/bin/ekyc-start").exists()
    site.unlink()
    run_script("uninstall", prefix)
    assert not (prefix / "etc/nginx/snippets/ekyc-gate.conf").exists()
    assert not (prefix / "etc/nginx/conf.d/ekyc-gate-upstreams.conf").exists()

