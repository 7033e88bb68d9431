"""Driving Neuvo's pages in Chromium: the few things the page tests do to a browser tab.

`Page` wraps one selenium driver (from conftest's `chrome()`); `Workspace` adds what
the professional's workspace (/pro/) tests need: signing in and out, and the ids in
its queue and under "my cases"; `Statistics` the managers' statistics page (/stats/):
its key figures, tables and live overview. `ApiClient` is the other side over plain
HTTP: a resident, or a colleague's session.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.request
import uuid

WAIT = 10  # seconds for anything a page must show


def eventually(check, what: str, timeout: float = WAIT):
    """Calls `check` until it returns something truthy, and returns that; fails saying what was awaited."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")


class Page:
    """One browser tab. `name` says whose it is in timeout messages (two-browser tests)."""

    def __init__(self, driver, server=None, name: str = "page"):
        self.driver, self.server, self.name = driver, server, name
        self.logs: list[dict] = []

    def find(self, css: str):
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def finds(self, css: str):
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def wait(self, condition, what: str, timeout: float = WAIT):
        """Polls `condition` until it is truthy; fails saying what was awaited."""
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait
        try:
            # An element the page re-rendered between finding and reading it: just look again.
            return WebDriverWait(self.driver, timeout, poll_frequency=0.05,
                                 ignored_exceptions=[StaleElementReferenceException]).until(lambda _: condition())
        except Exception as e:  # TimeoutException
            raise AssertionError(f"{self.name}: timed out waiting for {what}; title={self.driver.title!r}") from e

    def visible(self, css: str) -> bool:
        els = self.finds(css)
        return bool(els) and els[0].is_displayed()

    def text(self, css: str) -> str:
        els = self.finds(css)
        return els[0].text if els else ""

    def chord(self, *keys: str):
        """Presses modifiers + key on whatever has focus (e.g. Alt+N)."""
        from selenium.webdriver.common.action_chains import ActionChains
        *mods, key = keys
        chain = ActionChains(self.driver)
        for m in mods:
            chain = chain.key_down(m)
        chain = chain.send_keys(key)
        for m in reversed(mods):
            chain = chain.key_up(m)
        chain.perform()

    def mark(self):
        """Anything after this that reloads the page loses the mark."""
        self.js("window.__neuvoTestMark = true")

    def not_reloaded(self) -> bool:
        return self.js("return window.__neuvoTestMark === true")

    def drain_logs(self) -> list[dict]:
        """The browser console since the last call, also kept in `logs`."""
        new = self.driver.get_log("browser")
        self.logs += new
        return new


class Workspace(Page):
    """The professional's workspace page."""

    def sign_in(self, username: str, password: str):
        self.wait(lambda: self.visible("#login-form"), "the sign-in form")
        self.find("#login-username").clear()
        self.find("#login-username").send_keys(username)
        self.find("#login-password").clear()
        self.find("#login-password").send_keys(password)
        self.find("#login-submit").click()

    def sign_out(self):
        self.find("#logout-button").click()
        self.wait(lambda: self.visible("#login-form") and not self.visible("#user-box"), "the sign-in form after signing out")

    def dialog_open(self, id_: str) -> bool:
        return self.find("#" + id_).get_attribute("open") is not None

    def queue_ids(self) -> list[str]:
        return self.js("return [...document.querySelectorAll('#queue-list [data-pick]')].map(b => b.dataset.pick)")

    def mine_ids(self) -> list[str]:
        return self.js("return [...document.querySelectorAll('#mine-list [data-open]')].map(b => b.dataset.open)")


class ApiClient:
    """An HTTP client with its own cookie jar. `id` is the conversation a resident opened."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.id: str | None = None
        self.extra_headers: dict[str, str] = {}

    def call(self, method: str, path: str, body=None, raw: bytes | None = None, content_type="application/json"):
        """(status, JSON or None); `raw` is sent as the body itself (a photo), with a fresh X-Client-Id."""
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        headers = {"X-Requested-With": "neuvo", "Content-Type": content_type, **self.extra_headers}
        if raw is not None:
            headers["X-Client-Id"] = str(uuid.uuid4())
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=30) as r:
                text = r.read()
                return r.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as e:
            text = e.read()
            return e.code, (json.loads(text) if text else None)


def plain(s: str) -> str:
    """Text as compared: no-break and narrow spaces as spaces, runs of white space as one."""
    return re.sub(r"\s+", " ", (s or "").replace("\xa0", " ").replace("\u202f", " ")).strip()


class Statistics(Page):
    """The service managers' statistics page (/stats/)."""

    sign_in = Workspace.sign_in  # the same form

    def viewport(self, width: int, height: int):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800})
        time.sleep(0.2)  # the charts draw again at the new width

    def figure(self, key: str, part: str = "value") -> str:
        """A key figure's number (or `part` "sub": what it is of)."""
        return plain(self.js("return document.querySelector(arguments[0])?.textContent || ''", f'[data-figure="{key}"] .figure-{part}'))

    def rows(self, table: str) -> list[list[str]]:
        cells = self.js("return [...document.querySelectorAll(arguments[0] + ' tbody tr')]"
                        ".map(tr => [...tr.cells].map(c => c.textContent))", table)
        return [[plain(c) for c in row] for row in cells]

    def live(self, queue: str) -> dict | None:
        """One queue's card on the live overview."""
        return self.js("""
            const li = document.querySelector('#live-queues [data-queue="' + arguments[0] + '"]');
            const text = (css) => li.querySelector(css).textContent;
            return li && { late: li.classList.contains('late'), text: li.textContent, waiting: text('.live-waiting'),
                           wait: text('.live-wait'), handling: text('.live-handling'), shift: text('.live-shift') };""", queue)

    def switch_language(self, lang: str, heading: str):
        self.js("const s = document.getElementById('lang-select'); s.value = arguments[0];"
                "s.dispatchEvent(new Event('change', {bubbles: true}))", lang)
        self.wait(lambda: self.js("return document.documentElement.lang") == lang and self.text("#stats-heading") == heading,
                  f"the page in {lang}")

    def no_sideways_scroll(self) -> bool:
        return self.js("return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
