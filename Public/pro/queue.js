// The waiting queue: one row per case (urgency, service, identified, whose matter, queue, waited / target),
// narrowed by the filter (queue-filter.js), and picking one. (The call list beside it is call-backs.js.)
import { $, h, show, announce } from "../shared/dom.js";
import { t, lang } from "../shared/i18n.js";
import { request, serverNow } from "../shared/api.js";
import { waitedMinutes } from "../shared/time.js";
import { state, caseRecord, waitingCount } from "./state.js";
import { views } from "./render.js";
import { queueName, serviceTitle, urgencyLabel, subjectKindLabel, caseLabel, errorText, queueTarget, numberText }
  from "./words.js";
import { updateTitle, stopBlink, showAlert, hideAlert } from "./signal.js";
import { leaveQueue, scheduleQueueRefresh, refreshQueue, measure } from "./queue-feed.js";
import { openCase } from "./cases.js";

// Waited so far in whole minutes: the row has room for minutes, not a ticking clock.
const waitedText = (since) => numberText(waitedMinutes(since));

// Waited / the queue's target, both in minutes: "12/30 min", read as "waited 12 min, target 30 min".
function waitPart(c) {
  const m = queueTarget(c.queueId);
  return h("span", { class: "qi-wait", dataset: m ? { since: c.queuedAt, target: String(m * 60000) } : { since: c.queuedAt } },
    h("span", { class: "visually-hidden" }, t("waiting") + " "),
    h("span", { class: "qi-min", dataset: { since: c.queuedAt } }, waitedText(c.queuedAt)),
    m ? h("span", { class: "qi-target" }, h("span", { "aria-hidden": "true" }, "/"),
      h("span", { class: "visually-hidden" }, ` min, ${t("target")} `), `${numberText(m)} min`) : " min");
}

// The resident's language when not the page's: "SV", read and shown as a tooltip in full.
const langMark = (l) => (l && l !== lang ? [h("span", { class: "tag qi-lang", title: t("residentLang", { l: t("l" + l) }) },
  h("span", { "aria-hidden": "true" }, l.toUpperCase()), h("span", { class: "visually-hidden" }, t("residentLang", { l: t("l" + l) }))), " "] : []);

// One row per case in two short lines: the service in full, then identified, whose matter and the
// queue (only the queue's end may be cut, so the details name it again); urgency and waited / target
// at the right. The line opens the case's details below it.
const expanded = new Set();
function queueItem(c) {
  const service = serviceTitle(c.serviceId);
  const what = `${urgencyLabel(c.urgency)}, ${service}, ${subjectKindLabel(c.subject)}`;
  const open = expanded.has(c.conversationId);
  const detailsId = "qd-" + c.conversationId;
  // Identified or not: a mark (the word for screen readers and as a tooltip), the word in the details.
  const idWord = c.identified ? t("identified") : t("anonymous");
  const idMark = h("span", { class: c.identified ? "qi-id ok" : "qi-id", title: idWord },
    h("span", { "aria-hidden": "true" }, c.identified ? "✓" : "–"), h("span", { class: "visually-hidden" }, idWord));
  const line = h("button", { type: "button", class: "qi-line", "aria-expanded": String(open), "aria-controls": detailsId,
    dataset: { line: c.conversationId } },
    h("span", { class: "qi-service" }, service),
    h("span", { class: "qi-sub" }, idMark, " ", langMark(c.language), h("span", { class: "qi-whose" }, subjectKindLabel(c.subject)), " ",
      h("span", { class: "qi-queue" }, `· ${queueName(c.queueId)}`)));
  const details = h("div", { class: "qi-details", id: detailsId, hidden: !open },
    h("span", { class: "tag queue" }, queueName(c.queueId)),
    h("span", { class: c.identified ? "tag ok" : "tag", "aria-hidden": "true" }, idWord),
    c.offeredToMe ? h("span", { class: "tag offer" }, t("offeredToMe")) : null,
    h("p", { class: "qi-summary" }, c.summary || ""));
  line.addEventListener("click", () => {
    const now = line.getAttribute("aria-expanded") !== "true";
    if (now) expanded.add(c.conversationId); else expanded.delete(c.conversationId);
    line.setAttribute("aria-expanded", String(now));
    details.hidden = !now;
  });
  const button = h("button", {
    type: "button", class: "button small qi-pick", dataset: { pick: c.conversationId },
    "aria-label": t("pickCase", { what }),
    onclick: () => pick(c.conversationId),
  }, t("pick"));
  // The urgency is read first; the grid shows it at the right, above the waiting time.
  return h("li", { class: `queue-item urgency-${c.urgency}` },
    h("span", { class: `badge urgency-${c.urgency}` }, urgencyLabel(c.urgency)), line, waitPart(c), button, details);
}

// On this page only: "Pick next" still takes the server's next case from all my queues.
const inFilter = (c) => (!state.queueFilter.queue || c.queueId === state.queueFilter.queue)
  && (!state.queueFilter.urgency || c.urgency === state.queueFilter.urgency);

// The queue is updated in place: an item stays the same node while its case
// waits unchanged, so a change costs only what changed (hundreds of waiting
// cases stay quick), and keyboard focus and a screen reader's place are kept.
const queueNodes = new Map(); // conversationId -> { li, sig }
function renderQueue() {
  const started = performance.now();
  const list = $("queue-list");
  const focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.dataset : null;
  const total = waitingCount();
  $("queue-count").textContent = numberText(total);
  $("queue-more").textContent = state.queueBeyond
    ? t("queueMore", { shown: numberText(state.queue.length), total: numberText(total) }) : "";
  show($("queue-more"), !!state.queueBeyond);
  show($("queue-empty"), state.queue.length === 0);
  views.filter();
  const shown = state.queue.filter(inFilter);
  const filtering = !!(state.queueFilter.queue || state.queueFilter.urgency) && state.queue.length > 0;
  $("queue-filtered").textContent = filtering
    ? t("queueFiltered", { shown: numberText(shown.length), total: numberText(state.queue.length) }) : "";
  const wanted = new Set(shown.map((c) => c.conversationId));
  for (const [id, node] of queueNodes) {
    if (!wanted.has(id)) { node.li.remove(); queueNodes.delete(id); }
  }
  let previous = null;
  for (const c of shown) {
    const sig = [lang, c.urgency, c.queueId, c.serviceId, c.subject, c.identified, c.summary, c.queuedAt, c.offeredToMe,
                 c.language, !!state.catalog].join("\u0001");
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
  if (focused && !list.contains(document.activeElement)) {
    const again = focused.pick ? list.querySelector(`[data-pick="${CSS.escape(focused.pick)}"]`)
      : focused.line ? list.querySelector(`[data-line="${CSS.escape(focused.line)}"]`) : null;
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
  // Live waiting times: only the text of the minutes changes, checked once a second; past the target, in red.
  setInterval(() => {
    for (const node of document.querySelectorAll(".qi-min[data-since]")) {
      const text = waitedText(node.dataset.since);
      if (node.textContent !== text) node.textContent = text;
    }
    for (const node of document.querySelectorAll(".qi-wait[data-target]")) {
      node.classList.toggle("late", serverNow() - Date.parse(node.dataset.since) > Number(node.dataset.target));
    }
  }, 1000);
}
