// The matter's status card: where it stands, the place in the queue and the wait, what happens next,
// the closing instructions, and withdrawing it from the queue. A matter waiting for a call (status
// "callBack") is no longer a chat: its request and cancelling it are call-back.js's part of the card.
import { $, h, announce } from "../../shared/dom.js";
import { t, cap } from "../../shared/i18n.js";
import { request } from "../../shared/api.js";
import { S, terminal } from "../state.js";
import { views } from "../render.js";
import { showError, showServerError } from "../errors.js";
import { updateTitle } from "./attention.js";
import { subjectLine, catalogQueue, queueName, who, transferText, estimateText, hoursLines } from "../words.js";

function renderStatus() {
  const c = S.conv;
  if (!c) return;
  const status = c.status;
  $("conv-for").textContent = subjectLine(c.subject);
  // Once picked, a transfer back to a queue is no return to the waiting view (no "in the queue", place, wait or closed notice).
  const passed = status === "queued" && c.picked, queued = status === "queued" && !passed;
  $("h-conv").textContent = t(passed ? "hPassed"
    : { queued: "hQueued", active: "hActive", closed: "hClosed", withdrawn: "hWithdrawn", callBack: "hCallBack" }[status] || "hQueued");
  $("conv-queue").textContent = queueName(c.queue);
  $("conv-queue-row").hidden = !c.queue;
  $("conv-position").textContent = queued && c.position ? t("position", { n: c.position }) : "";
  $("conv-position").hidden = !(queued && c.position);
  $("conv-behind").hidden = !(queued && c.movedBack);
  const e = queued ? c.estimate : null, est = estimateText(e);
  $("conv-estimate").textContent = est;
  $("conv-estimate").hidden = !est;
  renderWaitInfo(c, e);
  const moved = c.transfer && !terminal(status) ? transferText(c.transfer) : "";
  $("conv-transfer").textContent = moved;
  $("conv-transfer").hidden = !moved;
  $("conv-next").textContent = status === "active" ? t("nextActive", { who: cap(who(c.professional)) || t("someone") })
    : status === "closed" ? t("nextClosed") : status === "withdrawn" ? t("nextWithdrawn")
    : status === "callBack" ? t("nextCallBack") : t(passed ? "passedOn" : "nextQueued");
  const m = catalogQueue(c.queue)?.targetFirstResponseMinutes;
  $("conv-target").textContent = queued && m ? t("target", { d: m >= 120 && m % 60 === 0 ? t("hours", { n: m / 60 }) : t("minutes", { n: m }) }) : "";
  $("conv-target").hidden = !$("conv-target").textContent;
  $("conv-instructions").hidden = !(status === "closed" && c.instructions);
  $("conv-instructions-text").textContent = c.instructions || "";
  $("withdraw").hidden = !(status === "queued" || status === "open");
  if ($("withdraw").hidden) $("withdraw-confirm").hidden = true;
  for (const b of document.querySelectorAll("#step-conversation .new-matter")) b.hidden = !terminal(status);
  const noChat = terminal(status) || status === "callBack";
  $("chat-form").hidden = noChat;
  $("chat").hidden = noChat && !S.messages.size && !S.photos.size;
  views.feedback();
  views.notify();
  views.replyText();
  views.callBack();
  updateTitle();
}

// When no number can be given (nobody on shift, or the queue closed): the matter stays in the queue,
// the queue's opening hours, and where to call meanwhile.
function renderWaitInfo(c, e) {
  const show = !!e && (e.state === "nobodyOnShift" || e.state === "closed");
  $("conv-wait-info").hidden = !show;
  if (!show) return;
  $("conv-wait-stays").textContent = t(e.state === "closed" ? "staysClosed" : "staysNobody");
  const q = catalogQueue(c.queue);
  const lines = q ? hoursLines(q.openingHours) : [];
  $("h-hours").hidden = !lines.length;
  $("conv-hours").hidden = !lines.length;
  $("conv-hours").replaceChildren(...lines.map((l) => h("li", {}, h("span", { class: "days", text: l.days }), " ", h("span", { text: l.hours }))));
}

function askWithdraw() {
  $("withdraw-confirm").hidden = false;
  showError("err-withdraw", "");
  $("withdraw-q").focus();
}
async function withdraw() {
  const r = await request("POST", `/api/v1/conversations/${S.conv.id}/withdraw`, {});
  if (!r.ok) { showServerError("err-withdraw", r); return; }
  S.conv.status = r.data.status;
  $("withdraw-confirm").hidden = true;
  renderStatus();
  $("h-conv").focus();
  announce($("h-conv").textContent);
}

export function startStatus() {
  views.status = renderStatus;
  $("withdraw").addEventListener("click", askWithdraw);
  $("withdraw-yes").addEventListener("click", withdraw);
  $("withdraw-no").addEventListener("click", () => { $("withdraw-confirm").hidden = true; $("withdraw").focus(); });
}
