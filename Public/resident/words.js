// The resident page's sentences about the matter, from the state: whose it is, its queue, who handles it.
import { t, localized, cap } from "../shared/i18n.js";
import { whose } from "../shared/people.js";
import { finnishWeekdayTime, weekdayName, clockOfDay } from "../shared/time.js";
import { S } from "./state.js";

export function subjectLine(subject) {
  if (!subject) return "";
  const kind = whose(subject.kind);
  if (kind === "child") return t("forChild", { name: subject.firstName });
  if (kind === "otherAdult") return t("forOther", { name: subject.name, rel: subject.relation });
  return t("forSelf");
}

export function catalogQueue(queue) {
  return queue ? S.catalog?.queues?.find((q) => q.id === queue.id) : undefined;
}
export function queueName(queue) {
  if (!queue) return "";
  if (queue.name) return localized(queue.name);
  return localized(catalogQueue(queue)?.name) || "";
}

// A professional's title in the page's language, once main.js has loaded titles.js.
let titled = (x) => x;
export function useTitles(f) { titled = f; }
export function who(p) { return p ? [p.displayName, titled(p.title)].filter(Boolean).join(", ") : ""; }

// The matter passed on: to a colleague (only their title is known) or back to a queue.
export function transferText(tr) {
  return tr.queue ? t("transferredQueue", { queue: queueName(tr.queue) }) : t("transferredPro", { title: titled(tr.title) || t("someone") });
}

export function estimateText(e) {
  if (!e) return "";
  if (e.state === "estimate") return t("estimate", { a: e.minMinutes, b: e.maxMinutes });
  if (e.state === "nobodyOnShift") return t("nobody");
  if (e.state === "closed") return e.opensAt ? t("closedQ", { when: finnishWeekdayTime(e.opensAt) }) : t("closedQ0");
  return "";
}

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
// Opening hours (Finnish time) as lines, consecutive days with the same hours joined: "Maanantai–perjantai 8.00–16.00".
export function hoursLines(hours) {
  const spans = WEEKDAYS.map((d) => {
    const ranges = hours?.[d] || [];
    if (!ranges.length) return t("hoursClosed");
    if (ranges.length === 1 && ranges[0][0] === "00:00" && ranges[0][1] === "24:00") return t("hoursAllDay");
    return ranges.map(([a, b]) => clockOfDay(a) + "–" + clockOfDay(b)).join(", ");
  });
  const lines = [];
  for (let i = 0; i < 7;) {
    let j = i;
    while (j + 1 < 7 && spans[j + 1] === spans[i]) j++;
    lines.push({ days: cap(i === j ? weekdayName(i) : weekdayName(i) + "–" + weekdayName(j)), hours: spans[i] });
    i = j + 1;
  }
  return lines;
}
