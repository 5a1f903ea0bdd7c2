// xAPI Video Profile events for lesson media. Each event gets its statement id here,
// once, and waits in localStorage until the server has it: events made offline are
// sent when the connection comes back. The server adds actor, context and version.
// One queue per learner, so that a shared computer never sends one learner's events
// in another's session.
const learner = document.querySelector('meta[name="courseware-learner"]')?.content;
const KEY = `courseware.xapi.queue.${learner}`;
const lesson = document.querySelector("article.lesson");
const csrf = document.querySelector('meta[name="csrf-token"]')?.content;
const base = document.querySelector('link[rel="stylesheet"]')?.href.split("/static/")[0] || "";
const language = lesson?.lang || document.documentElement.lang;

function load() {
  try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch { return []; }
}
function store(queue) {
  try { localStorage.setItem(KEY, JSON.stringify(queue.slice(-500))); } catch { /* full */ }
}

let sending = false;
export async function flush() {
  const queue = load();
  if (!queue.length || sending || !csrf || !navigator.onLine) return;
  sending = true;
  try {
    const response = await fetch(`${base}/xapi/media-events`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ events: queue.slice(0, 200), language }),
      credentials: "same-origin",
      keepalive: true,
    });
    if (response.ok) {
      const { accepted, rejected } = await response.json();
      const done = new Set([...accepted, ...rejected.map((r) => r.id)]);
      store(load().filter((event) => !done.has(event.id)));
    }
  } catch { /* offline: kept for later */ } finally {
    sending = false;
  }
}

function round(value) { return Math.round(value * 1000) / 1000; }

class Session {
  constructor(figure, player) {
    this.figure = figure;
    this.player = player;
    this.id = null;
    this.segments = [];
    this.start = null;
    this.watched = 0;
    this.completed = false;
    this.seekFrom = null;
  }
  send(verb, fields = {}) {
    const event = {
      id: crypto.randomUUID(), session: this.id, verb,
      module: lesson.dataset.module, lesson: lesson.dataset.lesson,
      media: this.figure.dataset.mediaId, timestamp: new Date().toISOString(),
      length: round(this.player.duration || Number(this.figure.dataset.length) || 0),
      ...fields,
    };
    const track = [...(this.player.textTracks || [])].find((t) => t.mode === "showing");
    if (track) event.subtitles = track.language;
    const queue = load();
    queue.push(event);
    store(queue);
    flush();
  }
  closeSegment() {
    if (this.start !== null) {
      const end = this.player.currentTime;
      if (end > this.start) {
        this.segments.push([this.start, end]);
        this.watched += end - this.start;
      }
      this.start = null;
    }
  }
  progress() {
    const length = this.player.duration || 0;
    if (!length) return 0;
    const merged = [];
    for (const [a, b] of [...this.segments].sort((x, y) => x[0] - y[0])) {
      const last = merged[merged.length - 1];
      if (last && a <= last[1]) last[1] = Math.max(last[1], b);
      else merged.push([a, b]);
    }
    const covered = merged.reduce((sum, [a, b]) => sum + b - a, 0);
    return Math.min(round(covered / length), 1);
  }
  playedSegments() {
    return this.segments.map(([a, b]) => `${a.toFixed(3)}[.]${b.toFixed(3)}`).join("[,]");
  }
  state() {
    return { time: round(this.player.currentTime), progress: this.progress(),
      segments: this.playedSegments() };
  }
}

for (const figure of document.querySelectorAll("[data-media-id]")) {
  for (const player of figure.querySelectorAll("[data-media-player]")) {
    const session = new Session(figure, player);
    player.addEventListener("play", () => {
      if (!session.id) {
        session.id = crypto.randomUUID();
        session.send("initialized");
      }
      session.start = player.currentTime;
      session.send("played", { time: round(player.currentTime) });
    });
    player.addEventListener("pause", () => {
      if (!session.id || player.ended) return;
      session.closeSegment();
      session.send("paused", session.state());
    });
    player.addEventListener("seeking", () => {
      if (session.seekFrom === null) session.seekFrom = session.lastTime ?? 0;
      session.closeSegment();
    });
    player.addEventListener("seeked", () => {
      if (!session.id) return;
      session.send("seeked", { from: round(session.seekFrom ?? 0), to: round(player.currentTime) });
      session.seekFrom = null;
      if (!player.paused) session.start = player.currentTime;
    });
    player.addEventListener("timeupdate", () => {
      if (!player.seeking) session.lastTime = player.currentTime;
      if (session.id && !session.completed && session.start !== null) {
        const current = [...session.segments, [session.start, player.currentTime]];
        const saved = session.segments;
        session.segments = current;
        const done = session.progress() >= 0.95;
        session.segments = saved;
        if (done) {
          session.closeSegment();
          session.completed = true;
          session.send("completed", { ...session.state(), watched: round(session.watched) });
          if (!player.paused) session.start = player.currentTime;
        }
      }
    });
    player.addEventListener("ended", () => {
      session.closeSegment();
      if (!session.completed) {
        session.completed = true;
        session.send("completed", { ...session.state(), watched: round(session.watched) });
      }
    });
    window.addEventListener("pagehide", () => {
      if (!session.id || session.terminated) return;
      session.closeSegment();
      session.terminated = true;
      session.send("terminated", session.state());
    });
  }
}

window.addEventListener("online", flush);
flush();
