// The waiting queue: one row per case (urgency, service, whose matter, waiting time) and picking one.
import { $, h, show, announce } from "../shared/dom.js";
import { t, lang } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { waitText } from "../shared/time.js";
import { state, caseRecord, waitingCount } from "./state.js";
import { views } from "./render.js";
import { queueName, serviceTitle, urgencyLabel, subjectKindLabel, caseLabel, errorText } from "./words.js";
import { updateTitle, stopBlink, showAlert, hideAlert } from "./signal.js";
import { leaveQueue, scheduleQueueRefresh, refreshQueue, measure } from "./queue-feed.js";
import { openCase } from "./cases.js";

function queueItem(c) {
  const service = serviceTitle(c.serviceId);
  const what = `${urgencyLabel(c.urgency)}, ${service}, ${subjectKindLabel(c.subject)}`;
  const wait = h("span", { class: "wait", dataset: { since: c.queuedAt } }, waitText(c.queuedAt));
  const button = h("button", {
    type: "button", class: "button small", dataset: { pick: c.conversationId },
    "aria-label": t("pickCase", { what }),
    onclick: () => pick(c.conversationId),
  }, t("pick"));
  return h("li", { class: `queue-item urgency-${c.urgency}` },
    h("div", { class: "qi-top" },
      h("span", { class: `badge urgency-${c.urgency}` }, urgencyLabel(c.urgency)),
      h("span", { class: "qi-service" }, service),
      h("span", { class: "qi-wait" }, h("span", { class: "visually-hidden" }, t("waiting") + " "), wait)),
    h("div", { class: "qi-meta" },
      h("span", {}, subjectKindLabel(c.subject)),
      h("span", { class: c.identified ? "tag ok" : "tag" }, c.identified ? t("identified") : t("anonymous")),
      h("span", { class: "tag queue" }, queueName(c.queueId)),
      c.offeredToMe ? h("span", { class: "tag offer" }, t("offeredToMe")) : null),
    h("p", { class: "qi-summary" }, c.summary || ""),
    button);
}

// The queue is updated in place: an item stays the same node while its case
// waits unchanged, so a change costs only what changed (hundreds of waiting
// cases stay quick), and keyboard focus and a screen reader's place are kept.
const queueNodes = new Map(); // conversationId -> { li, sig }
function renderQueue() {
  const started = performance.now();
  const list = $("queue-list");
  const focusedId = document.activeElement && list.contains(document.activeElement)
    ? document.activeElement.dataset.pick : null;
  const total = waitingCount();
  $("queue-count").textContent = String(total);
  $("queue-more").textContent = state.queueBeyond ? t("queueMore", { shown: state.queue.length, total }) : "";
  show($("queue-more"), !!state.queueBeyond);
  show($("queue-empty"), state.queue.length === 0);
  const wanted = new Set(state.queue.map((c) => c.conversationId));
  for (const [id, node] of queueNodes) {
    if (!wanted.has(id)) { node.li.remove(); queueNodes.delete(id); }
  }
  let previous = null;
  for (const c of state.queue) {
    const sig = [lang, c.urgency, c.queueId, c.serviceId, c.subject, c.identified, c.summary, c.queuedAt, c.offeredToMe,
                 !!state.catalog].join("\u0001");
    let node = queueNodes.get(c.conversationId);
    if (!node || node.sig !== sig) {
      const li = queueItem(c);
      if (node) node.li.replaceWith(li);
      node = { li, sig };
      queueNodes.set(c.conversationId, node);
    }
    const li = node.li;
    const inPlace = li.parentNode === list && (previous ? previous.nextElementSibling === li : list.firstElementChild === li);
    if (!inPlace) { if (previous) previous.after(li); else list.prepend(li); }
    previous = li;
  }
  // Anything else in the list (left from an earlier sign-in) goes.
  while (previous ? previous.nextElementSibling : list.firstElementChild) {
    (previous ? previous.nextElementSibling : list.firstElementChild).remove();
  }
  if (focusedId && !list.contains(document.activeElement)) {
    const again = list.querySelector(`[data-pick="${CSS.escape(focusedId)}"]`);
    (again || $("pick-next")).focus();
  }
  if (state.locked) views.lock();
  measure("pro:queue-render", started);
}

let picking = false;
// A case by id, or the next one (null).
export async function pick(conversationId) {
  // One pick at a time: a double Alt+N must not take two cases.
  if (picking) return;
  picking = true;
  const body = conversationId ? { conversationId } : {};
  const r = await request("POST", "/api/v1/pro/pick", body);
  picking = false;
  if (r.ok) {
    stopBlink();
    hideAlert();
    const id = r.data.id;
    caseRecord(id);
    views.mine();
    if (leaveQueue(id, 0)) { renderQueue(); updateTitle(); }
    scheduleQueueRefresh();
    await openCase(id, { focus: true, reload: true });
    const c = state.cases.get(id);
    if (c && c.view) announce(t("picked", { what: caseLabel(c) }));
    return;
  }
  if (r.status === 409 && r.code === "case_taken") {
    showAlert(t("caseTaken"), "warn");
    await refreshQueue();
    return;
  }
  if (r.status === 409 && r.code === "queue_empty") {
    showAlert(t("queueEmptyPick"), "info");
    await refreshQueue();
    return;
  }
  if (r.status !== 401) showAlert(errorText(r));
}

export function startQueue() {
  views.queue = renderQueue;
  $("pick-next").addEventListener("click", () => pick(null));
  // Live waiting times: only the text of the clocks changes, once a second.
  setInterval(() => {
    for (const node of document.querySelectorAll(".wait[data-since]")) {
      const text = waitText(node.dataset.since);
      if (node.textContent !== text) node.textContent = text;
    }
  }, 1000);
}
