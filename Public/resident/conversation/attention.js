// Getting the resident's attention when the professional picks the matter or writes: the page told
// them they may leave it, and a reply can take half an hour. The tab title says where the matter
// stands and counts what came while the tab was in the background; a short tone and a vibration mark
// the news; and while the tab is in the background, a system notification, if the resident allowed
// it (notify-offer.js asks). The notification names no health detail: it can show on a locked screen.
import { t } from "../../shared/i18n.js";
import { chime, wakeAudio } from "../../shared/chime.js";
import { S } from "../state.js";
import { who } from "../words.js";

let unread = 0;
const away = () => document.visibilityState !== "visible";

function statusTitle(c) {
  if (!c || S.step !== "conversation") return "";
  if (c.status === "queued") return c.picked ? t("titlePassed") : c.position ? t("titleQueuedN", { n: c.position }) : t("titleQueued");
  return t({ active: "titleActive", closed: "titleClosed", withdrawn: "titleWithdrawn", callBack: "titleCallBack" }[c.status] || "") || "";
}

export function updateTitle() {
  const status = statusTitle(S.conv);
  document.title = (unread ? `(${unread}) ` : "") + (status ? status + " – " : "") + t("title");
}

export const notificationsSupported = () => "Notification" in window && window.isSecureContext !== false;

// `news`: what one round of events brought, in order: "picked", "message" or "photo".
export function signalNews(news) {
  if (!news.length) return;
  if (away()) unread += news.filter((n) => n !== "picked").length;
  updateTitle();
  chime([660, 880]);
  try { navigator.vibrate?.([120, 80, 120]); } catch { /* not on this device */ }
  if (away() && notificationsSupported() && Notification.permission === "granted") {
    const last = news[news.length - 1], name = who(S.conv?.professional) || t("someone");
    try {
      const note = new Notification(t("brand"), {
        body: t(last === "picked" ? "notifyPicked" : "notifyMessage", { who: name }),
        tag: "neuvo-" + (S.conv?.id || ""), lang: document.documentElement.lang });
      note.onclick = () => { window.focus(); note.close(); };
    } catch { /* some browsers allow notifications only from a service worker */ }
  }
}

export function startAttention() {
  document.addEventListener("visibilitychange", () => { if (!away() && unread) { unread = 0; updateTitle(); } });
  for (const type of ["pointerdown", "keydown"]) document.addEventListener(type, wakeAudio, { capture: true, once: true });
}
