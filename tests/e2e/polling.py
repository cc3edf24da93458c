"""Waiting on something a test cannot be told about, by asking again: `wait_for` any condition,
`until_final` a result as the merchant's page polls it (while the answer is 202, pending, wait what
its Retry-After says and ask again). A pending token is asked of the API at most once per
`pending_recheck`, so an answer right after the user finished may still be the last pending one."""

import time


def wait_for(condition, seconds=10.0, what="condition"):
    """Calls condition() until it is true; fails the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up after %g s waiting for %s" % (seconds, what)
        time.sleep(0.05)


def until_final(fetch, seconds=15.0):
    """Calls fetch() until its answer is not 202; returns that answer."""
    deadline = time.monotonic() + seconds
    while True:
        answer = fetch()
        if answer.status != 202:
            return answer
        assert time.monotonic() < deadline, "still pending after %.0f s" % seconds
        time.sleep(min(float(answer.header("retry-after") or 1), 5.0))
