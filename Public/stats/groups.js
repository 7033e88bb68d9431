// The measures per queue and per service: a row each, the same columns in both tables.
import { $, h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { state } from "./state.js";
import { views } from "./render.js";
import { count, share, minutesValue, nps, queueName, serviceName } from "./words.js";
import { dataTable } from "./table.js";

function columns(first) {
  return [
    { label: first }, { label: t("cOpened"), num: true }, { label: t("cReached"), num: true }, { label: t("cPicked"), num: true },
    { label: t("cUnanswered"), num: true }, { label: t("cWaitMedian"), num: true }, { label: t("cWaitP90"), num: true },
    { label: t("cHandling"), num: true }, { label: t("cNps"), num: true },
  ];
}

function row(name, m) {
  const wait = m.waitSeconds || {}, handling = m.handlingSeconds || {};
  return [name, count(m.opened), count(m.reachedQueue), count(m.picked), share(m.unansweredShare),
          minutesValue(wait.median), minutesValue(wait.p90), minutesValue(handling.median),
          `${nps(m.nps.score)} (${count(m.nps.answers)})`];
}

function table(id, caption, first, groups, name) {
  if (!groups.length) return h("p", { class: "muted", text: t("noRows") });
  const node = dataTable({ id, caption, captionHidden: true, columns: columns(first),
                           rows: groups.map((g) => row(name(g.id, g.name), g.measures)) });
  node.querySelectorAll("tbody tr").forEach((tr, i) => { tr.dataset.id = groups[i].id; });
  return node;
}

function render() {
  const r = state.report;
  if (!r) return;
  $("queues-table").replaceChildren(table("queues-data", t("queuesTitle"), t("queueColumn"), r.byQueue, queueName));
  $("services-table").replaceChildren(table("services-data", t("servicesTitle"), t("serviceColumn"), r.byService, serviceName));
}

export function startGroups() { views.groups = render; }
