// Signing in and out, and which of the page's views shows: the sign-in form, "no access" for an account
// the statistics are not for (the API answers it 404), the statistics, or (administrators) the access log.
import { $, show } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { state, isAdmin } from "./state.js";
import { views } from "./render.js";
import { errorText } from "./words.js";
import { stopLive } from "./live-feed.js";
import { stopReport } from "./report-feed.js";
import { stopLog } from "./log-feed.js";

// `name`: login, denied, stats or log (the last two in the navigation, which is for administrators).
export function showView(name) {
  state.view = name;
  document.title = `${t("titleSuffix")} – ${t(name === "log" ? "logSubtitle" : "appSubtitle")}`;
  show($("login-view"), name === "login");
  show($("denied-view"), name === "denied");
  show($("stats-view"), name === "stats");
  show($("log-view"), name === "log");
  show($("user-box"), name !== "login");
  show($("view-nav"), (name === "stats" || name === "log") && isAdmin());
  for (const link of document.querySelectorAll("#view-nav [data-view]")) {
    if (link.dataset.view === name) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  }
  $("skip-link").setAttribute("href", name === "log" ? "#log-view" : "#stats-view");
}

export function showLogin(message) {
  showView("login");
  const err = $("login-error");
  if (message) { err.textContent = message; err.hidden = false; err.dataset.kind = "info"; } else { err.hidden = true; }
  $("login-password").value = "";
  $("login-username").focus();
}

// The statistics answer 404 both to an account they are not for and to a session that has ended: who
// am I tells the two apart (its 401 shows the sign-in form through the API module).
async function showDenied() {
  if (!state.me) return;
  const generation = ++state.generation;
  stopLive();
  stopReport();
  stopLog();
  const me = await request("GET", "/api/v1/pro/me");
  if (!me.ok || generation !== state.generation) return;
  showView("denied");
  $("denied-heading").focus();
}

function signInError(r) {
  return !r.status ? t("networkError")
    : r.status === 429 ? t("throttled")
    : r.status === 401 || r.code === "invalid_credentials" ? t("invalidCredentials")
    : errorText(r);
}

// Everything of the signed-in account is forgotten: its feeds stop and its numbers go.
export function onSignedOut(expired) {
  const wasIn = !!state.me;
  state.generation++;
  stopLive();
  stopReport();
  state.me = null;
  state.report = null;
  state.live = null;
  state.pastTarget = null;
  $("user-name").textContent = "";
  $("live-queues").replaceChildren();
  $("live-status").textContent = "";
  $("report").hidden = true;
  views.logReset(); // an identity code searched for, and who read whose case, go too
  if (expired) showLogin(wasIn ? t("sessionEnded") : null);
}

// `signedIn(me)` opens the statistics (main.js) once the password is right.
export function startSession(signedIn) {
  views.denied = showDenied;
  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const username = $("login-username").value.trim();
    const password = $("login-password").value;
    const err = $("login-error");
    err.hidden = true;
    delete err.dataset.kind;
    if (!username || !password) {
      err.textContent = t("missingCredentials");
      err.hidden = false;
      (username ? $("login-password") : $("login-username")).focus();
      return;
    }
    const button = $("login-submit");
    button.disabled = true;
    button.textContent = t("signingIn");
    const r = await request("POST", "/api/v1/pro/login", { username, password });
    button.disabled = false;
    button.textContent = t("signIn");
    if (r.ok) {
      $("login-password").value = "";
      signedIn(r.data, { focus: true });
      return;
    }
    err.textContent = signInError(r);
    err.hidden = false;
    $("login-password").value = "";
    $("login-password").focus();
  });

  const signOut = async () => {
    stopLive();
    await request("POST", "/api/v1/pro/logout", {}); // signed out here whatever it answers
    onSignedOut(false);
    showLogin(t("signedOut"));
  };
  $("logout-button").addEventListener("click", signOut);
  $("denied-signout").addEventListener("click", signOut);
}
