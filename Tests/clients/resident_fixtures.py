"""What the resident page's browser suites share: the page on a phone, a module's server, a catalog written with
changes (queues that open only the day after tomorrow), the neuvo CLI run before the server starts, and screenshots.

A suite takes the page fixture by importing it (`from resident_fixtures import page  # noqa: F401 (the fixture)`)
and makes its server fixture with `server = server_fixture(start, "folder")`, `start(tmp)` giving a context manager
that yields the running server (conftest's `running_server`, test_resident_page's `catalog_server`, or the suite's own).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import subprocess
from pathlib import Path
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest

from conftest import NEUVO_BIN, REPO, Server, catalog_file, chrome, running_server
from pages import ApiClient, Page
from test_resident_page import PRO_PASSWORD, PRO_USER, pro_call

HELSINKI = ZoneInfo("Europe/Helsinki")
PHONE, DESKTOP = (360, 740), (1280, 900)
SHOTS = Path("/tmp/resident-shots")  # screenshots of the states, for a reviewer (never committed)
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
HALF_DAYS = {d: [["00:00", "12:00"], ["12:00", "24:00"]] for d in DAYS}  # call-back windows around the clock


def size(d, width: int, height: int) -> None:
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800})


@pytest.fixture(scope="module")
def page():
    """The resident page in headless Chromium on a 360×740 phone, for the whole module."""
    with chrome(*PHONE) as d:
        size(d, *PHONE)
        yield Page(d, name="resident")


def server_fixture(start: Callable[[Path], contextlib.AbstractContextManager], folder: str):
    """A module fixture that serves with `start(tmp)` in a new temporary folder named after `folder`; assign it to
    `server` in the suite, so conftest's `_server_alive` check covers it."""
    @pytest.fixture(scope="module")
    def server(tmp_path_factory):
        with start(tmp_path_factory.mktemp(folder)) as srv:
            yield srv
    return server


def opening_day() -> int:
    """The day after tomorrow in Finland (Monday 0): never today, and not "today" even over midnight."""
    return (datetime.datetime.now(HELSINKI).weekday() + 2) % 7


def opening_later() -> dict:
    """Opening hours 08:00–16:00 on the day after tomorrow only: a queue closed now."""
    return {DAYS[opening_day()]: [["08:00", "16:00"]]}


def edited_catalog(tmp: Path, name: str, edit: Callable[[dict], None]) -> Path:
    """The test catalog with `edit` applied to each of its queues, written to `tmp`/`name`."""
    catalog = json.loads(catalog_file(tmp).read_text(encoding="utf-8"))
    for q in catalog["queues"]:
        edit(q)
    path = tmp / name
    path.write_text(json.dumps(catalog), encoding="utf-8")
    return path


@contextlib.contextmanager
def prepared_server(tmp: Path, catalog: Path, users, password: str) -> Iterator[Server]:
    """The real binary serving `catalog` and a new database in `tmp` into which the neuvo CLI first imported it
    and added `users` ((username, name, title, queues), all with `password`)."""
    db = tmp / "neuvo.sqlite"
    where = ["--db", str(db), "--migrations", str(REPO / "Migrations")]
    commands = [["catalog", "import", str(catalog)]]
    commands += [["user", "add", user, "--name", name, "--title", title, "--queues", queues] for user, name, title, queues in users]
    for args in commands:
        done = subprocess.run([str(NEUVO_BIN), *args, *where], cwd=tmp, capture_output=True, text=True, timeout=60,
                              env={**os.environ, "NEUVO_PASSWORD": password}, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, f"neuvo {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    with running_server(tmp, db=db, catalog=False, extra=("--catalog", str(catalog))) as srv:
        yield srv


def queued_over_api(server) -> tuple[ApiClient, str, dict]:
    """A new resident over the API with their own skin matter (no red flag), queued: (their client, the
    conversation id, the pre-questionnaire's answer)."""
    r = ApiClient(server.base)
    status, conv = r.call("POST", "/api/v1/conversations", {})
    assert status == 201, conv
    status, queued = r.call("POST", f"/api/v1/conversations/{conv['id']}/pre-questionnaire", {
        "serviceId": "skin", "subject": {"kind": "self"},
        "answers": {"duration": "weeks", "spreading": False, "breathing": False, "fever": False}})
    assert status == 200, queued
    return r, conv["id"], queued


def closed_by_the_nurse(server, conv: str, instructions: str, summary: str, look: bool = False) -> None:
    """The test catalog's nurse (PRO_USER, see test_resident_page.catalog_server) picks `conv` and closes it with
    `instructions` over the professional API; `look`: opening the case between the two."""
    _, _, cookie = pro_call(server, "POST", "/api/v1/pro/login", {"username": PRO_USER, "password": PRO_PASSWORD})
    assert pro_call(server, "POST", "/api/v1/pro/pick", {"conversationId": conv}, cookie)[0] == 200
    if look:
        assert pro_call(server, "GET", f"/api/v1/pro/cases/{conv}", None, cookie)[0] == 200
    assert pro_call(server, "POST", f"/api/v1/pro/cases/{conv}/close",
                    {"outcome": "adviceGiven", "instructions": instructions, "summary": summary}, cookie)[0] == 200


def start_new_matter(p: Page) -> None:
    """Once the matter has ended, "start a new matter" (the button of the two that shows)."""
    p.wait(lambda: p.js("return [...document.querySelectorAll('.new-matter')].some((b) => b.offsetParent)"),
           "the ended matter with 'start a new matter'")
    p.js("[...document.querySelectorAll('.new-matter')].find((b) => b.offsetParent).click()")


def shot(p: Page, name: str) -> None:
    """The screen into /tmp/resident-shots/`name`.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    p.driver.save_screenshot(str(SHOTS / f"{name}.png"))


def shot_into(p: Page, folder: Path, name: str) -> None:
    """The screen into $NEUVO_SCREENSHOTS (else `folder`) as resident-`name`.png."""
    folder = Path(os.environ.get("NEUVO_SCREENSHOTS") or folder)
    folder.mkdir(parents=True, exist_ok=True)
    p.driver.save_screenshot(str(folder / f"resident-{name}.png"))
