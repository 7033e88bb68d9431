// What went wrong, in the page's words: field errors (kept as keys, so a language switch rewords them),
// the server's error codes a resident can meet, and the notice under the emergency numbers.
import { $ } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

export function showError(id, key, vars) {
  const el = $(id);
  if (!el) return;
  el.dataset.key = key;
  el.dataset.vars = vars ? JSON.stringify(vars) : "";
  el.textContent = key ? t(key, vars) : "";
  el.hidden = !key;
}
export function showRawError(id, text) { const el = $(id); delete el.dataset.key; el.textContent = text; el.hidden = !text; }
// After a language switch.
export function rewordErrors() {
  for (const el of document.querySelectorAll(".error[data-key]")) el.textContent = t(el.dataset.key, JSON.parse(el.dataset.vars || "null"));
}

// The server's English message is the last resort.
const SERVER_ERRORS = { conversation_closed: "eClosed", not_withdrawable: "eNotWithdrawable", no_catalog: "eNoCatalog",
  invalid_answer: "eAnswer", invalid_text: "eText", invalid_subject: "eSubject", overloaded: "eBusy", throttled: "eBusy" };
function serverErrorKey(err) { return SERVER_ERRORS[err.code] || (err.status === 503 || err.status === 429 ? "eBusy" : null); }
// `err`: a failed API result, or one thrown (status 0: not reached).
const serverMessage = (err) => err.message || "HTTP " + err.status;
export function serverErrorText(err) { const key = serverErrorKey(err); return key ? t(key) : serverMessage(err); }
export function showServerError(id, err) {
  const key = err.status ? serverErrorKey(err) : "offline";
  if (key) showError(id, key); else showRawError(id, serverMessage(err));
}

// The page's words for what the shared photo rule (shared/photos.js) found.
export const PHOTO_PROBLEM_KEYS = { type: "ePhotoType", size: "ePhotoSize" };

export function markInvalid(input, errId, bad) {
  if (!input) return;
  input.setAttribute("aria-invalid", String(bad));
  const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && x !== errId);
  if (bad) ids.unshift(errId);
  ids.length ? input.setAttribute("aria-describedby", ids.join(" ")) : input.removeAttribute("aria-describedby");
}

export function notice(text) {
  const n = $("notice");
  n.hidden = !text;
  n.textContent = text || "";
}
