// Neuvo – the service managers' statistics (/stats/), and for administrators the access log (?view=log).
//
// Native ES modules, no build step, plain DOM; text from the server is only ever put in with
// textContent. Imports only go downward:
//   main.js (this entry: start, sign-in → statistics or access log, language)
//   → views: session, filters, live, figures, times, groups, call-backs, flags, comments, access-log
//   → services: report-feed (the statistics for the pickers), live-feed (the live overview's long poll),
//     log-feed (the access log's search)
//   → helpers: words, log-words, range, chart, table, card, render
//   → state.js, strings.js
//   → ../shared/ (the toolkit every page shares)
// A view never imports another: it asks for another part's redraw through render.js (`views`).
import { $ } from "../shared/dom.js";
import { t, lang, setLang, useStrings, translateStatic } from "../shared/i18n.js";
import { request, whenSignedOut } from "../shared/api.js";
import { store, load } from "../shared/storage.js";
import { STRINGS } from "./strings.js";
import { state, LANGS, LANG_KEY, isAdmin } from "./state.js";
import { views, drawReport } from "./render.js";
import { loadReport, updateCsvLinks, keepInAddress } from "./report-feed.js";
import { firstOverview, followLive } from "./live-feed.js";
import { startSession, showView, showLogin, onSignedOut } from "./session.js";
import { startFilters, initFilters } from "./filters.js";
import { startLive, relabelLive } from "./live.js";
import { startFigures } from "./figures.js";
import { startTimes } from "./times.js";
import { startGroups } from "./groups.js";
import { startFlags } from "./flags.js";
import { startComments } from "./comments.js";
import { startCallBacks } from "./call-backs.js";
import { startAccessLog } from "./access-log.js";

useStrings(STRINGS, "fi");
{
  const saved = load(LANG_KEY);
  if (LANGS.includes(saved)) setLang(saved);
}
whenSignedOut(() => onSignedOut(true));

function applyStrings() {
  document.documentElement.lang = lang;
  translateStatic("i18n");
  document.title = `${t("titleSuffix")} – ${t(state.view === "log" ? "logSubtitle" : "appSubtitle")}`;
  $("lang-select").value = lang;
  $("view-nav").setAttribute("aria-label", t("navLabel"));
  updateCsvLinks();
  if (!state.me) return;
  views.filters();
  relabelLive();
  drawReport();
  views.log();
}

function setLanguage(next) {
  if (!LANGS.includes(next) || next === lang) return;
  setLang(next);
  store(LANG_KEY, lang);
  applyStrings();
}

// The view the address asks for: the access log (?view=log) is for administrators only.
const wantedView = () => (isAdmin() && new URLSearchParams(location.search).get("view") === "log" ? "log" : "stats");

// Shows the statistics or the access log; `push` (a click on the navigation) adds it to the history.
async function openView(name, { focus = false, push = false } = {}) {
  const view = name === "log" && isAdmin() ? "log" : "stats";
  showView(view);
  if (view === "log") {
    if (push) history.pushState(null, "", "/stats/?view=log");
    views.log();
    if (focus) $("log-heading").focus();
    return;
  }
  if (push) history.pushState(null, "", "/stats/");
  views.filters();
  views.status();
  if (focus) $("stats-heading").focus();
  if (state.report) keepInAddress(); // as it was left
  else await loadReport();
}

// Signed in: the statistics, if the API gives them to this account; else "no access".
async function enter(me, { focus = false } = {}) {
  state.generation++;
  const generation = state.generation;
  state.me = me;
  $("user-name").textContent = `${me.displayName}, ${me.title}`;
  if (!state.catalog) {
    const c = await request("GET", "/api/v1/catalog");
    if (c.ok) state.catalog = c.data; // else names fall back to the server's
  }
  const first = await firstOverview();
  if (generation !== state.generation) return;
  if (first.status === 404) { views.denied(); return; }
  if (first.status === 401) return; // the sign-in form shows
  initFilters();
  followLive(generation, first.ok ? first.data : null); // else it tries again
  await openView(wantedView(), { focus });
}

async function start() {
  startSession(enter);
  startFilters();
  startLive();
  startFigures();
  startTimes();
  startGroups();
  startFlags();
  startComments();
  startCallBacks();
  startAccessLog();
  // The navigation between the views (administrators), without reloading; back and forward too.
  $("view-nav").addEventListener("click", (event) => {
    const link = event.target.closest("a[data-view]");
    if (!link || event.button || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (link.dataset.view !== state.view) openView(link.dataset.view, { push: true, focus: true });
  });
  window.addEventListener("popstate", () => { if (state.view === "stats" || state.view === "log") openView(wantedView()); });
  $("lang-select").addEventListener("change", (e) => setLanguage(e.target.value));
  applyStrings();
  const r = await request("GET", "/api/v1/pro/me");
  if (r.ok) { enter(r.data); return; }
  showLogin(r.status ? null : t("networkError"));
}

start();
