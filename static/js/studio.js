// The studio's editor: a toolbar that inserts blocks and media references at the
// cursor, a live preview of a lesson, and problem links that move to their line.
// The page works without it: the text area and the Save button are plain HTML.
const form = document.getElementById("editor");
const text = document.getElementById("text");

function insertAtCursor(snippet) {
  const start = text.selectionStart;
  const end = text.selectionEnd;
  text.setRangeText(snippet, start, end, "end");
  text.focus();
  text.dispatchEvent(new Event("input", { bubbles: true }));
}

function goToLine(line) {
  const lines = text.value.split("\n");
  let offset = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i += 1) offset += lines[i].length + 1;
  text.focus();
  text.setSelectionRange(offset, offset + (lines[line - 1] || "").length);
  const height = text.scrollHeight / Math.max(lines.length, 1);
  text.scrollTop = Math.max(0, (line - 3) * height);
}

if (form && text) {
  const toolbar = form.querySelector(".studio-toolbar");
  if (toolbar) {
    toolbar.hidden = false;
    const buttons = [...toolbar.querySelectorAll("button")];
    buttons.forEach((button, index) => {
      button.tabIndex = index === 0 ? 0 : -1;
      button.addEventListener("click", () => insertAtCursor(button.dataset.insert));
    });
    // A toolbar is one tab stop; the arrow keys move between its buttons.
    toolbar.addEventListener("keydown", (event) => {
      const at = buttons.indexOf(document.activeElement);
      if (at < 0) return;
      let next = null;
      if (event.key === "ArrowRight" || event.key === "ArrowDown") next = (at + 1) % buttons.length;
      if (event.key === "ArrowLeft" || event.key === "ArrowUp") next = (at - 1 + buttons.length) % buttons.length;
      if (event.key === "Home") next = 0;
      if (event.key === "End") next = buttons.length - 1;
      if (next === null) return;
      event.preventDefault();
      buttons[at].tabIndex = -1;
      buttons[next].tabIndex = 0;
      buttons[next].focus();
    });
  }

  for (const link of document.querySelectorAll("a[data-line]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      goToLine(Number(link.dataset.line));
    });
  }

  const pane = document.getElementById("studio-preview");
  const url = form.dataset.preview;
  if (pane && url) {
    let timer = null;
    let sent = 0;
    const refresh = async () => {
      const ticket = (sent += 1);
      try {
        const answer = await fetch(url, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (!answer.ok || ticket !== sent) return;
        const data = await answer.json();
        pane.innerHTML = data.html; // sanitised on the server, as for learners
      } catch (_error) {
        // offline or refused: the preview keeps its last state
      }
    };
    text.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    });
    refresh();
  }
}
