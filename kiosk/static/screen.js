// The page says its language and its empty-list text in data- attributes: no inline code.
const LANG = document.body.dataset.lang;
const EMPTY = document.body.dataset.empty;
const frame = document.getElementById("frame");
setInterval(() => { frame.src = "/frame.jpg?t=" + Date.now(); }, 500);
function clock(iso) {
  const d = new Date(iso);
  return d.toLocaleTimeString(LANG === "vi" ? "vi-VN" : "en-GB",
    { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}
async function poll() {
  try {
    const events = await (await fetch("/events")).json();
    const list = document.getElementById("events");
    list.replaceChildren();
    for (const e of events) {
      const li = document.createElement("li");
      li.className = e.kind;
      const t = document.createElement("time");
      t.textContent = clock(e.at);
      li.append(t, LANG === "vi" ? e.message_vi : e.message_en);
      list.append(li);
    }
    if (!events.length) {
      const li = document.createElement("li");
      li.textContent = EMPTY;
      list.append(li);
    }
  } catch (err) { /* the kiosk may be restarting: try again next second */ }
}
poll();
setInterval(poll, 1000);
