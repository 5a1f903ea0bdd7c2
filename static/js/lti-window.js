// "Open in a new window" (LTI launch without cookies in the LMS's frame): once the
// new window is opened, say so here instead of offering the link again.
for (const link of document.querySelectorAll("[data-lti-new-window]")) {
  link.addEventListener("click", () => {
    const note = document.querySelector("[data-lti-opened]");
    if (note) {
      note.hidden = false;
      link.hidden = true;
    }
  });
}
