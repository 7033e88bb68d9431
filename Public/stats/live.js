// The live overview: a card per queue with its waiting cases, the longest wait (ticking by the second
// from the oldest arrival, on the server's clock), cases past the queue's target, cases in handling and
// professionals on shift. A queue with a case past its target is marked by a thick border, a warning
// sign and the words "past target", not by colour alone, and the overview's polite live region says so
// whenever that number rises.
import { $, h, show } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { state } from "./state.js";
import { views } from "./render.js";
import { count, clock, queueName, timeText } from "./words.js";

let lastNews = [];    // what the live region says now, to say it again in another language
let speakTimer = 0;

function waitCell(q) {
  if (!q.oldestQueuedAt) return h("span", { class: "live-wait", text: t("none") });
  return h("span", { class: "live-wait", dataset: { since: q.oldestQueuedAt, target: String(q.targetMinutes * 60) } });
}

function card(q) {
  const late = q.pastTarget > 0;
  return h("li", { class: "live-queue" + (late ? " late" : ""), dataset: { queue: q.id, pastTarget: String(q.pastTarget) } },
    h("div", { class: "live-queue-head" },
      h("h3", { text: queueName(q.id, q.name) }),
      late
        ? h("p", { class: "late-badge" }, h("span", { class: "late-sign", "aria-hidden": "true", text: "⚠" }), t("liveLate", { n: count(q.pastTarget) }))
        : h("p", { class: "ok-badge", text: t("liveLateNone") })),
    h("dl", { class: "live-figures" },
      h("div", { class: "live-figure big" }, h("dt", { text: t("liveWaiting") }), h("dd", { class: "live-waiting", text: count(q.waiting) })),
      h("div", { class: "live-figure big" }, h("dt", { text: t("liveLongest") }),
        h("dd", null, waitCell(q), h("span", { class: "live-target", text: t("liveTarget", { n: count(q.targetMinutes) }) }))),
      h("div", { class: "live-figure" }, h("dt", { text: t("liveInHandling") }), h("dd", { class: "live-handling", text: count(q.inHandling) })),
      h("div", { class: "live-figure" }, h("dt", { text: t("liveOnShift") }), h("dd", { class: "live-shift", text: count(q.onShift) }))));
}

// "1 case past its target in Nurses." for each queue whose count rose.
function newsText(news) {
  return news.map((q) => t(q.pastTarget === 1 ? "liveNewsOne" : "liveNewsMany", { n: count(q.pastTarget), queue: queueName(q.id, q.name) })).join(" ");
}

// The live region is emptied and filled a moment later, so that the same words are read again.
function say(text) {
  const node = $("live-status");
  clearTimeout(speakTimer);
  node.textContent = "";
  if (text) speakTimer = setTimeout(() => { node.textContent = text; }, 100);
}

function render(news) {
  const data = state.live;
  $("live-updated").textContent = state.liveLost ? t("liveLost")
    : data ? `${t("liveHint")} ${t("liveUpdated", { time: timeText(Date.now()) })}` : "";
  $("live-updated").classList.toggle("lost", !!state.liveLost);
  if (!data) return;
  const queues = data.queues || [];
  show($("live-empty"), !queues.length);
  $("live-queues").replaceChildren(...queues.map(card));
  tick();
  if (news && news.length) {
    lastNews = news;
    say(newsText(news));
  } else if (!queues.some((q) => q.pastTarget > 0)) {
    lastNews = [];
    say("");
  }
}

// The longest waits, by the server's clock.
function tick() {
  const now = Date.now() + state.liveOffset;
  for (const node of document.querySelectorAll("#live-queues [data-since]")) {
    const seconds = (now - Date.parse(node.dataset.since)) / 1000;
    node.textContent = clock(seconds);
    node.classList.toggle("over", seconds > Number(node.dataset.target));
  }
}

// In another language: the cards, and what the live region last said.
export function relabelLive() {
  render(null);
  if (lastNews.length) $("live-status").textContent = newsText(lastNews);
}

export function startLive() {
  views.live = render;
  setInterval(tick, 1000);
}
