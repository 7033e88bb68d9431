// Step 3: the service's pre-questions, shown and hidden by the catalog's branching as they are answered;
// photo questions keep the chosen files until the answers have put the matter in a queue.
import { $, h, announce } from "../shared/dom.js";
import { t, localized, lang } from "../shared/i18n.js";
import { request, failure } from "../shared/api.js";
import { evaluate, parseNumber } from "../shared/conditions.js";
import { PHOTO_TYPES, photoProblem } from "../shared/photos.js";
import { S, clearDrafts } from "./state.js";
import { go, views } from "./render.js";
import { showError, showRawError, showServerError, markInvalid, PHOTO_PROBLEM_KEYS } from "./errors.js";
import { subjectLine } from "./words.js";
import { setConversation, poll, resume } from "./conversation/poll.js";
import { queuePhotos } from "./conversation/photos.js";

const answersNow = () => evaluate(S.service.questions, S.answers, S.subject);

function fmtNum(n) { return n == null ? "" : new Intl.NumberFormat(lang + "-FI", { maximumFractionDigits: 2 }).format(n); }

function renderQuestions() {
  const svc = S.service;
  $("questions-for").textContent = subjectLine(S.subject);
  $("h-questions").textContent = t("questionsH", { s: localized(svc.title) });
  $("questions").replaceChildren(...(svc.questions || []).map(questionBlock));
  syncQuestions();
}
function questionBlock(q) {
  const id = "q-" + q.id, errId = "err-" + id, helpId = id + "-help";
  const err = h("p", { class: "error", id: errId, hidden: true });
  const help = q.help ? h("p", { class: "hint", id: helpId, text: localized(q.help) }) : null;
  const desc = help ? helpId : null;
  const textNode = [localized(q.text), q.required ? null : h("span", { class: "opt", text: " " + t("optional") })];
  const a = S.answers[q.id];
  const set = (v) => { S.answers[q.id] = v; syncQuestions(); };
  let body;
  if (q.type === "singleChoice" || q.type === "yesNo" || q.type === "multipleChoice") {
    const multi = q.type === "multipleChoice";
    const opts = q.type === "yesNo" ? [{ id: "yes", text: t("yes") }, { id: "no", text: t("no") }]
      : (q.options || []).map((o) => ({ id: o.id, text: localized(o.label) }));
    body = h("fieldset", { class: "group" + (q.type === "yesNo" ? " inline" : "") },
      h("legend", {}, textNode), help, err,
      opts.map((o) => h("div", { class: "choice" },
        h("input", {
          type: multi ? "checkbox" : "radio", name: id, id: id + "-" + o.id, value: o.id, "aria-describedby": desc,
          checked: multi ? (a || []).includes(o.id) : a === o.id,
          onchange: (e) => set(multi ? [...document.querySelectorAll(`input[name="${id}"]:checked`)].map((x) => x.value) : e.target.value)
        }),
        h("label", { for: id + "-" + o.id, text: o.text }))));
  } else if (q.type === "number") {
    const range = q.min != null && q.max != null ? " (" + t("range", { min: fmtNum(q.min), max: fmtNum(q.max) }) + (q.unit ? " " + q.unit : "") + ")" : "";
    body = h("div", { class: "field" },
      h("label", { for: id }, textNode, range), help, err,
      h("span", { class: "with-unit" },
        h("input", { id, type: "text", inputmode: q.integer ? "numeric" : "decimal", class: "short", "aria-describedby": desc,
          value: a ?? "", autocomplete: "off", oninput: (e) => set(e.target.value) }),
        q.unit ? h("span", { class: "unit", "aria-hidden": "true", text: q.unit }) : null));
  } else if (q.type === "text") {
    const max = q.maxLength || 2000, countId = id + "-count";
    const count = h("p", { class: "hint counter", id: countId, text: t("chars", { n: (a || "").length, max }) });
    body = h("div", { class: "field" },
      h("label", { for: id }, textNode), help, err,
      h("textarea", { id, rows: 3, maxlength: max, "aria-describedby": [desc, countId].filter(Boolean).join(" "),
        oninput: (e) => { count.textContent = t("chars", { n: e.target.value.length, max }); S.answers[q.id] = e.target.value; syncQuestions(); } }, a || ""),
      count);
  } else if (q.type === "photo") {
    body = photoQuestion(q, id, textNode, help, err);
  } else {
    body = h("div", { class: "field" }, h("p", { class: "qtext", text: localized(q.text) }), help, err);
  }
  return h("div", { class: "question", id: "question-" + q.id, "data-question": q.id }, body);
}
// A photo question: a picker (on a phone it offers the camera and the gallery; `capture` would hide the
// gallery), thumbnails from object URLs and remove buttons. The photos are uploaded once the answers
// have put the matter in a queue (not on a red flag).
function photoQuestion(q, id, textNode, help, err) {
  const max = q.maxCount || 1, list = S.drafts[q.id] || [];
  const textId = id + "-text", hintId = id + "-hint";
  const input = h("input", { type: "file", id, accept: PHOTO_TYPES.join(","), multiple: max > 1, hidden: true,
    onchange: (e) => addDrafts(q, e.target) });
  return h("div", { class: "field photo-q", role: "group", "aria-labelledby": textId },
    h("p", { class: "qtext", id: textId }, textNode), help, err,
    h("p", { class: "hint", id: hintId, text: t(max > 1 ? "photoHint" : "photoHint1", { max }) + " " + t("photoPrivacy") }),
    list.length ? h("ul", { class: "thumbs" }, list.map((d, i) => h("li", { class: "thumb" },
      h("img", { src: d.url, alt: t("thumbAlt", { n: i + 1, name: d.file.name }) }),
      h("button", { type: "button", class: "secondary remove", "aria-label": t("removePhotoN", { n: i + 1 }),
        text: t("removePhoto"), onclick: () => removeDraft(q, i) })))) : null,
    list.length ? h("p", { class: "hint", text: t("photoCount", { n: list.length, max }) }) : null,
    h("div", { class: "actions tight" },
      h("button", { type: "button", class: "secondary add-photo", disabled: list.length >= max,
        "aria-describedby": [help ? id + "-help" : null, hintId].filter(Boolean).join(" "),
        text: t("addPhoto"), onclick: () => input.click() })),
    input);
}
function addDrafts(q, input) {
  const max = q.maxCount || 1, list = (S.drafts[q.id] ||= []);
  let problem = null;
  for (const file of input.files) {
    const key = PHOTO_PROBLEM_KEYS[photoProblem(file)];
    if (key) { problem ||= [key, { name: file.name }]; continue; }
    if (list.length >= max) { problem ||= ["ePhotoMaxQ", { max }]; break; }
    list.push({ file, url: URL.createObjectURL(file) });
  }
  input.value = "";
  redrawQuestion(q, problem);
  const block = $("question-" + q.id), add = block.querySelector(".add-photo");
  (add.disabled ? [...block.querySelectorAll(".remove")].pop() : add)?.focus();
  announce(problem ? t(problem[0], problem[1]) : t("photoCount", { n: list.length, max }));
}
function removeDraft(q, i) {
  const list = S.drafts[q.id] || [];
  const [d] = list.splice(i, 1);
  if (d) URL.revokeObjectURL(d.url);
  redrawQuestion(q);
  const block = $("question-" + q.id), removes = block.querySelectorAll(".remove");
  (removes[Math.min(i, removes.length - 1)] || block.querySelector(".add-photo")).focus();
  announce(t("photoRemoved"));
}
function redrawQuestion(q, problem) {
  $("question-" + q.id).replaceWith(questionBlock(q));
  syncQuestions();
  if (problem) setQuestionError(q.id, problem[0], problem[1]);
}
function syncQuestions() {
  const { shown } = answersNow();
  for (const block of document.querySelectorAll("#questions .question")) block.hidden = !shown.has(block.dataset.question);
}
function questionInputs(qid) { return [...document.querySelectorAll(`#question-${qid} input, #question-${qid} textarea`)]; }
function setQuestionError(qid, key, vars, raw) {
  const errId = "err-q-" + qid;
  if (raw) showRawError(errId, raw); else showError(errId, key, vars);
  for (const input of questionInputs(qid)) markInvalid(input, errId, !!(key || raw));
}
function validateQuestions() {
  const { values, shown } = answersNow();
  let first = null;
  for (const q of S.service.questions || []) {
    let key = "", vars;
    if (shown.has(q.id) && q.type !== "photo") {
      const raw = S.answers[q.id];
      if (q.type === "number" && raw != null && String(raw).trim() !== "") {
        const n = parseNumber(raw);
        if (n === null) key = "eNumber";
        else if ((q.min != null && n < q.min) || (q.max != null && n > q.max)) { key = "eRange"; vars = { min: fmtNum(q.min), max: fmtNum(q.max) }; }
        else if (q.integer && !Number.isInteger(n)) key = "eWhole";
      } else if (q.required && values[q.id] === undefined) {
        key = q.type === "number" || q.type === "text" ? "eRequired" : "eChoose";
      }
    }
    setQuestionError(q.id, key, vars);
    if (key && !first) first = q.id;
  }
  return { first, values };
}

