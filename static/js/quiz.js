// Saves quiz answers as they are given, so a dropped connection loses nothing.
// Without JavaScript the "Save and finish later" button does the same.
const form = document.querySelector("form[data-autosave]");
const status = document.querySelector("[data-save-status]");
let timer = null;
let pending = false;

async function save() {
  pending = false;
  const body = new FormData(form);
  body.set("action", "save");
  try {
    // form.action would be the buttons named "action": read the attribute itself.
    const response = await fetch(form.getAttribute("action"), {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(String(response.status));
    status.textContent = form.dataset.savedText || "Saved.";
  } catch (error) {
    pending = true;
    status.textContent = form.dataset.offlineText || "Not saved yet: will retry.";
    window.setTimeout(() => pending && save(), 5000);
  }
}

if (form) {
  form.addEventListener("change", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 400);
  });
  window.addEventListener("online", () => pending && save());
}
