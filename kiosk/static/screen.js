// The kiosk screen: the camera picture, the cards on show (/cards), the recent list (/events).
// The page says its language and its empty-list text in data- attributes: no inline code.
// Every time comes from the kiosk already written in the server's zone ("clock" fields):
// nothing here reads the browser's clock or zone.
const LANG = document.body.dataset.lang === "en" ? "en" : "vi";
const EMPTY = document.body.dataset.empty;
const RECENT = 6;

const frame = document.getElementById("frame");
const waiting = document.getElementById("waiting");
let frameTimer = null;
function nextFrame(delay) {
  clearTimeout(frameTimer);
  frameTimer = setTimeout(() => { frame.src = "/frame.jpg?t=" + Date.now(); }, delay);
}
// One request at a time: the next frame is asked for when this one has arrived.
frame.addEventListener("load", () => { waiting.hidden = true; frame.hidden = false; nextFrame(200); });
frame.addEventListener("error", () => { waiting.hidden = false; frame.hidden = true; nextFrame(1000); });
nextFrame(0);  // the page's own first request may have ended before these listeners

function text(e, part) { return e[part + "_" + LANG]; }

function line(tag, className, value) {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = value;
  return el;
}

function card(e) {
  const article = document.createElement("article");
  article.className = "card " + e.kind;
  article.dataset.id = e.id;
  if (text(e, "greeting")) article.append(line("p", "greeting", text(e, "greeting")));
  if (e.person) {
    article.append(line("p", "name", e.person.full_name));
    if (e.person.title) article.append(line("p", "title", e.person.title));
    if (e.person.unit) article.append(line("p", "unit", e.person.unit));
  }
  const status = line("p", "status", "");
  status.append(line("span", "badge", text(e, "status")));
  if (e.kind === "welcome" || e.kind === "late" || e.kind === "goodbye") status.append(line("time", "at", e.clock));
  article.append(status);
  if (text(e, "hint")) article.append(line("p", "hint", text(e, "hint")));
  return article;
}

let shownCards = "";
function showCards(now) {
  const cards = document.getElementById("cards");
  const ids = now.cards.map((e) => e.id).join(",");
  if (ids !== shownCards) {  // rebuilt only when the set changes: no flicker every poll
    shownCards = ids;
    cards.replaceChildren(...now.cards.map(card));
    cards.className = "n" + now.cards.length;
  }
  document.getElementById("idle").hidden = now.cards.length > 0;
  const prompt = document.getElementById("prompt");
  prompt.hidden = !now.prompt;
  prompt.textContent = now.prompt ? now.prompt[LANG] : "";
  document.getElementById("clock").textContent = now.clock;
}

function showRecent(events) {
  const list = document.getElementById("events");
  const items = events.filter((e) => e.kind !== "come_closer").slice(0, RECENT).map((e) => {
    const li = document.createElement("li");
    li.className = e.kind;
    li.append(line("time", "", e.clock));
    li.append(line("span", "who", e.person ? e.person.full_name : ""));
    li.append(line("span", "what", text(e, "status")));
    return li;
  });
  if (!items.length) items.push(line("li", "", EMPTY));
  list.replaceChildren(...items);
  // Whole lines only: the oldest go when the cards above leave no room for them.
  const recent = document.getElementById("recent");
  while (list.children.length > 1 && recent.scrollHeight > recent.clientHeight) {
    list.lastElementChild.remove();
  }
}

async function poll() {
  try {
    const [now, events] = await Promise.all([
      fetch("/cards").then((r) => r.json()),
      fetch("/events").then((r) => r.json()),
    ]);
    showCards(now);
    showRecent(events);
  } catch (err) { /* the kiosk may be restarting: try again at the next tick */ }
}
poll();
setInterval(poll, 500);
