// The key figures of the chosen conversations as cards (conversations, reached a queue, unanswered share,
// wait median and 90th percentile, handling median, NPS with its number of answers, identified share,
// feedback share), then how the handled cases ended and whose matters they were.
import { $ } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { state } from "./state.js";
import { views } from "./render.js";
import { count, minutes, share, nps } from "./words.js";
import { dataTable, shareBar } from "./table.js";
import { figure } from "./card.js";

const OUTCOMES = ["adviceGiven", "appointmentArranged", "referred", "noCareNeed"];
const WHOSE = ["self", "child", "otherAdult"];

function cards(m) {
  const wait = m.waitSeconds, handling = m.handlingSeconds;
  return [
    figure("opened", t("fOpened"), count(m.opened), t("fOpenedSub")),
    figure("reachedQueue", t("fReached"), count(m.reachedQueue), t("fReachedSub", { n: count(m.picked) })),
    figure("unansweredShare", t("fUnanswered"), share(m.unansweredShare), t("fUnansweredSub", { n: count(m.unanswered) })),
    figure("wait", t("fWait"), minutes(wait && wait.median), t("fWaitSub", { p90: minutes(wait && wait.p90) })),
    figure("handling", t("fHandling"), minutes(handling && handling.median), t("fHandlingSub", { n: count(handling ? handling.count : 0) })),
    figure("nps", t("fNps"), nps(m.nps.score), t("fNpsSub", { n: count(m.nps.answers) })),
    figure("identifiedShare", t("fIdentified"), share(m.identifiedShare), t("fIdentifiedSub", { n: count(m.identified) })),
    figure("feedbackShare", t("fFeedback"), share(m.feedbackShare), t("fFeedbackSub", { n: count(m.feedbackGiven) })),
  ];
}

// A small table of counts with each one's share of their sum and a bar for it.
function countTable(id, caption, keys, counts) {
  const total = keys.reduce((sum, k) => sum + (counts[k] || 0), 0);
  const table = dataTable({
    id, caption, captionHidden: true,
    columns: [{ label: caption }, { label: t("count"), num: true }, { label: t("share"), num: true }],
    rows: keys.map((k) => [t(k), count(counts[k] || 0), total ? share((counts[k] || 0) / total) : t("none")]),
  });
  // Each share with its bar, after the number.
  table.querySelectorAll("tbody tr").forEach((row, i) => {
    row.lastElementChild.prepend(shareBar(total ? (counts[keys[i]] || 0) / total : 0));
    row.dataset.key = keys[i];
  });
  return table;
}

function render() {
  const r = state.report;
  if (!r) return;
  const m = r.totals;
  $("figures").replaceChildren(...cards(m));
  $("outcomes").replaceChildren(countTable("outcomes-table", t("outcomesTitle"), OUTCOMES, m.outcomes));
  $("whose").replaceChildren(countTable("whose-table", t("whoseTitle"), WHOSE, m.whoseMatter));
}

export function startFigures() { views.figures = render; }
