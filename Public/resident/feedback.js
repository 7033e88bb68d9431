// Feedback (a 0–10 score and an optional comment), once a professional has closed the matter. main.js loads
// this module the first time a closed matter shows; its texts join the page's table here, and the form's
// fixed texts (drawn as their keys until then, while the form is hidden) are put in the page's language.
import { $, h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { store, load } from "../shared/storage.js";
import { S, KEY_FEEDBACK } from "./state.js";
import { views } from "./render.js";
import { STRINGS } from "./strings.js";
import { showError, showServerError } from "./errors.js";

const TEXTS = {
  fi: {
    feedbackH: "Palaute", scoreLegend: "Kuinka todennäköisesti suosittelisit tätä palvelua ystävällesi?",
    scoreHint: "0 = en lainkaan todennäköisesti, 10 = erittäin todennäköisesti", commentLabel: "Haluatko kertoa lisää?",
    feedbackSend: "Lähetä palaute", feedbackThanks: "Kiitos palautteestasi!", feedbackAlready: "Palautteesi on jo vastaanotettu. Kiitos!",
    eScore: "Valitse luku väliltä 0–10.", eNotClosed: "Palautetta voi antaa, kun asiasi on käsitelty."
  },
  sv: {
    feedbackH: "Respons", scoreLegend: "Hur sannolikt är det att du skulle rekommendera den här tjänsten till en vän?",
    scoreHint: "0 = inte alls sannolikt, 10 = mycket sannolikt", commentLabel: "Vill du berätta mer?",
    feedbackSend: "Skicka respons", feedbackThanks: "Tack för din respons!", feedbackAlready: "Din respons har redan tagits emot. Tack!",
    eScore: "Välj ett tal mellan 0 och 10.", eNotClosed: "Du kan ge respons när ditt ärende har behandlats."
  },
  en: {
    feedbackH: "Feedback", scoreLegend: "How likely is it that you would recommend this service to a friend?",
    scoreHint: "0 = not at all likely, 10 = extremely likely", commentLabel: "Would you like to tell us more?",
    feedbackSend: "Send feedback", feedbackThanks: "Thank you for your feedback!", feedbackAlready: "Your feedback has already been received. Thank you!",
    eScore: "Choose a number from 0 to 10.", eNotClosed: "Feedback can be given once your matter has been handled."
  }
};

function buildScale() {
  $("score-scale").replaceChildren(...Array.from({ length: 11 }, (_, n) => h("div", { class: "score" },
    h("input", { type: "radio", name: "score", id: "score-" + n, value: String(n) }),
    h("label", { for: "score-" + n, text: String(n) }))));
}
function renderFeedback() {
  const c = S.conv, show = !!(c && c.status === "closed" && c.closedOutcome && !c.redFlag);
  $("feedback").hidden = !show;
  if (!show) return;
  const done = load(KEY_FEEDBACK + c.id);
  $("feedback-form").hidden = !!done;
  $("feedback-thanks").hidden = !done;
  $("feedback-thanks").textContent = done ? t(done === "already" ? "feedbackAlready" : "feedbackThanks") : "";
  $("feedback-count").textContent = t("chars", { n: $("feedback-comment").value.length, max: 1000 });
}
async function sendFeedback(e) {
  e.preventDefault();
  const c = S.conv, button = $("feedback-submit");
  if (!c || button.disabled) return;
  showError("err-score", "");
  showError("err-feedback", "");
  const checked = document.querySelector("input[name=score]:checked");
  $("score-group").setAttribute("aria-describedby", checked ? "score-hint" : "err-score score-hint");
  if (!checked) { showError("err-score", "eScore"); $("score-0").focus(); return; }
  const body = { score: Number(checked.value) }, comment = $("feedback-comment").value.trim();
  if (comment) body.comment = comment;
  button.disabled = true;
  button.textContent = t("sending");
  const r = await request("POST", `/api/v1/conversations/${encodeURIComponent(c.id)}/feedback`, body);
  if (r.ok) feedbackDone(c, "given");
  else if (r.code === "feedback_given") feedbackDone(c, "already");
  else if (r.code === "invalid_score") showError("err-score", "eScore");
  else if (r.code === "not_closed") showError("err-feedback", "eNotClosed");
  else showServerError("err-feedback", r);
  button.disabled = false;
  button.textContent = t("feedbackSend");
}
function feedbackDone(c, how) {
  store(KEY_FEEDBACK + c.id, how);
  if (S.conv !== c) return;
  renderFeedback();
  $("feedback-thanks").focus();
}

export function startFeedback() {
  for (const [l, table] of Object.entries(TEXTS)) Object.assign(STRINGS[l], table);
  for (const node of $("feedback").querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  buildScale();
  views.feedback = renderFeedback;
  $("feedback-form").addEventListener("submit", sendFeedback);
  $("feedback-comment").addEventListener("input", renderFeedback);
  renderFeedback();
}
