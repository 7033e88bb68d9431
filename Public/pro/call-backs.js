// The call list beside the chat queue: one row per call-back in my queues (its window in Finnish time,
// urgency, service, whose matter, queue, the answers' gist, tries), and picking one to call. The list's
// data is call-feed.js; the call itself, in the picked case, is call-panel.js.
import { $, h, show, announce } from "../shared/dom.js";
import { t, lang } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { state, caseRecord } from "./state.js";
import { views } from "./render.js";
import { queueName, serviceTitle, urgencyLabel, subjectKindLabel, errorText, numberText, callWindowText, callBackLabel,
  telHref } from "./words.js";
import { showAlert, hideAlert } from "./signal.js";
import { scheduleCallBackRefresh, refreshCallBacks, mergeCallBack } from "./call-feed.js";
import { openCase } from "./cases.js";

// The call panel's code may still be loading when its case opens: focus goes to the call once it shows.
async function focusCall(id) {
  await views.callPanel();
  if (state.current === id) $($("call-panel").hidden ? "case-heading" : "call-heading").focus();
}

// One row per call-back: when (Finnish time) and urgency, then the service, whose matter and the queue with
// the tries so far, then the answers' gist. Pick for one waiting; a picked one is mine (its number, and
// Open for its case, where the tries are recorded) or a colleague's.
function callBackItem(b) {
  const what = callBackLabel(b);
  const colleague = b.status === "picked" && !b.mine;
  const action = b.mine
    ? h("button", { type: "button", class: "button small qi-pick", dataset: { openCall: b.id }, "aria-label": t("cbOpenLabel", { what }),
      onclick: () => openCase(b.conversationId, { focus: false }).then(() => focusCall(b.conversationId)) },
    t("cbOpen"))
    : colleague ? null
    : h("button", { type: "button", class: "button small qi-pick", dataset: { pickCall: b.id }, "aria-label": t("cbPickLabel", { what }),
      onclick: () => pickCallBack(b) }, t("pick"));
  const tries = t("cbAttempts", { n: numberText(b.attempts), max: numberText(b.maxAttempts) });
  return h("li", { class: `cb-item urgency-${b.urgency}`, dataset: { callBack: b.id } },
    h("span", { class: "cb-when" }, callWindowText(b.window)),
    h("span", { class: `badge urgency-${b.urgency}` }, urgencyLabel(b.urgency)),
    action,
    h("span", { class: "cb-what" }, `${serviceTitle(b.serviceId)} · ${subjectKindLabel(b.subjectKind)} · ${queueName(b.queueId)}`),
    h("span", { class: "cb-tries" }, tries),
    b.summary ? h("span", { class: "cb-summary" }, b.summary) : null,
    b.mine || colleague ? h("span", { class: "cb-who" },
      h("span", { class: b.mine ? "tag ok" : "tag" }, t(b.mine ? "cbYouCall" : "cbColleagueCalls")),
      b.mine && b.phone ? h("a", { class: "cb-phone", href: telHref(b.phone) }, b.phone) : null) : null);
}

// Drawn again only when something in it changed, keeping the focus on the same button if it is still there.
let callListSig = "";
function renderCallBacks() {
  const list = $("cb-list");
  const items = state.callBacks;
  const sig = JSON.stringify([lang, !!state.catalog, items]);
  $("cb-count").textContent = numberText(items.length);
  show($("cb-empty"), state.callBacksLoaded && items.length === 0);
  if (sig === callListSig) return;
  callListSig = sig;
  const focused = list.contains(document.activeElement) ? document.activeElement.dataset : null;
  list.replaceChildren(...items.map(callBackItem));
  if (focused) {
    const again = focused.pickCall ? list.querySelector(`[data-pick-call="${CSS.escape(focused.pickCall)}"]`)
      : focused.openCall ? list.querySelector(`[data-open-call="${CSS.escape(focused.openCall)}"]`) : null;
    (again || $("cb-heading")).focus();
  }
}

// Taking a call-back makes its matter my case, as picking a chat does: it opens, with the number to call.
let pickingCall = false;
async function pickCallBack(b) {
  if (pickingCall) return;
  pickingCall = true;
  const r = await request("POST", `/api/v1/pro/call-backs/${encodeURIComponent(b.id)}/pick`, {});
  pickingCall = false;
  if (r.ok) {
    hideAlert();
    mergeCallBack(caseRecord(b.conversationId), Object.assign({}, b, r.data, { mine: true }));
    views.mine();
    scheduleCallBackRefresh();
    await openCase(b.conversationId, { focus: false, reload: true });
    await focusCall(b.conversationId);
    announce(t("cbPicked", { what: callBackLabel(b), phone: r.data.phone || "" }));
    return;
  }
  if (r.status === 409 || r.status === 404) {
    // Someone was faster, the resident cancelled, or the queue is no longer mine.
    showAlert(r.status === 409 ? t("cbTaken") : errorText(r), "warn");
    await refreshCallBacks();
    if (!$("cb-list").contains(document.activeElement)) $("cb-heading").focus();
    return;
  }
  if (r.status !== 401) showAlert(errorText(r));
}

export function startCallBacks() { views.callBacks = renderCallBacks; }
