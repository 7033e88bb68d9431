// The users-and-queues view (#admin, admins only): which queues each professional works in, saved a row
// at a time.
import { $, h, show, announce } from "../shared/dom.js";
import { t, localized } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { state } from "./state.js";
import { views } from "./render.js";
import { errorText } from "./words.js";
import { scheduleQueueRefresh } from "./queue-feed.js";

async function loadAdmin() {
  const a = state.admin;
  if (a.loading) return a.loading;
  const generation = state.generation;
  show($("admin-loading"), !a.loaded);
  a.loading = (async () => {
    const r = await request("GET", "/api/v1/pro/admin/professionals");
    if (generation !== state.generation) return;
    a.loading = null;
    $("admin-loading").hidden = true;
    const msg = $("admin-message");
    if (!r.ok || !r.data) {
      if (r.status === 401) return;
      msg.textContent = r.status === 403 ? t("adminOnly") : `${t("adminLoadFailed")} ${errorText(r)}`;
      msg.hidden = false;
      return;
    }
    msg.hidden = true;
    a.professionals = r.data.professionals || [];
    a.queues = r.data.queues || [];
    // Rows with unsaved ticks keep them; the others show what was saved.
    for (const p of a.professionals) {
      if (!adminDirty(p.username)) a.drafts.set(p.username, new Set(p.queues || []));
    }
    a.loaded = true;
    renderAdmin();
  })();
  return a.loading;
}

function adminProfessional(username) {
  return state.admin.professionals.find((p) => p.username === username) || null;
}
function adminDirty(username) {
  const p = adminProfessional(username);
  const draft = state.admin.drafts.get(username);
  if (!p || !draft) return false;
  const saved = new Set(p.queues || []);
  return saved.size !== draft.size || [...draft].some((q) => !saved.has(q));
}
function adminStatus(username) {
  // Kept as string keys, so a language switch changes them too.
  const s = state.admin.status.get(username);
  if (s) return { kind: s.kind, text: s.key ? t(s.key) : s.text };
  return adminDirty(username) ? { kind: "unsaved", text: t("adminUnsaved") } : null;
}

// A table: a row per professional, a column per queue, a checkbox in each cell.
function renderAdmin() {
  const a = state.admin;
  const head = $("admin-head");
  const body = $("admin-rows");
  const focused = document.activeElement && body.contains(document.activeElement) ? document.activeElement.id : null;
  show($("admin-table-wrap"), a.loaded);
  if (!a.loaded) { head.replaceChildren(); body.replaceChildren(); return; }
  head.replaceChildren(h("tr", {},
    h("th", { scope: "col", class: "admin-who" }, t("adminProfessional")),
    ...a.queues.map((q) => h("th", { scope: "col", class: "admin-queue", id: `aqh-${q.id}` }, localized(q.name))),
    h("th", { scope: "col", class: "admin-save" }, t("adminSaveColumn"))));
  body.replaceChildren(...a.professionals.map((p) => {
    const draft = a.drafts.get(p.username) || new Set(p.queues || []);
    const onShift = new Set(p.onShift || []);
    const who = h("th", { scope: "row", class: "admin-who" },
      h("span", { class: "admin-name" }, p.displayName),
      h("span", { class: "admin-sub" }, [p.title, p.username].filter(Boolean).join(" · ")),
      p.role === "admin" || p.disabled ? h("span", { class: "admin-tags" },
        p.role === "admin" ? h("span", { class: "tag queue" }, t("adminRoleAdmin")) : null,
        p.disabled ? h("span", { class: "tag" }, t("adminDisabled")) : null) : null);
    const cells = a.queues.map((q) => {
      const id = `aq-${p.username}-${q.id}`;
      const box = h("input", { type: "checkbox", id, dataset: { user: p.username, queue: q.id } });
      box.checked = draft.has(q.id);
      box.addEventListener("change", () => {
        const d = a.drafts.get(p.username) || new Set(p.queues || []);
        if (box.checked) d.add(q.id); else d.delete(q.id);
        a.drafts.set(p.username, d);
        a.status.delete(p.username);
        updateAdminStatus(p.username);
      });
      return h("td", { class: "admin-cell" },
        h("span", { class: "admin-check" }, box,
          h("label", { for: id, class: "visually-hidden" }, `${p.displayName}: ${localized(q.name)}`),
          onShift.has(q.id) ? h("span", { class: "tag ok shift-tag" }, t("adminOnShift")) : null));
    });
    const save = h("button", { type: "button", class: "button small", id: `as-${p.username}`, dataset: { save: p.username } },
      t("adminSave"), h("span", { class: "visually-hidden" }, `: ${p.displayName}`));
    save.addEventListener("click", () => saveAdminRow(p.username));
    const status = h("span", { class: "admin-status", id: `ast-${p.username}` });
    return h("tr", { dataset: { user: p.username } }, who, ...cells,
      h("td", { class: "admin-save" }, h("span", { class: "admin-save-box" }, save, status)));
  }));
  for (const p of a.professionals) updateAdminStatus(p.username);
  if (!a.queues.length) {
    const msg = $("admin-message");
    msg.textContent = t("adminNoQueues");
    msg.hidden = false;
  }
  if (focused && $(focused)) $(focused).focus();
}

function updateAdminStatus(username) {
  const node = $(`ast-${username}`);
  if (!node) return;
  const s = adminStatus(username);
  node.textContent = s ? s.text : "";
  node.dataset.kind = s ? s.kind : "";
  // The row with changes to save stands out.
  const button = $(`as-${username}`);
  if (button) button.classList.toggle("primary", adminDirty(username));
}

async function saveAdminRow(username) {
  const a = state.admin;
  const p = adminProfessional(username);
  if (!p) return;
  const draft = a.drafts.get(username) || new Set(p.queues || []);
  // In the catalog's order, so the answer reads the same as the table.
  const queues = a.queues.map((q) => q.id).filter((id) => draft.has(id));
  const button = $(`as-${username}`);
  if (button) button.setAttribute("aria-busy", "true");
  a.status.set(username, { kind: "busy", key: "adminSaving" });
  updateAdminStatus(username);
  const r = await request("POST", `/api/v1/pro/admin/professionals/${encodeURIComponent(username)}/queues`, { queues });
  const again = $(`as-${username}`);
  if (again) again.removeAttribute("aria-busy");
  if (r.ok && r.data) {
    const updated = Object.assign({}, p, r.data, { disabled: p.disabled });
    a.professionals = a.professionals.map((x) => (x.username === username ? updated : x));
    a.drafts.set(username, new Set(updated.queues || []));
    a.status.set(username, { kind: "ok", key: "adminSaved" });
    announce(t("adminSavedAnnounce", { who: updated.displayName }));
    if (state.me && updated.id === state.me.id) {
      state.me = Object.assign({}, state.me, { queues: updated.queues, onShift: updated.onShift });
      views.shifts();
      scheduleQueueRefresh();
    }
    renderAdmin();
    return;
  }
  if (r.status === 401) return;
  const text = !r.status ? t("networkError")
    : r.status === 403 || r.code === "admin_only" ? t("adminOnly")
    : r.status === 422 || r.code === "invalid_queues" ? t("adminInvalidQueues")
    : r.status === 404 ? t("adminUserGone")
    : errorText(r);
  a.status.set(username, { kind: "error", text });
  updateAdminStatus(username);
  announce(`${p.displayName}: ${text}`);
}

export function startAdmin() {
  views.admin = renderAdmin;
  views.loadAdmin = loadAdmin;
}
