"""A transfer mid-chat on the resident's page (Public/resident/conversation/status.js, poll.js) in headless Chromium.

A real Neuvo binary with a catalog written here: the nurse and dental queues open only on the day after tomorrow
(Finnish time), so both are closed now. A resident queues a skin matter (nurse) on a 360×740 phone and sees the
"closed" notice; a professional picks it from the closed queue over the API and then transfers it to the dental
queue, also closed. Once picked, the matter never shows the closed notice or a place in the queue again, also after
a reload: the page says the matter was passed to a colleague who will answer here. axe-core (WCAG 2.1 A and AA) at
360 px and desktop width, the Nu HTML checker, and a screenshot to NEUVO_SCREENSHOTS, else the test's temporary folder.

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_resident_transfer_view.py
Environment: NEUVO_BIN (default REPO/.build/debug/neuvo).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import NEUVO_BIN, REPO, catalog_file, chrome, running_server
from pages import ApiClient, Page, plain
from test_resident_call_back import PHONE, States, queue_on_page, size
from test_resident_service_hours import DAYS, opening_day

PRO, PASSWORD = "tuula", "Tuula-salasana-2024"
PASSED = "Your matter was passed to a colleague; they will answer here."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Named `server` so conftest's `_server_alive` check covers it."""
    tmp = tmp_path_factory.mktemp("transfer-view")
    catalog = json.loads(catalog_file(tmp).read_text(encoding="utf-8"))
    for q in catalog["queues"]:
        if q["id"] in ("nurse", "dental"):
            q["openingHours"] = {DAYS[opening_day()]: [["08:00", "16:00"]]}
    path = tmp / "transfer-catalog.json"
    path.write_text(json.dumps(catalog), encoding="utf-8")
    db = tmp / "neuvo.sqlite"
    where = ["--db", str(db), "--migrations", str(REPO / "Migrations")]
    for args in (["catalog", "import", str(path)],
                 ["user", "add", PRO, "--name", "Tuula Hoitaja", "--title", "sairaanhoitaja", "--queues", "nurse,dental"]):
        done = subprocess.run([str(NEUVO_BIN), *args, *where], cwd=tmp, capture_output=True, text=True, timeout=60,
                              env={**os.environ, "NEUVO_PASSWORD": PASSWORD}, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, f"neuvo {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    with running_server(tmp, db=db, catalog=False, extra=("--catalog", str(path))) as srv:
        yield srv


@pytest.fixture(scope="module")
def page():
    with chrome(*PHONE) as d:
        size(d, *PHONE)
        yield Page(d, name="resident")


def shot(p: Page, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("NEUVO_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    p.driver.save_screenshot(str(folder / f"resident-{name}.png"))


def waiting_bits(p: Page) -> dict:
    """What of the waiting view shows: the closed notice, the place in the queue, the wait estimate, the target."""
    return {css: p.visible(css) for css in ("#conv-wait-info", "#conv-position", "#conv-estimate", "#conv-target")}


def assert_passed_on(p: Page, when: str) -> None:
    p.wait(lambda: plain(p.text("#conv-next")) == PASSED, f"the passed-on line {when}")
    assert waiting_bits(p) == dict.fromkeys(waiting_bits(p), False), f"the waiting view {when}: {waiting_bits(p)}"
    assert plain(p.text("#conv-transfer")) == "Your matter was passed on to the queue: Oral health.", p.text("#conv-transfer")
    assert "closed" not in plain(p.text("#step-conversation")).lower().replace("you can close this page", "")
    assert p.visible("#chat-form"), f"no chat {when}"


def test_a_transfer_after_the_pick_is_no_return_to_the_closed_queue(server, page, tmp_path):
    p = page
    states = States(p, tmp_path)
    conv = queue_on_page(p, server, "en")
    p.wait(lambda: p.visible("#conv-wait-info"), "the closed notice while waiting")
    assert p.visible("#conv-position"), "no place in the queue while waiting"

    pro = ApiClient(server.base)
    status, body = pro.call("POST", "/api/v1/pro/login", {"username": PRO, "password": PASSWORD})
    assert status == 200, body
    status, body = pro.call("POST", "/api/v1/pro/pick", {"conversationId": conv})
    assert status == 200, body
    p.wait(lambda: plain(p.text("#h-conv")) == "Your matter is being handled", "the matter picked")

    status, body = pro.call("POST", f"/api/v1/pro/cases/{conv}/transfer", {"queueId": "dental"})
    assert status == 200, body
    assert_passed_on(p, "after the transfer")
    states.check("passed on after the pick", PHONE)
    shot(p, tmp_path, "transfer-passed-on")

    p.driver.refresh()
    p.wait(lambda: p.visible("#step-conversation"), "the conversation after a reload")
    assert_passed_on(p, "after a reload")
    assert p.text("#conv-queue")  # still says which queue holds it
    states.check("passed on after a reload", PHONE)
    states.validate()
