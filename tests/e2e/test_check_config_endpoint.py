"""--check-config with the real binary: it says when the signed API calls go to a host that is
not Tencent Cloud's, and still passes, since the demo and the tests rightly use the sandbox."""

import subprocess
from pathlib import Path

from cgirun import config_with
from installed import clean_environment


def handler_config(stack, directory: Path, **settings) -> Path:
    """The stack's handler config with a store of its own, so the check's probe stays apart."""
    return config_with(stack, directory, **{"store": "file:%s" % (directory / "tokens"), **settings})


def check_config(stack, config: Path, *options) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(stack.bin_dir, "ekyc-start")), "--config", str(config), "--check-config", *options],
                          capture_output=True, text=True, timeout=60, env=clean_environment(), stdin=subprocess.DEVNULL)


def test_check_config_warns_about_an_endpoint_that_is_not_tencent(stack, tmp_path):
    online = check_config(stack, handler_config(stack, tmp_path), "--online")
    assert online.returncode == 0, online.stdout + online.stderr
    warnings = [line for line in online.stdout.splitlines() if "warning" in line]
    assert len(warnings) == 1, online.stdout
    assert stack.api_endpoint in warnings[0] and "tencentcloudapi.com" in warnings[0] and "signed" in warnings[0]
    assert stack.secret_key not in online.stdout
    assert online.stdout.rstrip().endswith("configuration check is successful")


def test_check_config_is_quiet_about_tencents_own_endpoint(stack, tmp_path):
    # Offline only: the check must not call the real Tencent Cloud from a test.
    official = check_config(stack, handler_config(stack, tmp_path, endpoint="faceid.intl.tencentcloudapi.com"))
    assert official.returncode == 0, official.stdout + official.stderr
    assert "warning" not in official.stdout
