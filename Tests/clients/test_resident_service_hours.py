"""Opening hours before the questions on the resident's page (Public/resident/service-hours.js) in headless Chromium.

A real Neuvo binary with a catalog written here: the nurses (the skin service's usual queue) open only on the day
after tomorrow (Finnish time), so they are closed now, and offer a call-back while closed; the dental queue is open
00:00–24:00 every day and always offers a call-back. On a 360×740 phone the service list says, under each service
with questions, "Open now" or "Closed, opens <weekday> 08:00", and "Call-back available", in English and Finnish.
axe-core (WCAG 2.1 A and AA) at 360 px and desktop width, and the Nu HTML checker; screenshots to /tmp/resident-shots/.

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_resident_service_hours.py
Environment: NEUVO_BIN (default REPO/.build/debug/neuvo).
"""

from __future__ import annotations

from pathlib import Path

from conftest import running_server
from pages import Page
from resident_fixtures import (DAYS, HALF_DAYS, edited_catalog, opening_day, opening_later, page,  # noqa: F401 (page: the fixture)
                               server_fixture, shot)
from test_resident_call_back import PHONE, States, tap
from test_resident_page import fresh

EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
FI = ["ma", "ti", "ke", "to", "pe", "la", "su"]
ALL_DAY = {d: [["00:00", "24:00"]] for d in DAYS}


def hours_server(tmp: Path):
    """The nurses closed until the day after tomorrow (a call-back while closed), the dental queue always open."""
    def edit(q: dict) -> None:
        if q["id"] == "nurse":
            q["openingHours"] = opening_later()
            q["callBack"] = {"windows": HALF_DAYS, "capacityPerWindow": 1, "callerNumber": "09 310 10000", "offer": "whenClosed"}
        if q["id"] == "dental":
            q["openingHours"] = ALL_DAY
            q["callBack"] = {"windows": HALF_DAYS, "capacityPerWindow": 1, "callerNumber": "09 310 10000", "offer": "always"}
    return running_server(tmp, catalog=False, extra=("--catalog", str(edited_catalog(tmp, "hours-catalog.json", edit))))


server = server_fixture(hours_server, "service-hours")


def hours_of(p: Page, service: str) -> str:
    return p.js(f"const s = document.querySelector('[data-service={service}] + .service-hours'); return s ? s.textContent : null")


def test_the_service_list_says_when_the_usual_queue_is_open_and_if_a_call_back_is_offered(server, page, tmp_path):
    p = page
    states = States(p, tmp_path)
    fresh(p.driver, server)
    tap(p, ".lang[data-lang=en]")
    tap(p, "label[for=subject-self]")
    tap(p, "#subject-form button[type=submit]")
    p.wait(lambda: p.visible("[data-service=dental]"), "the service list")
    p.wait(lambda: hours_of(p, "dental") == "Open now · Call-back available", "the dental queue open")
    assert hours_of(p, "illness") is None, "a branch without questions has no hours"
    states.check("service list with hours", PHONE)

    tap(p, "[data-service=illness]")
    p.wait(lambda: p.visible("[data-service=skin]"), "the skin service")
    day = opening_day()
    p.wait(lambda: hours_of(p, "skin") == f"Closed, opens {EN[day]} 08:00 · Call-back available", "the nurses closed")
    assert p.find("[data-service=skin]").get_attribute("aria-describedby") == "hours-skin"
    assert p.text("[data-service=skin]") == "Skin symptoms", "the button's name stays the service's title"
    states.check("a closed queue with a call-back", PHONE)
    shot(p, "service-hours-closed")

    tap(p, ".lang[data-lang=fi]")
    p.wait(lambda: hours_of(p, "skin") == f"Suljettu, avautuu {FI[day]} 8.00 · Takaisinsoitto mahdollinen", "Finnish")
    tap(p, "#service-back")
    p.wait(lambda: hours_of(p, "dental") == "Avoinna nyt · Takaisinsoitto mahdollinen", "Finnish, open")
    tap(p, ".lang[data-lang=sv]")
    p.wait(lambda: hours_of(p, "dental") == "Öppet nu · Återuppringning möjlig", "Swedish, open")
    states.check("service list in Swedish", PHONE)
    states.validate()
