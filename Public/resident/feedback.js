// Feedback (a 0–10 score and an optional comment), once a professional has closed the matter.
import { $, h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { store, load } from "../shared/storage.js";
import { S, KEY_FEEDBACK } from "./state.js";
import { views } from "./render.js";
import { showError, showServerError } from "./errors.js";

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
  buildScale();
  views.feedback = renderFeedback;
  $("feedback-form").addEventListener("submit", sendFeedback);
  $("feedback-comment").addEventListener("input", renderFeedback);
}
