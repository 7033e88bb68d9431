"""Keep what they were told: the resident's earlier matters and a printable summary (Public/resident/earlier.js,
Public/resident/print.css) in headless Chromium.

A real Neuvo binary with the test catalog and one nurse. An English resident on a 360×740 phone is queued for a skin matter; a
nurse picks it and closes it with instructions over the professional API. After "start a new matter" the first
step lists the earlier matter (service, times, who handled it, the instructions); "Print a summary" links the print
stylesheet, and in print media (CDP Emulation.setEmulatedMedia) only that summary shows. axe-core (WCAG 2.1 A and
AA) at 360 px and desktop width, and the Nu HTML checker; screenshots to /tmp/resident-shots/.

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_resident_keep.py
Environment: NEUVO_BIN (default REPO/.build/debug/neuvo).
"""

from __future__ import annotations

import pytest

from conftest import chrome
from pages import Page
from test_resident_retriage import shot
from test_resident_call_back import PHONE, States, queue_on_page, size, tap
from test_resident_page import PRO_PASSWORD, PRO_USER, catalog_server, pro_call

INSTRUCTIONS = "Apply a basic cream twice a day. Contact us again if the rash spreads."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Named `server` so conftest's `_server_alive` check covers it."""
    with catalog_server(tmp_path_factory.mktemp("keep")) as srv:
        yield srv


@pytest.fixture(scope="module")
def page():
    with chrome(*PHONE) as d:
        size(d, *PHONE)
        yield Page(d, name="resident")


def test_earlier_matters_and_a_printable_summary(server, page, tmp_path):
    p = page
    states = States(p, tmp_path)
    conv = queue_on_page(p, server, "en")
    _, _, cookie = pro_call(server, "POST", "/api/v1/pro/login", {"username": PRO_USER, "password": PRO_PASSWORD})
    assert pro_call(server, "POST", "/api/v1/pro/pick", {"conversationId": conv}, cookie)[0] == 200
    assert pro_call(server, "GET", f"/api/v1/pro/cases/{conv}", None, cookie)[0] == 200
    assert pro_call(server, "POST", f"/api/v1/pro/cases/{conv}/close",
                    {"outcome": "adviceGiven", "instructions": INSTRUCTIONS, "summary": "Rash."}, cookie)[0] == 200
    p.wait(lambda: p.js("return [...document.querySelectorAll('.new-matter')].some((b) => b.offsetParent)"),
           "the closed matter with 'start a new matter'")
    p.js("[...document.querySelectorAll('.new-matter')].find((b) => b.offsetParent).click()")
    p.wait(lambda: p.visible("#step-subject") and p.visible("#earlier .earlier-item"), "the earlier matters")
    assert p.text("#h-earlier") == "Your earlier matters"
    item = p.text("#earlier .earlier-item")
    for words in ("Skin symptoms", "Started: ", "Handled: ", "Handled by: ", "Instructions", INSTRUCTIONS):
        assert words in item, (words, item)
    states.check("earlier matters", PHONE)
    shot(p, "keep-earlier")

    # In Finnish the list follows the language.
    tap(p, ".lang[data-lang=fi]")
    p.wait(lambda: p.text("#h-earlier") == "Aiemmat asiasi", "Finnish")
    assert "Iho-oireet" in p.text("#earlier .earlier-item")
    tap(p, ".lang[data-lang=en]")
    p.wait(lambda: p.text("#h-earlier") == "Your earlier matters", "English again")

    p.js("window.print = () => { window.__printed = (window.__printed || 0) + 1; }")
    tap(p, "#earlier .earlier-print")
    p.wait(lambda: p.js("return window.__printed === 1"), "the print dialog asked for")
    p.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = p.js("return document.body.innerText")
        for words in ("Summary of your matter – Neuvo", "Skin symptoms", "Started: ", "Handled: ", "Handled by: ", INSTRUCTIONS):
            assert words in shown, (words, shown)
        for hidden in ("Print a summary", "Whose matter", "112", "Your earlier matters"):
            assert hidden not in shown, (hidden, shown)
    finally:
        p.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert "Summary of your matter" not in p.js("return document.body.innerText")
    states.check("earlier matters after printing", PHONE)
    states.validate()
