"""The stack's own ekyc-start binary run once as plain CGI with a changed copy of the stack's
config: how a test puts one request through a configuration the running stack does not have."""

import json
import re
from pathlib import Path

from installed import run_cgi


def config_with(stack, directory: Path, drop=(), **settings) -> Path:
    """A copy of the stack's ekyc.conf in `directory` with each `key=value` of `settings` in
    place of that key's line, or added when the file has none, and each key in `drop` removed."""
    config = Path(stack.run_dir, "ekyc.conf").read_text()
    store = str(settings.get("store", ""))
    if store.startswith("file:") and settings.get("store_create") is None:
        # As an admin (or scripts/install) would: the handlers do not create a missing store.
        Path(store[5:]).mkdir(mode=0o700, parents=True, exist_ok=True)
    for key, value in settings.items():
        config, count = re.subn(r"(?m)^%s = .*$" % key, "%s = %s" % (key, value), config)
        if not count:
            config += "%s = %s\n" % (key, value)
    for key in drop:
        config = re.sub(r"(?m)^%s = .*\n" % key, "", config)
    path = directory / "ekyc.conf"
    path.write_text(config)
    return path


def start_as_cgi(stack, directory: Path, env=None, drop=(), **settings):
    """GET /ekyc/start through the binary as CGI, with `settings` changed and `drop` removed in
    the stack's config (see config_with) and `env` added to the environment. Returns (head, JSON
    body or None)."""
    path = config_with(stack, directory, drop=drop, **settings)
    answer = run_cgi([str(Path(stack.bin_dir, "ekyc-start"))], "/ekyc/start", EKYC_CONFIG=str(path), **(env or {}))
    head, _, body = answer.stdout.partition(b"\r\n\r\n")
    return head, (json.loads(body) if body.startswith(b"{") else None)
