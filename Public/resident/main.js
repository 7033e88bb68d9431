// Neuvo's resident page: whose matter → service → pre-questions → queue and chat.
//
// Native ES modules, no build step. Imports only go downward:
//   main.js (this entry: starts the page, switches the language, starts a new matter)
//   → views: subject, service, questions, red-flag, identification, conversation/status, conversation/timeline
//   → conversation services: poll, outbox, photos, uploads (keep the matter in step with the server), attention
//   → state.js, strings.js, words.js, errors.js, render.js, catalog.js
//   → ../shared/ (the toolkit both pages share)
// A view never imports another: it asks for another part's redraw through render.js.
// Some views are loaded when first needed, so the first view stays light: conversation/call-back.js once a
// matter waits in a queue, conversation/reply-text.js once one waits or is handled, conversation/retriage.js
// with it once one waits (each with its own strings), service-hours.js when the service list is first drawn,
// earlier.js (earlier matters and their printable summary) when a new matter is started, titles.js with a matter,
// forget.js ("forget this device") when used, conversation/passed-on.js once a picked matter is back in a queue,
// conversation/notify-offer.js once a matter waits or is handled, feedback.js once one is closed.
// Nothing else imports them (earlier.js imports titles.js), and index.html does not preload them.
import { $, tuneAnnouncer } from "../shared/dom.js";
import { t, useStrings, setLang, hasLang, lang, translateStatic } from "../shared/i18n.js";
import { store, load } from "../shared/storage.js";
import { STRINGS } from "./strings.js";
import { S, KEY_LANG, KEY_CONV, KEY_OUTBOX, clearDrafts } from "./state.js";
import { useTitles } from "./words.js";
import { go, paintStep, renderProgress, views } from "./render.js";
import { rewordErrors } from "./errors.js";
import { needCatalog } from "./catalog.js";
import { startSubject, syncSubjectFields } from "./subject.js";
import { startServices } from "./service.js";
import { startQuestions } from "./questions.js";
import { startRedFlag } from "./red-flag.js";
import { startIdentification, renderIdentity } from "./identification.js";
import { startStatus } from "./conversation/status.js";
import { startTimeline } from "./conversation/timeline.js";
import { startAttention, updateTitle } from "./conversation/attention.js";
import { setConversation, resume } from "./conversation/poll.js";
import { sendChat, deliver } from "./conversation/outbox.js";
import { choosePhotos, resumeUploads, renderUploads } from "./conversation/photos.js";

useStrings(STRINGS, "en");
tuneAnnouncer({ join: true, delay: 80 });

function applyLang() {
  document.documentElement.lang = lang;
  updateTitle();
  translateStatic("t");
  for (const el of document.querySelectorAll("[data-ta]")) {
    const [attr, key] = el.dataset.ta.split(":");
    el.setAttribute(attr, t(key));
  }
  for (const b of document.querySelectorAll(".lang")) b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
  rewordErrors();
  renderProgress();
  renderIdentity();
  paintStep(S.step);
  if (S.step === "conversation") renderUploads();
}

// Until call-back.js has loaded, its slot loads it (again after a failed try) when the matter is one it shows.
let callBackPart = null;
function loadCallBack() {
  const c = S.conv;
  if (!c || !(c.status === "queued" || c.status === "callBack" || c.callBackCancelled || c.cbTry)) return;
  callBackPart ||= import("./conversation/call-back.js").then((m) => m.startCallBack(), () => { callBackPart = null; });
}
let replyTextPart = null, retriagePart = null, hoursPart = null, earlierPart = null, titlesPart = null, passedPart = null;
let notifyPart = null, feedbackPart = null;
function loadReplyText() {
  const s = S.conv?.status;
  if (s === "queued" || s === "active") replyTextPart ||= import("./conversation/reply-text.js").then((m) => m.startReplyText(), () => { replyTextPart = null; });
  if (s === "queued") retriagePart ||= import("./conversation/retriage.js").then((m) => m.startRetriage(), () => { retriagePart = null; });
  if (s) titlesPart ||= import("./titles.js").then((m) => { useTitles(m.localTitle); paintStep(S.step); }, () => { titlesPart = null; });
}

function loadNotifyOffer() {
  const s = S.conv?.status;
  if (s === "queued" || s === "active") notifyPart ||= import("./conversation/notify-offer.js").then((m) => m.startNotifyOffer(), () => { notifyPart = null; });
}
function loadFeedback() {
  if (S.conv?.status === "closed") feedbackPart ||= import("./feedback.js").then((m) => m.startFeedback(), () => { feedbackPart = null; });
}

function newMatter() {
  setConversation(null);
  clearDrafts();
  S.path = []; S.service = null; S.answers = {}; S.subject = null;
  $("subject-form").reset();
  syncSubjectFields();
  go("subject");
  updateTitle();
  earlierPart ||= import("./earlier.js").catch(() => { earlierPart = null; });
  earlierPart.then((m) => m?.showEarlier());
}

function init() {
  const saved = load(KEY_LANG);
  if (saved && hasLang(saved)) setLang(saved);
  const stored = load(KEY_CONV), id = /^[\w-]{1,64}$/.test(stored || "") ? stored : null;
  if (!id) resumeUploads(null);
  try { S.outbox = JSON.parse(load(KEY_OUTBOX) || "[]").filter((p) => p.conv === id); } catch { S.outbox = []; }
  startTimeline();
  startStatus();
  const status = views.status;
  views.status = () => { status(); if (S.conv?.picked && S.conv.status === "queued") passedPart ||= import("./conversation/passed-on.js").then((m) => m.startPassedOn(), () => { passedPart = null; }); };
  views.notify = loadNotifyOffer;
  views.callBack = loadCallBack;
  views.replyText = loadReplyText;
  startAttention();
  startRedFlag();
  startServices();
  const services = views.service;
  views.service = () => { services(); hoursPart ||= import("./service-hours.js").then((m) => m.startHours(), () => { hoursPart = null; }); };
  startQuestions();
  views.feedback = loadFeedback;
  applyLang();
  for (const b of document.querySelectorAll(".lang")) b.addEventListener("click", () => { setLang(b.dataset.lang); store(KEY_LANG, lang); applyLang(); });
  startSubject();
  $("chat-form").addEventListener("submit", sendChat);
  $("chat-text").addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) sendChat(e); });
  $("attach-photo").addEventListener("click", () => $("chat-photo").click());
  $("chat-photo").addEventListener("change", choosePhotos);
  window.addEventListener("online", () => { if (S.conv && S.live) resumeUploads(S.conv.id); });
  for (const b of document.querySelectorAll(".new-matter")) b.addEventListener("click", newMatter);
  $("forget").addEventListener("click", () => import("./forget.js").then((m) => m.forget(), () => {}));
  startIdentification();

  if (id) {
    needCatalog();
    resume(id).then(() => { for (const item of S.outbox) if (item.conv === id) deliver(item); });
  } else go("subject", false);
}

// Test hook, deliberately the only global: the page tests (Tests/clients) read the state here.
// Nothing on the page uses it.
window.__neuvo = { state: S };

init();
