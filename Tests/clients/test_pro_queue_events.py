"""The nurse's waiting list follows residents who answer the pre-questions again while they wait
(Public/pro: the stream's `retriaged` and `redFlag` events), in headless Chromium against the real binary.

Two residents wait in nurse, both non-urgent, the earlier first. The later one answers again with a high
fever (`POST /api/v1/conversations/{id}/retriage`): its row comes from the stream with its new urgency and
moves to the top of the nurse's list. The earlier one answers again with difficult breathing (a red flag:
112): its matter leaves the queue, and its row disappears. The queue's snapshot (GET /pro/queue) is held back
from the page the whole time, so what the list does is the stream's doing alone, and the page is not
reloaded. axe-core (WCAG 2.1 A and AA) and the Nu HTML checker on the re-ordered list.

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_pro_queue_events.py
Environment: NEUVO_BIN (default REPO/.build/debug/neuvo).
"""

from __future__ import annotations

import os
import subprocess

import pytest

from conftest import NEUVO_BIN, REPO, catalog_file, chrome, require_binary, running_server
from pages import ApiClient, Workspace
from test_pro_more import _axe, _shot, _snapshot, _vnu_failures

NURSE, PASSWORD = "hanna", "Hoitaja-salasana-2024"
# The stream brings a change in the nurse's queue at once: the page shows it within seconds.
PROMPT = 5

SKIN_ROUTINE = {"duration": "hours", "breathing": False, "fever": False, "notes": "Kutiaa."}
HIGH_FEVER = {"duration": "hours", "breathing": False, "fever": True, "temperature": 39.2}
BREATHING = {"duration": "hours", "breathing": True, "fever": False}

# Holds the answers of the queue snapshot (GET /api/v1/pro/queue) while `window.__neuvoHoldQueue` is a promise.
HOLD_QUEUE = """(() => {
  const real = window.fetch.bind(window);
  window.__neuvoHoldQueue = null;
  window.fetch = async (input, init) => {
    const response = await real(input, init);
    if (String(input).startsWith('/api/v1/pro/queue?') && window.__neuvoHoldQueue) await window.__neuvoHoldQueue;
    return response;
  };
})();"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real binary with the test catalog and one nurse, added with the CLI before it starts."""
    require_binary()
    tmp = tmp_path_factory.mktemp("pro-queue-events")
    db = tmp / "neuvo.sqlite"
    where = ["--db", str(db), "--migrations", str(REPO / "Migrations")]
    for args, env in ((["catalog", "import", str(catalog_file(tmp))], {}),
                      (["user", "add", NURSE, "--name", "Hanna Hoitaja", "--title", "sairaanhoitaja", "--queues", "nurse"],
                       {"NEUVO_PASSWORD": PASSWORD})):
        done = subprocess.run([str(NEUVO_BIN), *args, *where], cwd=tmp, capture_output=True, text=True, timeout=60,
                              env={**os.environ, **env}, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, f"neuvo {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    with running_server(tmp, db=db) as srv:
        yield srv


@pytest.fixture(scope="module")
def nurse(server):
    with chrome(1366, 768) as d:
        d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOLD_QUEUE})
        yield Workspace(d, server, "nurse")


def queued_resident(server) -> ApiClient:
    """A resident over HTTP, waiting in nurse with routine skin answers (non-urgent)."""
    r = ApiClient(server.base)
    status, conv = r.call("POST", "/api/v1/conversations", {})
    assert status == 201, conv
    r.id = conv["id"]
    status, queued = r.call("POST", f"/api/v1/conversations/{r.id}/pre-questionnaire",
                            {"serviceId": "skin", "subject": {"kind": "self"}, "answers": SKIN_ROUTINE})
    assert status == 200 and queued["outcome"] == "queued" and queued["queue"]["id"] == "nurse", queued
    assert queued["urgency"] == "normal", queued
    return r


def rows(n: Workspace) -> list[dict]:
    """The waiting list as drawn: id and urgency badge of each row, top first."""
    return n.js("""return [...document.querySelectorAll('#queue-list > li')].map((li) => ({
        id: li.querySelector('[data-pick]').dataset.pick, urgency: li.querySelector('.badge').textContent }))""")


def test_answers_given_again_reorder_and_empty_the_nurses_list_live(server, nurse, tmp_path):
    n = nurse
    first, second = queued_resident(server), queued_resident(server)

    n.driver.get(server.url("/pro/"))
    n.sign_in(NURSE, PASSWORD)
    n.wait(lambda: n.queue_ids() == [first.id, second.id], "both residents in the list, the earlier first")
    assert [r["urgency"] for r in rows(n)] == ["Kiireetön", "Kiireetön"], rows(n)
    # From here on the queue's snapshot is held back: only the stream can change the list.
    n.js("window.__neuvoHoldQueue = new Promise((done) => { window.__neuvoReleaseQueue = done; })")
    n.mark()

    # The later one has a high fever now: more urgent, it goes ahead of the earlier one.
    status, outcome = second.call("POST", f"/api/v1/conversations/{second.id}/retriage", {"answers": HIGH_FEVER})
    assert status == 200 and outcome["outcome"] == "queued" and outcome["urgency"] == "soon", outcome
    n.wait(lambda: n.queue_ids() == [second.id, first.id], "the re-triaged resident at the top", timeout=PROMPT)
    assert rows(n) == [{"id": second.id, "urgency": "Puolikiireellinen"}, {"id": first.id, "urgency": "Kiireetön"}]
    assert n.text("#queue-count") == "2"
    _axe(n, "the list re-ordered")
    _shot(n, "queue-retriaged-to-the-top")
    snapshot = _snapshot(n)

    # The earlier one now has difficult breathing: sent to call 112, the matter leaves the queue.
    status, outcome = first.call("POST", f"/api/v1/conversations/{first.id}/retriage", {"answers": BREATHING})
    assert status == 200 and outcome["outcome"] == "redFlag", outcome
    n.wait(lambda: n.queue_ids() == [second.id], "the red-flagged resident's row gone", timeout=PROMPT)
    assert n.text("#queue-count") == "1"
    _shot(n, "queue-red-flag-row-gone")
    status, conv = first.call("GET", f"/api/v1/conversations/{first.id}")
    assert status == 200 and conv["status"] == "closed", conv

    assert n.not_reloaded(), "the workspace reloaded on the way"
    n.js("window.__neuvoHoldQueue = null; window.__neuvoReleaseQueue()")
    failures = _vnu_failures({"queue-events": snapshot}, tmp_path)
    assert not failures, "the workspace is not valid HTML:\n" + "\n".join(failures)
    assert not [e for e in n.drain_logs() if e.get("level") == "SEVERE" and e.get("source") != "network"]
