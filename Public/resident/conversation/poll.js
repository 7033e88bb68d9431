// The open matter: which conversation it is, and keeping it in step with the server by long polling
// its events (messages, photos, status, place in the queue, wait estimate).
import { $, announce } from "../../shared/dom.js";
import { t } from "../../shared/i18n.js";
import { requestData } from "../../shared/api.js";
import { sleep, sleepUntilOnline } from "../../shared/time.js";
import { store } from "../../shared/storage.js";
import { S, KEY_CONV, terminal, addPhoto } from "../state.js";
import { go, views } from "../render.js";
import { showError, notice } from "../errors.js";
import { who, transferText, estimateText } from "../words.js";
import { dropFromOutbox } from "./outbox.js";
import { resumeUploads } from "./photos.js";
import { signalNews, updateTitle } from "./attention.js";

// Another conversation (or none): a new generation, so the loops of the old one stop.
export function setConversation(conv) {
  S.gen++;
  S.conv = conv;
  S.cursor = 0;
  S.messages = new Map();
  S.photos = new Map();
  S.photoNodes = new Map();
  S.notes = new Map();
  S.live = false;
  $("feedback-form").reset();
  showError("err-score", "");
  showError("err-feedback", "");
  showError("err-photo", "");
  store(KEY_CONV, conv ? conv.id : null);
}

// A matter this browser had open: where it stands now; then its events.
export async function resume(id) {
  try {
    const c = await requestData("GET", "/api/v1/conversations/" + id);
    if (c.status === "open") { if (!S.conv) setConversation({ id, status: "open" }); go("subject", S.step !== "loading"); return; }
    if (!S.conv || S.conv.id !== id) setConversation({ id, status: c.status });
    Object.assign(S.conv, { status: c.status, queue: c.queueId ? { id: c.queueId } : null, position: c.position, estimate: c.estimate || null, subject: c.subject });
    if (c.subject?.kind === "child") c.subject.months = c.subject.ageMonths;
    poll();
  } catch (err) {
    if (err.status === 404) { setConversation(null); go("subject", false); return; }
    notice(t("offline"));
    await sleep(3000);
    resume(id);
  }
}

// `news` collects what the professional did (picked, wrote), to signal once per round.
function applyEvent(ev, news) {
  const c = S.conv, d = ev.data || {};
  switch (ev.type) {
    case "message": {
      const known = S.messages.has(d.id);
      const mine = S.outbox.some((p) => p.clientId === d.clientId) || S.sentHere.has(d.clientId);
      S.messages.set(d.id, { id: d.id, clientId: d.clientId, author: d.author, text: d.text, seq: ev.seq, at: ev.at, professional: d.professional });
      dropFromOutbox(d.clientId);
      if (S.live && !known && !mine) announce(t("announceMsg", { who: d.author === "resident" ? t("you") : who(d.professional) || t("someone"), text: d.text }));
      if (S.live && !known && d.author !== "resident") news.push("message");
      break;
    }
    case "photo": {
      const known = S.photos.has(d.id);
      addPhoto(d, ev.seq);
      if (S.live && !known && d.author !== "resident") { announce(t("announcePhoto", { who: who(c.professional) || t("someone") })); news.push("photo"); }
      break;
    }
    case "queued": c.status = "queued"; c.queue = d.queue; break;
    case "redFlag": c.status = "closed"; c.redFlag = { action: d.action, message: d.message }; break;
    case "withdrawn": c.status = "withdrawn"; break;
    // Out of the chat queue to wait for a call (call-back.js reads the request itself), and taken back.
    case "callBackRequested": c.status = "callBack"; break;
    case "callBackCancelled": c.status = d.status || "withdrawn"; c.callBackCancelled = true; break;
    // Tries to call: call-back.js shows them.
    case "callBackAttempt": c.cbTry = { ...d, at: ev.at }; break;
    case "callBackNotReached": c.status = "closed"; c.notReached = true; break;
    case "retriaged": c.queue = d.queue; c.urgency = d.urgency; c.retriaged = true; break;
    case "picked":
      c.status = "active"; c.picked = true; c.professional = d.professional; c.transfer = null;
      if (S.live) news.push("picked");
      break;
    case "transferred": {
      // The event names a queue, or a colleague by title only.
      const tr = d.queue ? { queue: d.queue } : { title: d.professional?.title || "" };
      const known = S.notes.has(ev.seq);
      S.notes.set(ev.seq, { seq: ev.seq, at: ev.at, transfer: tr });
      c.transfer = tr;
      if (d.queue) { c.status = "queued"; c.queue = d.queue; c.professional = null; } else if (d.professional) { c.status = "active"; c.professional = { title: tr.title }; }
      if (S.live && !known) announce(transferText(tr));
      break;
    }
    case "closed":
      c.status = "closed"; c.instructions = d.instructions; c.closedOutcome = d.outcome || "closed";
      if (d.professional) c.professional = d.professional;
      break;
    case "status": if (d.status) c.status = d.status; break;
  }
}

