// Getting the professional's attention: the tab title (the waiting count, blinking for news), a short
// sound when a case arrives in an empty queue, and the alert banner.
import { $ } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { store, load } from "../shared/storage.js";
import { chime, wakeAudio } from "../shared/chime.js";
import { state, waitingCount, currentCase, SOUND_KEY } from "./state.js";
import { views } from "./render.js";

export const title = { blinking: false, timer: 0, phase: false, reason: "" };

function baseTitle() {
  const n = waitingCount();
  return (n > 0 ? `(${n}) ` : "") + t("titleSuffix") + " – " + t("appSubtitle");
}
export function updateTitle() {
  if (title.blinking && title.phase) {
    document.title = `(${waitingCount()}) ${title.reason} – ${t("titleSuffix")}`;
  } else {
    document.title = baseTitle();
  }
}
export function startBlink(reason) {
  title.reason = reason;
  if (!title.blinking) {
    title.blinking = true;
    title.phase = true;
    title.timer = setInterval(() => { title.phase = !title.phase; updateTitle(); }, 1000);
  }
  updateTitle();
}
export function stopBlink() {
  if (!title.blinking) return;
  clearInterval(title.timer);
  title.blinking = false;
  title.phase = false;
  updateTitle();
}

function soundEnabled() { return $("sound-toggle").checked; }
export function beep() {
  if (soundEnabled()) chime([880]);
}

let alertTimer = 0;
export function showAlert(text, kind = "error") {
  const node = $("alert");
  node.textContent = text;
  node.dataset.kind = kind;
  node.hidden = false;
  clearTimeout(alertTimer);
  alertTimer = setTimeout(() => { node.hidden = true; }, 8000);
}
export function hideAlert() { $("alert").hidden = true; }

export function startSignals() {
  // The signal stays until someone is actually looking at the page.
  for (const type of ["keydown", "pointerdown"]) {
    document.addEventListener(type, () => { if (document.visibilityState === "visible") stopBlink(); }, true);
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") return;
    const c = currentCase();
    if (c && c.unread) { c.unread = 0; views.mine(); }
  });
  window.addEventListener("focus", () => setTimeout(() => { if (document.hasFocus()) stopBlink(); }, 3000));
  // Browsers start audio only after a user gesture: wake it on the first one.
  for (const type of ["pointerdown", "keydown"]) {
    document.addEventListener(type, () => { if (soundEnabled()) wakeAudio(); }, { capture: true });
  }
  $("sound-toggle").checked = load(SOUND_KEY) === "on";
  $("sound-toggle").addEventListener("change", (e) => {
    store(SOUND_KEY, e.target.checked ? "on" : "off");
    // The first sound needs a user gesture: this change is one. A short beep confirms.
    if (e.target.checked) { wakeAudio(); beep(); }
  });
}
