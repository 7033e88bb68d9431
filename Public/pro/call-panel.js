// The call panel at the top of a call-back's case that I handle: the number as a link that dials it, the
// window, the tries so far and what each came to; Reached / No answer / Wrong number record a try. Loaded by
// main.js when a case with a call-back is first shown; its state is the case's call-back (call-feed.js), which
// the case view brings from the server, so it is there again after a reload.
import { $, show, announce } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { state, currentHandledCase } from "./state.js";
import { views } from "./render.js";
import { numberText, caseLabel, callWindowText, telHref, errorText } from "./words.js";
import { showAlert } from "./signal.js";
import { scheduleCallBackRefresh, mergeCallBack, callShown } from "./call-feed.js";
import { dropCase, reloadCase } from "./cases.js";

// Reached, the panel stays to say what is left: closing the case as a chat is closed.
function renderCallPanel() {
  const c = currentHandledCase();
  const cb = c && c.callBack;
  const shown = callShown(cb);
  show($("call-panel"), shown);
  if (!shown) return;
  const link = $("call-phone");
  link.textContent = cb.phone || "–"; // no number after retention
  if (cb.phone) link.href = telHref(cb.phone); else link.removeAttribute("href");
  $("call-window").textContent = callWindowText(cb.window);
  $("call-attempts").textContent = numberText(cb.attempts || 0) + (cb.maxAttempts ? "/" + numberText(cb.maxAttempts) : "");
  const calling = cb.status === "picked";
  show($("call-buttons"), calling);
  show($("call-hint"), calling);
  const said = !calling ? t("callReachedSaid")
    : cb.attempts ? t("callNoAnswerSaid", { n: numberText(cb.attempts), max: numberText(cb.maxAttempts || cb.attempts) }) : "";
  $("call-status").textContent = said;
  show($("call-status"), !!said);
  if (c.id !== $("call-panel").dataset.caseId) { $("call-panel").dataset.caseId = c.id; $("call-error").hidden = true; }
}

// One try: reached (the case is then closed like a chat), no answer (again later, until the queue's tries
// are used) or a wrong number. The last unanswered try or a wrong number ends the matter as not reached.
let recording = false;
async function recordAttempt(result) {
  const c = currentHandledCase();
  const cb = c && c.callBack;
  if (!cb || cb.status !== "picked" || recording) return;
  recording = true;
  $("call-buttons").setAttribute("aria-busy", "true");
  const r = await request("POST", `/api/v1/pro/call-backs/${encodeURIComponent(cb.id)}/attempts`, { result });
  recording = false;
  $("call-buttons").removeAttribute("aria-busy");
  const here = state.current === c.id;
  const err = $("call-error");
  if (here) err.hidden = true;
  if (r.ok) {
    mergeCallBack(c, r.data);
    scheduleCallBackRefresh();
    if (c.callBack.status === "notReached") {
      const text = t("callNotReached", { what: caseLabel(c) });
      c.closed = true;
      dropCase(c.id);
      showAlert(text, "info");
      announce(text);
      $("cb-heading").focus();
      return;
    }
    views.mine();
    if (!here) return;
    renderCallPanel();
    if (c.callBack.status === "reached") {
      announce(t("callReachedSaid"));
      $("close-button").focus();
    } else {
      announce($("call-status").textContent);
    }
    return;
  }
  if (r.status === 401) return;
  if (r.status === 404) {
    // The case is no longer mine to call: closed or passed on (in another window, or news of it still on the way).
    dropCase(c.id);
    scheduleCallBackRefresh();
    showAlert(t("caseGone"), "warn");
    $("cb-heading").focus();
    return;
  }
  if (here) {
    err.textContent = r.status === 409 && r.code === "call_back_ended" ? t("callEnded") : errorText(r);
    err.hidden = false;
  }
  if (r.status === 409) {
    // Ended elsewhere (reached or not in another window): the case view says how it stands now.
    scheduleCallBackRefresh();
    reloadCase(c.id);
  }
}

export function startCallPanel() {
  views.callPanel = renderCallPanel;
  for (const button of document.querySelectorAll("#call-buttons [data-attempt]")) {
    button.addEventListener("click", () => recordAttempt(button.dataset.attempt));
  }
  renderCallPanel();
}
