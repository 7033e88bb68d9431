// Moving between the steps, and the tiny render-request module: each view registers here how it draws
// its part, and any module asks through `views`, so no view imports another. Drawing is synchronous:
// once a call returns, the page shows it; a slot not registered yet does nothing.
import { $ } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { S, STEPS } from "./state.js";

const nothing = () => {};
export const views = {
  service: nothing,       // the service list (step 2)
  questions: nothing,     // the pre-questions (step 3)
  redflag: nothing,       // the red-flag step
  status: nothing,        // the matter's status card
  messages: nothing,      // the conversation's timeline
  feedback: nothing,      // the feedback form, once the matter is closed (main.js loads feedback.js when first needed)
  notify: nothing,        // the offer to notify of a reply (main.js loads notify-offer.js when first needed)
  callBack: nothing,      // the call-back offer, form and request (main.js loads call-back.js when first needed)
  replyText: nothing,     // "text me when a professional answers" (main.js loads reply-text.js when first needed)
  identity: nothing,      // what depends on identification (the child's identity code field, subject.js)
};

// What each step draws when it is shown.
const STEP_PARTS = { service: ["service"], questions: ["questions"], redflag: ["redflag"], conversation: ["status", "messages"] };
export function paintStep(step) { for (const part of STEP_PARTS[step] || []) views[part](); }

export function go(step, focus = true) {
  S.step = step;
  for (const sec of document.querySelectorAll(".step")) sec.hidden = sec.id !== "step-" + step;
  renderProgress();
  paintStep(step);
  if (focus) {
    document.querySelector("#step-" + step + " h1").focus();
    window.scrollTo(0, 0);
  }
}
export function renderProgress() {
  const i = STEPS.indexOf(S.step === "redflag" ? "conversation" : S.step);
  $("progress").textContent = i < 0 ? "" : t("stepOf", { n: i + 1, name: t("steps")[i] });
}
