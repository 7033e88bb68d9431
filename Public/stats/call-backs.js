// Call-backs: the requests made in the range (when the resident asked, Finnish time) as key figures — how
// many, the share reached, on which attempt, not reached, cancelled, still waiting, the first call inside
// the window chosen, and how long from the request to the first call — then the same per window of the day.
// Nothing requested: one line saying so.
import { $, h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { state } from "./state.js";
import { views } from "./render.js";
import { count, share, hoursMinutes, windowText } from "./words.js";
import { dataTable } from "./table.js";
import { figure } from "./card.js";

// Reached on the first, the second and any later attempt (the API's list: index 0 is the first attempt).
function attempts(m) {
  const at = m.reachedOnAttempt || [];
  return [at[0] || 0, at[1] || 0, at.slice(2).reduce((sum, n) => sum + n, 0)];
}

// Of the requests called at all (each has a request → first call time), those first called inside their window.
function inWindowShare(m) {
  const called = m.delaySeconds ? m.delaySeconds.count : 0;
  return { called, share: called ? m.calledInWindow / called : null };
}

function cards(m) {
  const [first, second, later] = attempts(m), delay = m.delaySeconds, inWindow = inWindowShare(m);
  return [
    figure("cbRequested", t("cbRequested"), count(m.requested), t("cbRequestedSub")),
    figure("cbReached", t("cbReached"), share(m.reachedShare), t("cbReachedSub", { n: count(m.reached) })),
    figure("cbFirst", t("cbFirst"), count(first)),
    figure("cbSecond", t("cbSecond"), count(second)),
    figure("cbLater", t("cbLater"), count(later)),
    figure("cbNotReached", t("cbNotReached"), count(m.notReached)),
    figure("cbCancelled", t("cbCancelled"), count(m.cancelled), t("cbCancelledSub")),
    figure("cbWaiting", t("cbWaiting"), count(m.waiting), t("cbWaitingSub")),
    figure("cbInWindow", t("cbInWindow"), count(m.calledInWindow),
      t("cbInWindowSub", { share: share(inWindow.share), n: count(inWindow.called) })),
    figure("cbDelay", t("cbDelay"), hoursMinutes(delay && delay.median), t("cbDelaySub", { p90: hoursMinutes(delay && delay.p90) })),
  ];
}

const COLUMNS = ["cbWindow", "cbcRequested", "cbcReached", "cbcFirst", "cbcSecond", "cbcLater", "cbcNotReached", "cbcCancelled",
                 "cbcWaiting", "cbcInWindow", "cbcDelayMedian", "cbcDelayP90"];

function row(w) {
  const m = w.measures, delay = m.delaySeconds || {};
  return [windowText(w.window), count(m.requested), share(m.reachedShare), ...attempts(m).map(count), count(m.notReached),
          count(m.cancelled), count(m.waiting), count(m.calledInWindow), hoursMinutes(delay.median), hoursMinutes(delay.p90)];
}

function render() {
  const r = state.report;
  if (!r) return;
  const c = r.callBacks || { totals: { requested: 0 }, byWindow: [] };
  const none = !c.totals.requested;
  $("call-backs-empty").hidden = !none;
  $("call-back-figures").hidden = none;
  $("call-backs-windows").hidden = none;
  $("call-back-figures").replaceChildren(...(none ? [] : cards(c.totals)));
  if (none) { $("call-backs-table").replaceChildren(); return; }
  const table = dataTable({
    id: "call-backs-data", caption: t("cbByWindow"), captionHidden: true,
    columns: COLUMNS.map((key, i) => ({ label: t(key), num: i > 0 })),
    rows: c.byWindow.map(row),
  });
  table.querySelectorAll("tbody tr").forEach((tr, i) => { tr.dataset.window = c.byWindow[i].window; });
  $("call-backs-table").replaceChildren(table);
}

export function startCallBacks() { views.callBacks = render; }
