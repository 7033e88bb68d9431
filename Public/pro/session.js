// Signing in and out, the idle lock, and which of the page's views shows (sign-in, lock, workspace,
// or #admin for admins).
import { $, show, hush } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { state, isAdmin, waitingCount, currentHandledCase, resetAdmin } from "./state.js";
import { views } from "./render.js";
import { errorText } from "./words.js";
import { updateTitle, stopBlink, hideAlert } from "./signal.js";
import { openDialog, closeDialogs } from "./modal.js";
import { leftQueue } from "./queue-feed.js";
import { stopFollowing } from "./stream.js";

function showView(name) {
  show($("login-view"), name === "login");
  show($("lock-view"), name === "lock");
  show($("workspace"), name === "workspace");
  // One visible <main> at a time: the case column's own too, not only its parent's.
  show($("case-region"), name === "workspace");
  show($("admin-view"), name === "admin");
  show($("user-box"), name !== "login" && name !== "lock");
  show($("view-nav"), name !== "login" && name !== "lock" && isAdmin());
  $("nav-workspace").setAttribute("aria-current", name === "workspace" ? "page" : "false");
  $("nav-admin").setAttribute("aria-current", name === "admin" ? "page" : "false");
}

// The admin view is #admin, for admins only; anyone else stays in the workspace.
export function route({ focus = false } = {}) {
  if (!state.me) return;
  if (state.locked) { showView("lock"); return; }
  if (location.hash === "#admin" && isAdmin()) {
    const wasShown = !$("admin-view").hidden;
    showView("admin");
    views.loadAdmin();
    if (focus && !wasShown) $("admin-heading").focus();
    return;
  }
  if (location.hash === "#admin") history.replaceState(null, "", location.pathname + location.search);
  const wasShown = !$("workspace").hidden;
  showView("workspace");
  if (focus && !wasShown) {
    if (state.current && !$("message-form").hidden) $("message-input").focus(); else $("pick-next").focus();
  }
}

export function showLogin(message) {
  showView("login");
  const err = $("login-error");
  if (message) { err.textContent = message; err.hidden = false; err.dataset.kind = "info"; } else { err.hidden = true; }
  $("login-password").value = "";
  $("login-username").focus();
}

// Why signing in (or opening the lock) failed, in the page's words.
function signInError(r) {
  return !r.status ? t("networkError")
    : r.status === 429 ? t("throttled")
    : r.status === 401 || r.code === "invalid_credentials" ? t("invalidCredentials")
    : errorText(r);
}

// After 30 minutes without a key, a click or a touch the page hides every case behind the password.
// Off shift the server ends the session then anyway; on shift it keeps it, because the page still
// follows the queue and signals a new case, so this lock is what guards an unattended screen.
// (Tests set window.__neuvoLockMs to a few seconds.)
const LOCK_MS = window.__neuvoLockMs || 30 * 60 * 1000;
let lastUse = Date.now();
export function markUse() { lastUse = Date.now(); }

function lock() {
  state.locked = true;
  // A modal dialog sits above everything, so it is closed; what was typed in it stays, and it opens again.
  state.lockedDialog = document.querySelector("dialog[open]")?.id || null;
  closeDialogs();
  hideAlert();
  hush();
  showView("lock");
  renderLock();
  $("lock-username").value = state.me.username || "";
  $("lock-password").value = "";
  $("lock-error").hidden = true;
  $("lock-heading").focus();
}
function renderLock() { $("lock-queue").textContent = t("lockQueue", { n: waitingCount() }); }

export function onSignedOut(expired) {
  if (!state.me && !expired) return;
  const wasIn = !!state.me;
  stopFollowing();
  state.me = null;
  state.cases.clear();
  state.order = [];
  state.current = null;
  state.rendered = null;
  state.dropped.clear();
  state.locked = false;
  state.queue = [];
  state.queueBeyond = 0;
  state.callBacks = [];
  state.callBacksLoaded = false;
  views.callBacks();
  leftQueue.clear();
  resetAdmin();
  views.admin();
  closeDialogs();
  stopBlink();
  updateTitle();
  if (expired && wasIn) showLogin(t("sessionEnded"));
  else if (expired) showLogin();
}

// `signedIn(me)` starts the workspace (main.js) once the password is right.
export function startSession(signedIn) {
  views.lock = renderLock;
  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const username = $("login-username").value.trim();
    const password = $("login-password").value;
    const err = $("login-error");
    err.hidden = true;
    delete err.dataset.kind;
    if (!username || !password) {
      err.textContent = t("missingCredentials");
      err.hidden = false;
      (username ? $("login-password") : $("login-username")).focus();
      return;
    }
    const button = $("login-submit");
    button.disabled = true;
    button.textContent = t("signingIn");
    const r = await request("POST", "/api/v1/pro/login", { username, password });
    button.disabled = false;
    button.textContent = t("signIn");
    if (r.ok) {
      $("login-password").value = "";
      signedIn(r.data);
      return;
    }
    err.textContent = signInError(r);
    err.hidden = false;
    $("login-password").value = "";
    $("login-password").focus();
  });

  for (const type of ["keydown", "pointerdown", "pointermove", "wheel", "touchstart"]) {
    document.addEventListener(type, () => { if (!state.locked) lastUse = Date.now(); }, { capture: true, passive: true });
  }
  setInterval(() => { if (state.me && !state.locked && Date.now() - lastUse >= LOCK_MS) lock(); }, Math.min(15000, LOCK_MS / 3));

  $("lock-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const err = $("lock-error");
    err.hidden = true;
    const password = $("lock-password").value;
    if (!password) { err.textContent = t("missingCredentials"); err.hidden = false; $("lock-password").focus(); return; }
    $("lock-submit").disabled = true;
    const r = await request("POST", "/api/v1/pro/login", { username: state.me.username, password });
    $("lock-submit").disabled = false;
    $("lock-password").value = "";
    if (r.ok) {
      state.locked = false;
      lastUse = Date.now();
      route({ focus: true });
      if (state.lockedDialog && currentHandledCase()) openDialog($(state.lockedDialog));
      state.lockedDialog = null;
      return;
    }
    err.textContent = signInError(r);
    err.hidden = false;
    $("lock-password").focus();
  });
  $("lock-signout").addEventListener("click", () => $("logout-button").click());

  $("logout-button").addEventListener("click", async () => {
    // Nothing more is fetched for this session once the nurse has asked to leave.
    stopFollowing();
    await request("POST", "/api/v1/pro/logout", {}); // signed out locally whatever it answers
    onSignedOut(false);
    showLogin(t("signedOut"));
  });
  window.addEventListener("hashchange", () => route({ focus: true }));
}
