// Narrowing the waiting list by queue and urgency. It only changes what this page shows: "Pick next"
// still takes the server's next case from all my queues, and the count in the heading is the whole queue.
import { $, h } from "../shared/dom.js";
import { lang } from "../shared/i18n.js";
import { state } from "./state.js";
import { views } from "./render.js";
import { queueName } from "./words.js";

// My queues as choices, rebuilt only when they or their names change.
let shownSig = "";
function renderFilter() {
  const select = $("filter-queue");
  const queues = state.me ? state.me.queues : [];
  const sig = [lang, ...queues.map((q) => q + "=" + queueName(q))].join("\u0001");
  if (shownSig !== sig) {
    shownSig = sig;
    while (select.options.length > 1) select.remove(1);
    for (const q of queues) select.append(h("option", { value: q }, queueName(q)));
    if (!queues.includes(state.queueFilter.queue)) state.queueFilter.queue = "";
  }
  select.value = state.queueFilter.queue;
  $("filter-urgency").value = state.queueFilter.urgency;
}

function choose(key, value) {
  state.queueFilter[key] = value;
  views.queue();
}

export function startQueueFilter() {
  views.filter = renderFilter;
  $("filter-queue").addEventListener("change", (e) => choose("queue", e.target.value));
  $("filter-urgency").addEventListener("change", (e) => choose("urgency", e.target.value));
}
