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

from resident_fixtures import closed_by_the_nurse, page, server_fixture, shot, start_new_matter  # noqa: F401 (page: the fixture)
from test_resident_call_back import PHONE, States, queue_on_page, tap
from test_resident_page import catalog_server

INSTRUCTIONS = "Apply a basic cream twice a day. Contact us again if the rash spreads."


server = server_fixture(catalog_server, "keep")


def test_earlier_matters_and_a_printable_summary(server, page, tmp_path):
    p = page
    states = States(p, tmp_path)
    conv = queue_on_page(p, server, "en")
    closed_by_the_nurse(server, conv, INSTRUCTIONS, "Rash.", look=True)
    start_new_matter(p)
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
