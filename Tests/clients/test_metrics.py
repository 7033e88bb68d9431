"""`GET /metrics` read by Prometheus's own parser (PyPI `prometheus-client`), against the real binary.

Every line parses; the numbers move when the test acts (requests, a queued case, a pick, a
closing and its record export); only this machine, or a client with the metrics token, reads them.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import NEUVO_BIN, REPO, catalog_file, running_server

TOKEN = "metrics-token-for-the-test-0123456789"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("metrics")
    db = tmp / "neuvo.sqlite"
    env = dict(os.environ, NEUVO_PASSWORD="oikein-hyva-salasana")
    migrations = str(REPO / "Migrations")
    subprocess.run([str(NEUVO_BIN), "catalog", "import", str(catalog_file(tmp)), "--db", str(db), "--migrations", migrations],
                   check=True, capture_output=True)
    subprocess.run([str(NEUVO_BIN), "user", "add", "hanna", "--name", "Hanna Hoitaja", "--title", "sairaanhoitaja",
                    "--queues", "nurse", "--db", str(db), "--migrations", migrations], check=True, capture_output=True, env=env)
    os.environ["NEUVO_METRICS_TOKEN"] = TOKEN
    try:
        # Only the token opens the metrics: no address is allowed.
        with running_server(tmp, db=db, catalog=False, extra=("--metrics-from", "192.0.2.1")) as s:
            yield s
    finally:
        del os.environ["NEUVO_METRICS_TOKEN"]


def call(server, method, path, body=None, headers=None, cookie=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    all_headers = dict(headers or {})
    if body is not None:
        all_headers.update({"Content-Type": "application/json", "X-Requested-With": "neuvo"})
    if cookie:
        all_headers["Cookie"] = cookie
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=all_headers)
    r = conn.getresponse()
    data = r.read()
    cookies = [v for k, v in r.getheaders() if k.lower() == "set-cookie"]
    conn.close()
    return r.status, data, cookies


def scrape(server) -> dict[tuple[str, tuple], float]:
    status, body, _ = call(server, "GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 200, body[:300]
    samples = {}
    families = list(text_string_to_metric_families(body.decode("utf-8")))
    assert families, "no metric families"
    for family in families:
        assert family.documentation, f"{family.name} has no HELP"
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_every_line_parses_and_the_numbers_move(server):
    before = scrape(server)
    assert value(before, "neuvo_queue_waiting", queue="nurse") == 0
    assert value(before, "neuvo_database_bytes", file="database") > 0

    # A resident queues; Hanna signs in, picks and closes it.
    status, body, cookies = call(server, "POST", "/api/v1/conversations", body={})
    assert status == 201, body
    resident = cookies[0].split(";")[0]
    conversation = json.loads(body)["id"]
    status, body, _ = call(server, "POST", f"/api/v1/conversations/{conversation}/pre-questionnaire", cookie=resident, body={
        "serviceId": "skin", "subject": {"kind": "self"},
        "answers": {"duration": "days", "spreading": False, "breathing": False, "fever": False}})
    assert status == 200, body
    waiting = scrape(server)
    assert value(waiting, "neuvo_queue_waiting", queue="nurse") == 1
    assert value(waiting, "neuvo_queue_oldest_wait_seconds", queue="nurse") >= 0
    assert value(waiting, "neuvo_store_writes_total") > value(before, "neuvo_store_writes_total")
    assert value(waiting, "neuvo_store_commit_duration_seconds_count") > value(before, "neuvo_store_commit_duration_seconds_count")
    opened = ("neuvo_http_requests_total", dict(method="POST", route="/api/v1/conversations", status="201"))
    assert value(waiting, opened[0], **opened[1]) == value(before, opened[0], **opened[1]) + 1

    status, body, cookies = call(server, "POST", "/api/v1/pro/login", body={"username": "hanna", "password": "oikein-hyva-salasana"})
    assert status == 200, body
    nurse = cookies[0].split(";")[0]
    assert call(server, "POST", "/api/v1/pro/pick", cookie=nurse, body={"conversationId": conversation})[0] == 200
    handling = scrape(server)
    assert value(handling, "neuvo_queue_waiting", queue="nurse") == 0
    assert value(handling, "neuvo_queue_in_handling", queue="nurse") == 1
    assert call(server, "POST", f"/api/v1/pro/cases/{conversation}/close", cookie=nurse,
                body={"outcome": "adviceGiven", "instructions": "Rasvaa.", "summary": "Ihottuma."})[0] == 200
    closed = scrape(server)
    assert value(closed, "neuvo_queue_in_handling", queue="nurse") == 0
    assert value(closed, "neuvo_record_exports_unacknowledged") == 1
    family = value(closed, "neuvo_http_request_duration_seconds_count", family="professional")
    assert family >= 3 and value(closed, "neuvo_http_request_duration_seconds_bucket", family="professional", le="+Inf") == family

    # A parked long poll is counted while it waits.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", f"/api/v1/conversations/{conversation}/events?after=999999&wait=5", headers={"Cookie": resident})
    deadline = time.time() + 5
    while value(scrape(server), "neuvo_http_parked_requests") < 1 and time.time() < deadline:
        time.sleep(0.05)
    assert value(scrape(server), "neuvo_http_parked_requests") == 1
    conn.getresponse().read()
    conn.close()


def test_only_this_machine_or_the_token_reads_the_metrics(server):
    # This server allows no address (--metrics-from 192.0.2.1): without the token, 404.
    assert call(server, "GET", "/metrics")[0] == 404
    assert call(server, "GET", "/metrics", headers={"Authorization": "Bearer wrong-token"})[0] == 404
    assert call(server, "GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}x"})[0] == 404
    assert call(server, "GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})[0] == 200
