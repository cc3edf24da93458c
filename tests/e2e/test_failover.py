"""The Redis store across a Sentinel failover, through real parts: a primary, two replicas and
three Sentinels (quorum 2) started here on free loopback ports; two handler nodes behind one
nginx upstream, configured with the Sentinels and `redis_replicas = 1`.

- With no replica acknowledging, a start is refused: 503 store_unavailable with Retry-After,
  logged with the WAIT that fell short; once the replicas are back, starts succeed again.
- Under load, the primary is killed (SIGKILL): the Sentinels promote a replica, the handlers find
  it, and every start that was acknowledged (200 with a BizToken) is on the new primary: none
  lost. EKYC_FAILOVER_KILLS kills in a row (1 here; scripts/failover runs 10), the old primary
  rejoining as a replica between kills; the recovery times go to EKYC_FAILOVER_REPORT if set.
"""

import json
import os
import time
from pathlib import Path

import pytest

from failover import Cluster
from startload import StartLoad, request
from links import result_read


@pytest.fixture(scope="module")
def cluster(stack):
    directory = Path(stack.run_dir) / "failover"
    parts = Cluster(stack, directory)
    try:
        parts.start()
        yield parts
    finally:
        parts.stop()


def start(cluster):
    status, response, body, _ = request(cluster.url, "/ekyc/start", {"Accept": "application/json"})
    return status, (response.getheader("Retry-After") if response else None), json.loads(body or b"{}")


def handler_logs(cluster):
    return "".join(path.read_text(errors="replace") for path in (cluster.dir / "logs").glob("node-*-start.out"))


def test_deployment_doc_shows_the_tested_config_files():
    """The Sentinel and node configs in docs/DEPLOYMENT.md are the files this test runs."""
    root = Path(__file__).resolve().parents[2]
    doc = (root / "docs" / "DEPLOYMENT.md").read_text()
    for name in ("redis-sentinel.conf", "ekyc-redis-sentinel.conf"):
        assert "```\n" + (root / "docs" / "config" / name).read_text() + "```\n" in doc, name


def test_a_start_no_replica_acknowledges_is_refused(cluster):
    status, _, body = start(cluster)
    assert status == 200, body
    master = cluster.master_port()
    replicas = [port for port in cluster.redis_ports if port != master]
    for port in replicas:
        cluster.kill_redis(port)

    for _ in range(4):   # both nodes
        status, retry_after, body = start(cluster)
        assert status == 503 and retry_after == "2", (status, body)
        assert body["error"]["code"] == "store_unavailable"
    logs = handler_logs(cluster)
    assert "event=store_error" in logs and "WAIT" in logs and "0 of the 1 replicas" in logs

    for port in replicas:
        cluster.start_redis(port)
    cluster.wait(lambda: cluster.replicas_ready(master), 60, "the replicas are back")
    status, _, body = start(cluster)
    assert status == 200, body


def settled_master(cluster, when):
    """The master once every replica follows it and every Sentinel agrees. Asked again on each
    try: on a loaded machine the Sentinels may fail over once more on their own (a master that
    answers no PING for down-after-milliseconds is down to them), which is their job, not a loss."""
    asked = {}

    def settled():
        asked["master"] = cluster.master_port()
        return cluster.replicas_ready(asked["master"])

    cluster.wait(settled, 90, "replicas in sync " + when)
    return asked["master"]


def test_primary_killed_under_load_loses_no_acknowledged_start(cluster, stack):
    kills = int(os.environ.get("EKYC_FAILOVER_KILLS", "1"))
    rounds = []
    with StartLoad(cluster.url) as load:
        for number in range(1, kills + 1):
            master = settled_master(cluster, "before kill %d" % number)
            time.sleep(1.0)
            killed_at = time.monotonic()
            cluster.kill_redis(master)
            promoted_at = cluster.wait(lambda: all(cluster.master_port(s) not in (None, master) for s in cluster.sentinel_ports),
                                       60, "the Sentinels promote a replica after kill %d" % number)
            recovered_at = cluster.wait(lambda: load.first_success_sent_after(killed_at) is not None, 60,
                                        "a start succeeds after kill %d" % number)
            recovered_at = load.first_success_sent_after(killed_at)
            # The old primary comes back (as systemd would restart it); the Sentinels make it a
            # replica of the new one, which the next round waits for.
            cluster.start_redis(master)
            rounds.append({"kill": number, "killed": master, "promoted": cluster.master_port(),
                           "failover_s": round(promoted_at - killed_at, 2), "recovery_s": round(recovered_at - killed_at, 2)})
            print("failover: kill %(kill)d of :%(killed)d, :%(promoted)d promoted after %(failover_s).2f s, "
                  "first acknowledged start after %(recovery_s).2f s" % rounds[-1])
        master = settled_master(cluster, "after the last kill")
        time.sleep(1.0)

    answers = load.answers
    statuses = {answer.status for answer in answers}
    # Only success or the documented refusal: never a 502 (a dead handler) or a wrong answer.
    assert statuses <= {200, 503}, statuses
    refused = [answer for answer in answers if answer.status == 503]
    assert all(answer.retry_after == "2" and answer.what == "store_unavailable" for answer in refused), refused[:5]
    acknowledged = load.acknowledged()
    assert len(acknowledged) > 10 * kills

    # Every acknowledged start is on the primary after the last failover, and on its replicas.
    lost = cluster.missing(acknowledged, master)
    assert lost == [], "%d of %d acknowledged starts lost" % (len(lost), len(acknowledged))
    for port in cluster.redis_ports:
        if port != master:
            assert cluster.missing(acknowledged, port) == []
    # And the handlers read them: a few through the nodes' ekyc-callback (each read asks the API).
    for token in acknowledged[:: max(1, len(acknowledged) // 4)][:4]:
        status, _, body, _ = request(cluster.url, result_read(stack.link_key, token))
        assert status == 202, (token, status, body)
        time.sleep(0.1)
    assert cluster.handlers_alive()

    summary = {"kills": kills, "acknowledged": len(acknowledged), "refused": len(refused), "lost": len(lost),
               "rounds": rounds}
    report = os.environ.get("EKYC_FAILOVER_REPORT")
    if report:
        Path(report).write_text(json.dumps(summary, indent=2) + "\n")
    print("failover: %(kills)d kills, %(acknowledged)d acknowledged starts, %(refused)d refused (503), %(lost)d lost" % summary)
