"""Forget this device: the resident ends their session on a shared computer (Public/resident/forget.js) in headless Chromium.

A real Neuvo binary with the test catalog and one nurse. A Finnish resident on a 360×740 phone has a matter that the
nurse closed with instructions over the professional API; after "start a new matter" it is listed under the first step.
"Unohda tämä laite" asks in a dialog, which says what goes and what stays; confirming ends the session (the old cookie
then gets 404), empties what the page keeps for the resident on this device (localStorage but the language, the kept
uploads in IndexedDB) and shows a calm confirmation with its heading focused; a new matter after it lists nothing
earlier. A Swedish resident with a matter still in the queue is told replies will not show here, and cancelling keeps
everything. axe-core (WCAG 2.1 A and AA) at 360 px and desktop width and the Nu HTML checker in the new states;
screenshots of them to NEUVO_SCREENSHOTS, else the test's temporary folder (never committed).

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_resident_forget_device.py
Environment: NEUVO_BIN (default REPO/.build/debug/neuvo).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

from pages import Page
from resident_fixtures import closed_by_the_nurse, page, server_fixture, start_new_matter  # noqa: F401 (page: the fixture)
from test_resident_call_back import PHONE, States, queue_on_page, tap
from test_resident_page import catalog_server

INSTRUCTIONS = "Levitä perusvoidetta kahdesti päivässä. Ota uudelleen yhteyttä, jos ihottuma leviää."


server = server_fixture(catalog_server, "forget")


def shot(p: Page, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    p.driver.save_screenshot(str(folder / f"forget-{name}.png"))


def listed(server, cookie: str) -> tuple[int, list[dict] | None]:
    """GET /api/v1/conversations with the resident cookie `cookie`, over plain HTTP: (status, its matters)."""
    req = urllib.request.Request(server.url("/api/v1/conversations"), headers={"Cookie": f"neuvo_resident={cookie}"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())["conversations"]
    except urllib.error.HTTPError as e:
        return e.code, None


def kept_keys(p: Page) -> list[str]:
    return sorted(p.js("return Object.keys(localStorage).concat(Object.keys(sessionStorage))"))


def databases(p: Page) -> list[str]:
    return p.driver.execute_async_script(
        "const done = arguments[0]; indexedDB.databases().then((d) => done(d.map((x) => x.name)), () => done(null));")


def dialog_open(p: Page) -> bool:
    return p.js("return document.getElementById('fg-dialog')?.open === true")


def no_page_errors(p: Page) -> None:
    """No script error and no refused style (the page's CSP allows no inline styles) in the console."""
    bad = [e for e in p.drain_logs() if e["source"] == "javascript" or "Content Security Policy" in e["message"]]
    assert not bad, bad


def open_dialog(p: Page) -> None:
    tap(p, "#forget")
    p.wait(lambda: dialog_open(p), "the forget dialog")


def test_forgetting_the_device_ends_the_session_and_empties_what_the_page_keeps(server, page, tmp_path):
    p = page
    folder = Path(os.environ.get("NEUVO_SCREENSHOTS") or tmp_path)
    states = States(p, tmp_path)
    conv = queue_on_page(p, server, "fi")
    closed_by_the_nurse(server, conv, INSTRUCTIONS, "Ihottuma.")
    start_new_matter(p)
    p.wait(lambda: p.visible("#step-subject") and p.visible("#earlier .earlier-item"), "the earlier matters")
    assert INSTRUCTIONS in p.text("#earlier .earlier-item")

    # What a page keeps for a resident besides the language: an unsent text, "feedback given", a photo waiting to be sent.
    p.js("localStorage.setItem('neuvo.outbox', JSON.stringify([{ conv: arguments[0], clientId: 'c1', text: 'Lähettämätön' }]));"
         "localStorage.setItem('neuvo.feedback.' + arguments[0], 'given');", conv)
    assert p.driver.execute_async_script("""
        const done = arguments[1], open = indexedDB.open('neuvo-uploads', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('uploads', { keyPath: 'clientId' });
        open.onsuccess = () => { const db = open.result, tx = db.transaction('uploads', 'readwrite');
          tx.objectStore('uploads').put({ clientId: 'u1', conv: arguments[0], file: new Blob(['x']), at: Date.now() });
          tx.oncomplete = () => { db.close(); done(true); }; };
        open.onerror = () => done(false);""", conv)
    assert {"neuvo.lang", "neuvo.outbox", f"neuvo.feedback.{conv}"} <= set(kept_keys(p))
    assert "neuvo-uploads" in databases(p)
    cookie = p.driver.get_cookie("neuvo_resident")["value"]
    status, matters = listed(server, cookie)
    assert status == 200 and [m["id"] for m in matters] == [conv]

    # The control, and the dialog that says what goes and what stays (no open matter: no word of replies).
    assert p.text("#forget") == "Unohda tämä laite"
    open_dialog(p)
    assert p.text("#fg-h") == "Unohdetaanko tämä laite?"
    assert p.text("#fg-text") == ("Aiemmat asiasi ja saamasi ohjeet eivät sen jälkeen näy tällä laitteella. "
                                  "Ammattilaisilla ne säilyvät.")
    assert not p.visible("#fg-open")
    assert p.js("return document.activeElement.id") == "fg-no", "focus on the harmless choice"
    assert p.find("#fg-dialog").get_attribute("aria-labelledby") == "fg-h"
    assert p.find("#fg-dialog").get_attribute("aria-describedby") == "fg-text"
    shot(p, folder, "dialog-fi")
    states.check("forget dialog open", PHONE)

    tap(p, "#fg-yes")
    p.wait(lambda: p.visible("#step-forgotten"), "the confirmation")
    assert not dialog_open(p)
    assert p.text("#h-forgotten") == "Tämä laite on unohdettu."
    assert p.js("return document.activeElement.id") == "h-forgotten"
    assert p.text("#fg-new") == "Aloita uusi asia"
    assert not p.finds("#earlier") and not p.visible("#step-subject") and not p.visible("#forget")
    assert INSTRUCTIONS not in p.js("return document.body.textContent")
    # Nothing of the resident's is kept but the language; the session has ended on the server.
    assert kept_keys(p) == ["neuvo.lang"]
    p.wait(lambda: "neuvo-uploads" not in databases(p), "the kept uploads deleted")
    assert p.driver.get_cookie("neuvo_resident") is None
    assert listed(server, cookie) == (404, None)
    assert p.js("return document.title") == "Neuvo – digitaalinen vastaanotto"
    shot(p, folder, "forgotten-fi")
    states.check("device forgotten", PHONE)
    no_page_errors(p)

    # The confirmation follows a language switch.
    tap(p, ".lang[data-lang=en]")
    p.wait(lambda: p.text("#h-forgotten") == "This device has been forgotten.", "English")
    tap(p, ".lang[data-lang=fi]")
    p.wait(lambda: p.text("#h-forgotten") == "Tämä laite on unohdettu.", "Finnish again")

    # A new matter: the page afresh, in the language chosen, and nothing earlier to list.
    p.mark()
    tap(p, "#fg-new")
    p.wait(lambda: not p.not_reloaded() and p.visible("#step-subject"), "the first step of a new matter")
    assert p.js("return document.documentElement.lang") == "fi" and p.visible("#forget")
    p.driver.execute_async_script("const done = arguments[0]; import('/resident/earlier.js').then((m) => m.showEarlier()).then(done, done);")
    assert not p.finds("#earlier")
    assert kept_keys(p) == ["neuvo.lang"]
    assert listed(server, cookie) == (404, None)
    states.validate()


def test_with_a_matter_in_the_queue_the_dialog_says_replies_will_not_show_and_cancel_keeps_all(server, page, tmp_path):
    p = page
    folder = Path(os.environ.get("NEUVO_SCREENSHOTS") or tmp_path)
    states = States(p, tmp_path)
    conv = queue_on_page(p, server, "sv")
    cookie = p.driver.get_cookie("neuvo_resident")["value"]
    assert p.text("#forget") == "Glöm den här enheten"

    open_dialog(p)
    assert p.text("#fg-h") == "Glömma den här enheten?"
    assert p.text("#fg-text").startswith("Dina tidigare ärenden och anvisningarna du fått visas sedan inte längre")
    assert p.visible("#fg-open")
    assert p.text("#fg-open") == "Ditt ärende pågår ännu. Svar som kommer till det ser du inte på den här enheten."
    assert p.find("#fg-dialog").get_attribute("aria-describedby") == "fg-text fg-open"
    assert (p.text("#fg-yes"), p.text("#fg-no")) == ("Glöm enheten", "Avbryt")
    shot(p, folder, "dialog-open-matter-sv")
    states.check("forget dialog with an open matter, in Swedish", PHONE)

    tap(p, "#fg-no")
    p.wait(lambda: not dialog_open(p), "the dialog closed")
    assert p.js("return document.activeElement.id") == "forget", "focus back on the control"
    assert p.visible("#step-conversation") and not p.finds("#step-forgotten")
    assert p.js("return localStorage.getItem('neuvo.conversation')") == conv
    assert p.driver.get_cookie("neuvo_resident")["value"] == cookie
    status, matters = listed(server, cookie)
    assert status == 200 and [(m["id"], m["status"]) for m in matters] == [(conv, "queued")]

    # Escape closes it too, and again nothing is lost.
    open_dialog(p)
    from selenium.webdriver.common.keys import Keys
    p.find("#fg-no").send_keys(Keys.ESCAPE)
    p.wait(lambda: not dialog_open(p), "the dialog closed with Escape")
    assert listed(server, cookie)[0] == 200 and p.js("return localStorage.getItem('neuvo.conversation')") == conv
    no_page_errors(p)
    states.validate()
