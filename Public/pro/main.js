// Neuvo – the professional's workspace (/pro/).
//
// Native ES modules, no build step, plain DOM; text from the server is only ever put in with
// textContent. Imports only go downward:
//   main.js (this entry: start, sign-in → workspace, language, keyboard shortcuts)
//   → views: session, queue, call-backs, queue-filter, my-cases, case-view, timeline, compose, photos, dialogs, shifts,
//     admin (and call-panel, loaded when a call-back's case is first shown)
//   → services: stream (the one long poll that drives everything live), cases, queue-feed, call-feed, signal, modal
//   → state.js, strings.js, words.js, render.js
//   → ../shared/ (the toolkit both pages share)
// A view never imports another: it asks for another part's redraw through render.js (`views`).
import { $, tuneAnnouncer } from "../shared/dom.js";
import { t, lang, setLang, useStrings, translateStatic } from "../shared/i18n.js";
import { request, whenSignedOut } from "../shared/api.js";
import { store, load } from "../shared/storage.js";
import { sleep } from "../shared/time.js";
import { STRINGS } from "./strings.js";
import { state, caseRecord, loadCaseIds, isAdmin, currentHandledCase, LANGS, LANG_KEY } from "./state.js";
import { views } from "./render.js";
import { updateTitle, hideAlert, startSignals } from "./signal.js";
import { startDialogs } from "./modal.js";
import { leftQueue, refreshQueue, scheduleQueueRefresh } from "./queue-feed.js";
import { refreshCallBacks, scheduleCallBackRefresh, callShown } from "./call-feed.js";
import { reloadCase, openCase } from "./cases.js";
import { pollLoop } from "./stream.js";
import { startSession, route, showLogin, onSignedOut, markUse } from "./session.js";
import { startQueue, pick } from "./queue.js";
import { startCallBacks } from "./call-backs.js";
import { startQueueFilter } from "./queue-filter.js";
import { startMyCases } from "./my-cases.js";
import { startCaseView } from "./case-view.js";
import { startTimeline } from "./timeline.js";
import { startCompose } from "./compose.js";
import { startPhotos } from "./photos.js";
import { startCaseDialogs, openCloseDialog, openTransferDialog, openConsultDialog, loadColleagues } from "./dialogs.js";
import { startShifts } from "./shifts.js";
import { startAdmin } from "./admin.js";

useStrings(STRINGS, "fi");
{
  const saved = load(LANG_KEY);
  if (LANGS.includes(saved)) setLang(saved);
}
// Locked, the page says nothing of the cases, not even to a screen reader; the title still signals.
tuneAnnouncer({ join: false, delay: 60, quiet: () => state.locked });
whenSignedOut(() => onSignedOut(true));

function applyStrings() {
  document.documentElement.lang = lang;
  translateStatic("i18n");
  $("lang-select").value = lang;
  $("view-nav").setAttribute("aria-label", t("navLabel"));
  views.shifts();
  views.queue();
  views.callBacks();
  views.mine();
  views.case();
  views.admin();
  updateTitle();
}

function setLanguage(next) {
  if (!LANGS.includes(next) || next === lang) return;
  setLang(next);
  store(LANG_KEY, lang);
  // The chat and the notes are rebuilt in the new language (quietly, as on a case switch).
  delete $("message-list").dataset.owner;
  delete $("note-list").dataset.owner;
  applyStrings();
  // Question texts, ready replies and the queue's summary lines come from the server in the chosen language.
  if (state.current) reloadCase(state.current);
  if (state.queueLoaded) scheduleQueueRefresh();
  if (state.callBacksLoaded) scheduleCallBackRefresh();
}

