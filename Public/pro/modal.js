// The workspace's <dialog>s: one open at a time, and focus back where the user was when one closes.

let dialogReturn = null;
// Where focus goes when the open dialog closes (null: nowhere, the closer decides).
export function returnFocusTo(node) { dialogReturn = node; }

export function openDialog(dialog) {
  for (const d of document.querySelectorAll("dialog[open]")) if (d !== dialog) d.close();
  if (!dialog.open) dialog.showModal();
}
export function closeDialogs() {
  for (const d of document.querySelectorAll("dialog[open]")) d.close();
}

export function startDialogs() {
  for (const button of document.querySelectorAll("[data-dialog-cancel]")) {
    button.addEventListener("click", () => button.closest("dialog").close());
  }
  for (const d of document.querySelectorAll("dialog")) {
    d.addEventListener("close", () => {
      const target = dialogReturn;
      dialogReturn = null;
      if (target && document.contains(target) && !target.closest("[hidden]")) target.focus();
    });
  }
}
