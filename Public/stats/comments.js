// What residents wrote with their feedback, newest first, with the score they gave and no date: nothing
// here leads to a person or a case. The API sends the latest hundred; the CSV has them all.
import { $, h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { state } from "./state.js";
import { views } from "./render.js";
import { count } from "./words.js";

// Detractors (0–6), passives (7–8) and promoters (9–10), as NPS counts them.
const band = (score) => (score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor");

function render() {
  const r = state.report;
  if (!r) return;
  const c = r.comments || { total: 0, shown: [] };
  $("comments-count").textContent = c.total ? t("commentsCount", { shown: count(c.shown.length), total: count(c.total) }) : t("noComments");
  $("comments").replaceChildren(...c.shown.map((x) => h("li", { class: "comment" },
    h("span", { class: `score ${band(x.score)}`, text: t("score", { n: count(x.score) }) }),
    h("p", { class: "comment-text", text: x.text }))));
}

export function startComments() { views.comments = render; }