export async function poll() {
  if (!S.conv || S.polling === S.gen) return;
  const gen = S.polling = S.gen, id = S.conv.id;
  let delay = 1000;
  // The first round replays the history (even of an ended matter); later rounds wait for news.
  while (gen === S.gen && !(S.live && terminal(S.conv.status))) {
    const c = S.conv;
    let url = `/api/v1/conversations/${id}/events?after=${S.cursor}&wait=${S.live ? 25 : 0}`;
    if (c.status === "queued" && c.position != null) url += "&position=" + c.position;
    if (c.status === "queued" && c.estimate?.key) url += "&estimate=" + encodeURIComponent(c.estimate.key);
    try {
      const r = await requestData("GET", url);
      if (gen !== S.gen) break;
      notice("");
      delay = 1000;
      const before = { status: c.status, position: c.position, estimate: c.status === "queued" ? c.estimate?.key : null, queue: c.queue?.id };
      const news = [];
      for (const ev of r.events) applyEvent(ev, news);
      S.cursor = r.next;
      if (r.status) c.status = r.status;
      if (c.status === "active") c.picked = true;
      c.position = c.status === "queued" && !c.picked ? r.position : null;
      c.estimate = r.estimate || null;
      const behind = S.live && before.status === "queued" && c.status === "queued" && before.queue === c.queue?.id
        && before.position && c.position > before.position && !c.movedBack;
      if (behind) c.movedBack = true;
      if (c.redFlag) { if (S.step !== "redflag") go("redflag", S.step !== "loading"); break; }
      // Not while answering again (retriage.js) a matter still waiting.
      if (S.step !== "conversation") { if (!S.retriage || c.status !== "queued") go("conversation", S.step !== "loading"); }
      else {
        views.status();
        views.messages();
        if (S.live && c.status !== before.status) {
          announce($("h-conv").textContent + ". " + $("conv-next").textContent);
          if (c.status === "queued" && c.position) announce(t("position", { n: c.position }));
        } else if (S.live && c.status === "queued") {
          // The place in the queue and the wait estimate, each only when it changed.
          if (c.position && c.position !== before.position) announce(t("position", { n: c.position }));
          if (behind) announce(t("movedBack"));
          if (c.estimate && c.estimate.key !== before.estimate) announce(estimateText(c.estimate));
        }
      }
      signalNews(news);
      updateTitle();
      if (!S.live) resumeUploads(id);
      S.live = true;
    } catch (err) {
      if (gen !== S.gen) break;
      if (err.status === 404) { setConversation(null); go("subject"); break; }
      notice(t("reconnecting"));
      await sleepUntilOnline(delay);
      delay = Math.min(delay * 2, 5000);
    }
  }
  if (gen === S.polling) S.polling = null;
}
