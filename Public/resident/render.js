// Moving between the steps, and the tiny render-request module: a view registers how it draws its part
// (`paints`), and any module asks for that by name (`paint`), so no view imports another. Drawing is
// synchronous: once `paint` returns, the page shows it.
import { $ } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { S, STEPS } from "./state.js";

const painters = new Map();
export function paints(name, draw) { painters.set(name, draw); }
export function paint(name, ...args) { painters.get(name)?.(...args); }

// What each step draws when it is shown.
const STEP_PARTS = { service: ["service"], questions: ["questions"], redflag: ["redflag"], conversation: ["status", "messages"] };
export function paintStep(step) { for (const part of STEP_PARTS[step] || []) paint(part); }

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