async function startWorkspace(me) {
  // A manager works no cases: their page is the statistics.
  if (me.role === "manager") { location.replace("/stats/"); return; }
  state.generation++;
  const generation = state.generation;
  state.me = me;
  state.locked = false;
  markUse();
  state.queue = [];
  leftQueue.clear();
  state.queueLoaded = false;
  state.callBacks = [];
  state.callBacksLoaded = false;
  $("user-name").textContent = `${me.displayName}, ${me.title}`;
  // An administrator who works in no queue starts in the admin view.
  if (isAdmin() && !(me.queues || []).length && !location.hash) history.replaceState(null, "", "#admin");
  route();
  hideAlert();
  if (!state.catalog) {
    const r = await request("GET", "/api/v1/catalog");
    if (r.ok) state.catalog = r.data; // else names fall back to ids
  }
  views.shifts();
  // The queue snapshot gives the cursor the stream continues from.
  for (let delay = 1000; !state.queueLoaded; delay = Math.min(delay * 2, 15000)) {
    await refreshQueue();
    if (generation !== state.generation) return;
    if (!state.queueLoaded) await sleep(delay);
  }
  state.cursor = state.queueCursor || 0;
  // My cases are the server's list (a case passed to me while the page was
  // closed, or taken in another browser), in the order this browser took them.
  const r = await request("GET", "/api/v1/pro/cases");
  const listed = r.ok && r.data && Array.isArray(r.data.cases) ? r.data.cases.map((x) => x.conversationId) : null;
  if (generation !== state.generation) return;
  const remembered = loadCaseIds();
  const ids = listed === null ? remembered
    : [...remembered.filter((id) => listed.includes(id)), ...listed.reverse().filter((id) => !remembered.includes(id))];
  for (const id of ids) caseRecord(id);
  views.mine();
  // The call list also finds which of my cases is a call-back I am calling.
  refreshCallBacks();
  if (state.order.length) {
    await Promise.all(state.order.map((id) => reloadCase(id)));
    if (generation !== state.generation) return;
    if (!state.current && state.order.length) openCase(state.order[0], { focus: false });
  }
  views.case();
  loadColleagues();
  pollLoop(generation);
  if (!$("admin-view").hidden) $("admin-heading").focus(); else $("pick-next").focus();
}

// Alt+N next case, Alt+C close, Alt+T transfer, Alt+K consult, Alt+M message, Alt+I note, Alt+Q queue,
// Alt+1…9 my cases; Ctrl+Enter confirms a dialog.
function onShortcut(e) {
  if (!state.me || $("workspace").hidden) return;
  const openDialogNode = document.querySelector("dialog[open]");
  const inDialog = !!openDialogNode;
  if (inDialog && e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    const form = openDialogNode.querySelector("form");
    if (form) { e.preventDefault(); form.requestSubmit(); }
    return;
  }
  if (e.altKey && !e.ctrlKey && !e.metaKey) {
    if (inDialog) return;
    // e.code, not e.key: Option+N on a Mac types a character instead of "n".
    switch (e.code) {
      case "KeyN": e.preventDefault(); pick(null); return;
      case "KeyC": e.preventDefault(); openCloseDialog(); return;
      case "KeyT": e.preventDefault(); openTransferDialog(); return;
      case "KeyK": e.preventDefault(); openConsultDialog(); return;
      case "KeyM": e.preventDefault(); if (!$("message-form").hidden && !$("case-view").hidden) $("message-input").focus(); return;
      case "KeyI": e.preventDefault(); if (!$("notes-panel").hidden) $("note-input").focus(); return;
      case "KeyQ": e.preventDefault(); $("queue-heading").focus(); return;
      default: {
        const m = /^Digit([1-9])$/.exec(e.code);
        if (m) {
          const id = state.order[Number(m[1]) - 1];
          if (id) { e.preventDefault(); openCase(id, { focus: true }); }
        }
      }
    }
  }
}

// Until call-panel.js has loaded, its slot loads it (again after a failed try) when the open case is a call-back I
// am calling; the promise lets a caller wait for the panel to be drawn.
let callPanelPart = null;
function loadCallPanel() {
  if (!callShown(currentHandledCase()?.callBack)) return callPanelPart;
  callPanelPart ||= import("./call-panel.js").then((m) => m.startCallPanel(), () => { callPanelPart = null; });
  return callPanelPart;
}

async function start() {
  startSignals();
  startSession(startWorkspace);
  startQueue();
  startCallBacks();
  views.callPanel = loadCallPanel;
  startQueueFilter();
  startMyCases();
  startCaseView();
  startTimeline();
  startCompose();
  startPhotos();
  startDialogs();
  startCaseDialogs();
  startShifts();
  startAdmin();
  document.addEventListener("keydown", onShortcut);
  $("lang-select").addEventListener("change", (e) => setLanguage(e.target.value));
  applyStrings();
  const r = await request("GET", "/api/v1/pro/me");
  if (r.ok) { startWorkspace(r.data); return; }
  showLogin(r.status ? null : t("networkError"));
}

start();