// Opens the conversation (once) and sends the answers: the matter is queued, or stopped at a red flag.
async function submitAnswers(e) {
  e.preventDefault();
  showError("err-submit", "");
  const { first, values } = validateQuestions();
  if (first) { questionInputs(first)[0]?.focus(); return; }
  const { shown } = answersNow();
  const button = $("submit-answers");
  if (button.disabled) return;
  button.disabled = true;
  button.textContent = t("sending");
  const subject = { ...S.subject };
  delete subject.months;
  try {
    if (S.retriage) return await S.retriage(values); // answered again while waiting (retriage.js)
    let result;
    for (let attempt = 0; ; attempt++) {
      if (!S.conv) {
        const c = await request("POST", "/api/v1/conversations", {});
        if (!c.ok) throw failure(c);
        setConversation({ id: c.data.id, status: c.data.status });
      }
      const r = await request("POST", `/api/v1/conversations/${S.conv.id}/pre-questionnaire`, { serviceId: S.service.id, subject, answers: values, language: lang });
      if (r.ok) { result = r.data; break; }
      if (r.status === 404 && attempt === 0) { setConversation(null); continue; } // the session ended: start over
      throw failure(r);
    }
    if (result.outcome === "redFlag") {
      S.conv.status = "closed";
      S.conv.redFlag = { action: result.action, message: result.message };
      clearDrafts();
      go("redflag");
    } else {
      Object.assign(S.conv, { status: "queued", queue: result.queue, position: result.position, subject: S.subject });
      S.live = false;
      const photos = (S.service.questions || []).filter((q) => q.type === "photo" && shown.has(q.id))
        .flatMap((q) => (S.drafts[q.id] || []).map((d) => d.file));
      clearDrafts();
      go("conversation");
      poll();
      if (photos.length) queuePhotos(photos);
    }
  } catch (err) {
    if (err.status === 409) { resume(S.conv.id); return; }
    const m = /^answers\.(.+)$/.exec(err.field || "");
    if (m && document.getElementById("question-" + m[1])) {
      setQuestionError(m[1], "eAnswer");
      questionInputs(m[1])[0]?.focus();
    } else if (err.field === "subject") {
      go("subject");
      showServerError("err-kind", err);
    } else {
      showServerError("err-submit", err);
    }
  } finally {
    button.disabled = false;
    button.textContent = t("submit");
  }
}

export function startQuestions() {
  views.questions = renderQuestions;
  $("questions-back").addEventListener("click", () => go("service"));
  $("questions-form").addEventListener("submit", submitAnswers);
}
