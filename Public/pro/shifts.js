// My queues, each with a checkbox: on shift in it or not.
import { $, h, announce } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { state } from "./state.js";
import { views } from "./render.js";
import { queueName, errorText } from "./words.js";
import { showAlert } from "./signal.js";

function renderShifts() {
  const list = $("shift-list");
  list.replaceChildren();
  if (!state.me) return;
  for (const q of state.me.queues) {
    const id = `shift-${q}`;
    const box = h("input", { type: "checkbox", id, dataset: { queue: q } });
    box.checked = state.me.onShift.includes(q);
    box.addEventListener("change", () => setShift(q, box));
    list.append(h("div", { class: "check-row" }, box, h("label", { for: id, text: queueName(q) })));
  }
}

async function setShift(queueId, box) {
  const on = box.checked;
  // Not disabled while saving: that would throw the keyboard focus away.
  box.setAttribute("aria-busy", "true");
  const r = await request("POST", "/api/v1/pro/shifts", { queueId, onShift: on });
  box.removeAttribute("aria-busy");
  if (r.ok) {
    state.me = r.data;
    announce(t(on ? "shiftOn" : "shiftOff", { queue: queueName(queueId) }));
  } else {
    box.checked = !on;
    if (r.status !== 401) showAlert(errorText(r));
  }
}

export function startShifts() { views.shifts = renderShifts; }
