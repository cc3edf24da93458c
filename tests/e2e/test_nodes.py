"""Two machines behind one load balancer, sharing the Redis token store: nginx's upstream
alternates between node a and node b (separate ekyc-start/ekyc-callback processes, configs and
sockets), so a flow started on one node is read on the other. Then Redis is killed in the middle
of a load run: both handlers answer 503 with Retry-After and keep running, serve again once Redis
is back, and no token they acknowledged is lost."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from links import result_read
from polling import until_final, wait_for
from services import alive
from startload import NODE, StartLoad, request



def node_of(answer):
    """Which node answered: nginx names the upstream socket in X-EKYC-Node."""
    match = NODE.search(answer.header("x-ekyc-node") or "")
    assert match, answer.headers
    return match.group(1)


def test_a_flow_started_on_one_node_is_read_on_the_other(stack, browser):
    answer = browser.get(stack.nodes_url + "/ekyc/start")
    assert answer.status == 303, answer.body
    token = answer.query("token")
    started_on = node_of(answer)

    # Before the user finishes: the other node finds the record (202, not 404) and the session.
    seen = set()
    for _ in range(4):
        pending = browser.get(stack.nodes_url + "/ekyc/callback?token=" + token)
        assert pending.status == 202, pending.body
        assert pending.json()["status"] == "pending"
        seen.add(node_of(pending))
    assert seen == {"a", "b"}

    # The user passes on the sandbox page, which sends the browser back to the nodes' site.
    done = browser.post_form(stack.page_url + "/reflect/finish", {"token": token, "outcome": "pass"})
    assert done.status == 303, done.body
    assert done.header("location") == stack.nodes_url + "/verified.html?token=" + token
    answers = {}
    # A pending token is asked of the API at most every few seconds: the first read after the
    # user finished waits out the last pending answer's Retry-After.
    until_final(lambda: browser.get(stack.nodes_url + "/ekyc/callback?token=" + token))
    for _ in range(4):
        result = browser.get(stack.nodes_url + "/ekyc/callback?token=" + token)
        assert result.status == 200, result.body
        answers.setdefault(node_of(result), []).append(result.json())
    assert set(answers) == {"a", "b"}, "round robin reaches both nodes"
    first = answers[started_on][0]
    assert first["status"] == "passed" and first["errorCode"] == 0
    # One final result, stored once: every read on either node is the same answer.
    assert all(body == first for bodies in answers.values() for body in bodies)


def test_another_browser_is_refused_on_either_node(stack, browser, other_browser):
    answer = browser.get(stack.nodes_url + "/ekyc/start")
    token = answer.query("token")
    seen = set()
    for _ in range(4):
        refused = other_browser.get(stack.nodes_url + "/ekyc/callback?token=" + token)
        assert refused.status == 403, refused.body
        seen.add(node_of(refused))
    assert seen == {"a", "b"}


class Redis:
    """The run's redis-server: killed by its PID, started again on the same config and data."""

    def __init__(self, run_dir):
        self.run_dir = Path(run_dir)
        self.pid_file = self.run_dir / "pids" / "redis.pid"
        self.config = self.run_dir / "redis" / "redis.conf"

    def kill(self):
        pid = int(self.pid_file.read_text())
        # Only our redis-server: its process title names the run directory's config.
        assert str(self.run_dir) in Path("/proc/%d/cmdline" % pid).read_bytes().decode(errors="replace")
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: not alive(pid), 5, "redis-server to die")

    def start(self):
        log = open(self.run_dir / "logs" / "redis.log", "ab")
        process = subprocess.Popen(["redis-server", str(self.config)], stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=log, start_new_session=True)
        # scripts/test stops it by this PID at the end.
        self.pid_file.write_text("%d\n" % process.pid)


def handler_pids(run_dir):
    pids = {}
    for role in ("node-a-start", "node-a-callback", "node-b-start", "node-b-callback"):
        pids[role] = int((Path(run_dir) / "pids" / (role + ".pid")).read_text())
    return pids


def test_redis_outage_is_503_with_retry_after_then_recovery_without_losing_a_token(stack):
    redis = Redis(stack.run_dir)
    pids = handler_pids(stack.run_dir)
    status, _, body, _ = request(stack.nodes_url, "/ekyc/start", {"Accept": "application/json"})
    assert status == 200, body
    known = json.loads(body)["bizToken"]

    with StartLoad(stack.nodes_url) as load:
        time.sleep(1.5)
        killed_at = time.monotonic()
        redis.kill()
        # In-flight requests may still finish either way; from here on every answer is a 503.
        time.sleep(0.5)
        outage_from = time.monotonic()
        time.sleep(1.5)

        # Reads too: both nodes' ekyc-callback answer 503 with Retry-After, never 404 or a wrong answer.
        reads = {}
        for _ in range(6):
            status, response, body, node = request(stack.nodes_url, result_read(stack.link_key, known))
            reads.setdefault(node, []).append((status, response.getheader("Retry-After"), json.loads(body)))
        outage_to = time.monotonic()
        redis.start()
        restarted_at = time.monotonic()
        wait_for(lambda: any(answer.status == 200 for answer in load.since(restarted_at)), 10, "a start succeeds after Redis is back")
        recovered_at = time.monotonic()
        time.sleep(1.5)

    before = [answer for answer in load.answers if answer.done < killed_at]
    during = [answer for answer in load.answers if outage_from < answer.done < outage_to]
    after = [answer for answer in load.answers if answer.done > recovered_at + 0.5]
    assert before and during and after, (len(before), len(during), len(after))
    assert {answer.status for answer in before} == {200}, before
    assert {answer.status for answer in during} == {503}, during
    assert all(answer.retry_after == "2" and answer.what == "store_unavailable" for answer in during), during
    assert {answer.node for answer in during} == {"a", "b"}, "both nodes answered 503"
    assert {answer.status for answer in after} == {200}, after
    # Anything else than 200 or 503 (a 502 from nginx would mean a handler died) never happened.
    assert {answer.status for answer in load.answers} <= {200, 503}

    assert set(reads) == {"a", "b"}
    for node, answers in reads.items():
        for status, retry_after, body in answers:
            assert status == 503 and retry_after == "2", (node, status, body)
            assert body["error"]["code"] == "store_unavailable"

    # No crash: every handler process is the one that was started.
    for role, pid in pids.items():
        assert alive(pid), role + " died"
        assert stack.run_dir in Path("/proc/%d/cmdline" % pid).read_bytes().decode(errors="replace")

    # Every token acknowledged (200 with a BizToken), before the kill or after the restart, is
    # still there: found (202 pending) through either node, never 404.
    acknowledged = [known] + load.acknowledged()
    assert len(acknowledged) > 10
    for token in acknowledged:
        # Each pending read asks the API, which allows 20 calls a second: pace, and wait out a 429.
        for _ in range(5):
            time.sleep(0.07)
            status, response, body, _ = request(stack.nodes_url, result_read(stack.link_key, token))
            if status != 429:
                break
            time.sleep(float(response.getheader("Retry-After") or 1))
        assert status == 202, (token, status, body)
