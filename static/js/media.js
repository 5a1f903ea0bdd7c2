// Lesson media: resume at the saved time, and remember the position while playing.
// Tracking statements (xAPI Video Profile) are added by tracking.js.
const lesson = document.querySelector("article.lesson");
const csrf = document.querySelector('meta[name="csrf-token"]')?.content;
const base = document.querySelector('link[rel="stylesheet"]')?.href.split("/static/")[0] || "";

function savePosition(mediaId, seconds) {
  if (!lesson || !csrf) return;
  const body = JSON.stringify({
    module: lesson.dataset.module,
    lesson: lesson.dataset.lesson,
    media: mediaId,
    time: seconds,
  });
  fetch(`${base}/progress/position`, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    credentials: "same-origin",
    keepalive: true,
  }).catch(() => {});
}

for (const figure of document.querySelectorAll("[data-media-id]")) {
  const mediaId = figure.dataset.mediaId;
  for (const player of figure.querySelectorAll("[data-media-player]")) {
    let last = 0;
    player.addEventListener("timeupdate", () => {
      if (Math.abs(player.currentTime - last) >= 10) {
        last = player.currentTime;
        savePosition(mediaId, player.currentTime);
      }
    });
    player.addEventListener("pause", () => savePosition(mediaId, player.currentTime));
    const resumeAt = new URLSearchParams(location.search).get("t")
      || (lesson?.dataset.resumeMedia === mediaId ? lesson.dataset.resumeTime : null);
    if (resumeAt && player.matches("video")) {
      player.preload = "metadata";
      player.addEventListener("loadedmetadata", () => {
        player.currentTime = Math.min(Number(resumeAt), player.duration || Number(resumeAt));
      }, { once: true });
    }
  }
}
