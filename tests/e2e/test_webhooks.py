"""Signed webhooks from the durable outbox, through the real parts: a verification finished as a
browser finishes it, the outbox in the store's files (or the nodes' Redis), `ekyc-start deliver`
posting with libcurl to a receiver on loopback, and that receiver failing in the ways receivers
fail: error statuses, a stall while the deliverer is killed with SIGKILL, the port closed."""

import re
import subprocess
import time
from pathlib import Path

from flow import callback, finish, open_page, start
from installed import clean_environment
from polling import until_final, wait_for
from webhooks import Gate, Receiver, demo_receiver_events, event_id, signature_holds


def test_a_finished_verification_reaches_the_demo_shops_receiver_signed(stack, browser):
    """The stack as the demo runs it: its deliverer posts to the demo receiver, which checks the
    signature with the README's Python snippet; the site shows it at /webhooks/."""
    token, _ = start(stack, browser, "--get", "--data-urlencode", "extra=order-42")
    open_page(stack, browser, token)
    finish(stack, browser, token, "pass")
    assert until_final(lambda: callback(stack, browser, token)).status == 200
    wait_for(lambda: event_id(token) in demo_receiver_events(stack), 15, "the event at the demo receiver")
    entry = demo_receiver_events(stack)[event_id(token)]
    event = entry["event"]
    assert event["type"] == "verification.passed" and event["data"]["id"] == token
    assert event["data"]["ref"] == "order-42" and event["data"]["status"] == "passed"
    assert len(entry["deliveries"]) == 1
    delivery = entry["deliveries"][0]
    assert signature_holds(stack.webhook_key, delivery["signature"], delivery["body"].encode())
    page = browser.get(stack.site_url + "/webhooks/")
    assert page.status == 200 and token[:8] in page.body.decode()
    assert browser.get(stack.site_url + "/webhooks/events.json", "-X", "POST").status == 403


def test_a_second_deliverer_on_the_stack_waits_for_the_lease(stack):
    """The stack's deliverer holds the `deliver` lease: `deliver --once` beside it sends nothing."""
    result = subprocess.run([str(Path(stack.bin_dir, "ekyc-start")), "deliver", "--once", "--config",
                             str(Path(stack.run_dir, "ekyc.conf"))], capture_output=True, text=True, timeout=30,
                            env=clean_environment())
    assert result.returncode == 1
    assert "holds the 'deliver' lease" in result.stderr, result.stderr


def test_the_nodes_redis_outbox_is_delivered_by_deliver_once(stack, browser):
    """Two nodes on one Redis: the result recorded on either is in the shared outbox, and one
    `ekyc-start deliver --once` on node a sends it, once."""
    answer = browser.get(stack.nodes_url + "/ekyc/start")
    assert answer.status == 303, answer.body
    token = answer.query("token")
    assert browser.post_form(stack.page_url + "/reflect/finish", {"token": token, "outcome": "user-exit"}).status == 303
    assert until_final(lambda: browser.get(stack.nodes_url + "/ekyc/callback?token=" + token)).status == 200
    node = str(Path(stack.run_dir, "nodes", "a", "ekyc.conf"))
    command = [str(Path(stack.bin_dir, "ekyc-start")), "deliver", "--once", "--config", node]
    wait_for(lambda: subprocess.run(command, capture_output=True, timeout=60, env=clean_environment()).returncode == 0
             and event_id(token) in demo_receiver_events(stack), 20, "the event delivered from Redis")
    event = demo_receiver_events(stack)[event_id(token)]
    assert event["event"]["type"] == "verification.failed" and event["event"]["data"]["reason"] == "user_exit"
    again = subprocess.run(command, capture_output=True, text=True, timeout=60, env=clean_environment())
    assert again.returncode == 0 and again.stdout.startswith("delivered 0,"), again.stdout
    assert len(demo_receiver_events(stack)[event_id(token)]["deliveries"]) == 1


def test_500_three_times_then_200_is_delivered_once_with_the_same_id(stack, tmp_path):
    receiver = Receiver([500, 500, 503]).start()
    gate = Gate(stack, tmp_path, receiver.url, webhook_retry_base="1s", webhook_retry_max="2s")
    try:
        token = gate.finish_verification()
        gate.start_deliverer()
        deliveries = receiver.wait_for(token, 4)
        assert [d.answered for d in deliveries] == [500, 500, 503, 200]
        assert {d.headers["ekyc-event-id"] for d in deliveries} == {event_id(token)}
        assert {d.body for d in deliveries} == {deliveries[0].body}, "the same event each time"
        gaps = [b.at - a.at for a, b in zip(deliveries, deliveries[1:])]
        assert all(gap >= 0.9 for gap in gaps), gaps
        for delivery in deliveries:
            assert signature_holds(stack.webhook_key, delivery.headers["ekyc-signature"], delivery.body)
        gate.wait_all_delivered()
        time.sleep(3)
        assert len(receiver.of(token)) == 4, "delivered once: never sent after the 200"
    finally:
        gate.stop_deliverer()
        receiver.stop()


def test_a_deliverer_killed_mid_delivery_delivers_after_its_restart(stack, tmp_path):
    """SIGKILL while the receiver holds the POST: nothing was acknowledged, so the event stays due,
    the kernel frees the lease with the process, and the next deliverer sends it at once."""
    receiver = Receiver(["stall"]).start()
    gate = Gate(stack, tmp_path, receiver.url, webhook_timeout="30s")
    try:
        token = gate.finish_verification()
        gate.start_deliverer()
        receiver.wait_for(token, 1, answered=False)
        gate.kill_deliverer()
        listed = gate.events()
        assert event_id(token) in listed and re.search(r"\s0\s+now\s", listed), listed
        receiver.release()
        restarted = time.monotonic()
        gate.start_deliverer()
        deliveries = receiver.wait_for(token, 2)
        assert time.monotonic() - restarted < 5
        assert deliveries[1].answered == 200 and deliveries[1].headers["ekyc-event-id"] == event_id(token)
        gate.wait_all_delivered()
    finally:
        receiver.release()
        gate.stop_deliverer()
        receiver.stop()


def test_a_receiver_that_is_down_for_a_while_gets_the_event_when_it_is_back(stack, tmp_path):
    receiver = Receiver().reserve()
    gate = Gate(stack, tmp_path, receiver.url, webhook_retry_base="1s", webhook_retry_max="2s")
    try:
        token = gate.finish_verification()
        gate.start_deliverer()

        def refused_twice():
            listed = gate.events()
            row = next((line for line in listed.splitlines() if event_id(token) in line), "")
            return "onnect" in row and int(row.split()[3]) >= 2
        wait_for(refused_twice, 20, "two refused attempts")
        receiver.start()
        deliveries = receiver.wait_for(token, 1, seconds=10)
        assert deliveries[0].answered == 200
        gate.wait_all_delivered()
        assert len(receiver.of(token)) == 1
    finally:
        gate.stop_deliverer()
        receiver.stop()


def test_redeliver_sends_a_delivered_event_again(stack, tmp_path):
    """For a receiver that lost an event: `events --redeliver` makes it due, delivered or not."""
    receiver = Receiver().start()
    gate = Gate(stack, tmp_path, receiver.url)
    try:
        token = gate.finish_verification()
        gate.start_deliverer()
        receiver.wait_for(token, 1)
        gate.wait_all_delivered()
        assert "is due now (it was delivered at" in gate.events("--redeliver", event_id(token))
        deliveries = receiver.wait_for(token, 2)
        assert deliveries[0].body == deliveries[1].body
    finally:
        gate.stop_deliverer()
        receiver.stop()
