// The live board: one server-sent event per change carries the whole picture; redraw it.
(function () {
  "use strict";
  const body = document.body;
  const offline = document.getElementById("offline");
  const locale = body.dataset.lang === "en" ? "en-GB" : "vi-VN";

  function tick() {
    document.getElementById("clock").textContent =
      new Date().toLocaleTimeString(locale, { timeZone: body.dataset.zone });
  }

  function draw(data) {
    for (const key of ["expected", "present", "late", "left"]) {
      document.getElementById("n-" + key).textContent = data[key];
    }
    // Before the start those not here are "not arrived yet"; from the start, absent.
    const missing = document.getElementById("c-missing");
    missing.className = data.started ? "absent" : "not-arrived";
    document.getElementById("n-missing").textContent = data.started ? data.absent : data.not_arrived;
    document.getElementById("l-missing").textContent =
      data.started ? body.dataset.absent : body.dataset.notArrived;
    document.getElementById("title").textContent = data.title;
    document.getElementById("room").textContent = data.room;
    document.getElementById("starts").textContent = data.starts;
    const list = document.getElementById("arrivals");
    list.replaceChildren();
    for (const a of data.latest) {
      const li = document.createElement("li");
      li.classList.toggle("late", a.late);
      li.classList.toggle("left", a.left);
      const time = document.createElement("time");
      time.textContent = a.clock;
      const name = document.createElement("b");
      name.textContent = a.full_name;
      const more = document.createElement("span");
      more.textContent = [a.title, a.unit].filter(Boolean).join(" · ");
      li.append(time, name, more);
      if (a.left) {
        const gone = document.createElement("em");
        gone.textContent = body.dataset.left;
        li.append(gone);
      }
      list.append(li);
    }
    if (!data.latest.length) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = body.dataset.empty;
      list.append(li);
    }
  }

  // Public documents: the list is read again whenever the board changes and every minute (a
  // document made public during the meeting appears without reloading the screen); a failed
  // read keeps the list shown.
  const documents = document.getElementById("documents");
  const key = new URLSearchParams(location.search).get("key");
  const withKey = (path) => (key ? path + "?key=" + encodeURIComponent(key) : path);

  function drawDocuments(items) {
    const list = document.getElementById("document-list");
    list.replaceChildren();
    for (const d of items) {
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.href = withKey(documents.dataset.api + "/" + d.id);
      link.setAttribute("download", "");
      link.textContent = d.title;
      const kind = document.createElement("span");
      kind.textContent = d.version.kind.toUpperCase();
      li.append(link, kind);
      list.append(li);
    }
    documents.hidden = !items.length;
  }

  async function refreshDocuments() {
    try {
      const answer = await fetch(withKey(documents.dataset.api), { credentials: "same-origin" });
      if (answer.ok) {
        const items = (await answer.json()).documents.filter((d) => d.visibility === "public");
        drawDocuments(items);
      }
    } catch (error) {
      // Offline for a moment: the stream's notice says so; the list stays as it was.
    }
  }

  const source = new EventSource(body.dataset.stream);
  source.onmessage = (event) => {
    offline.hidden = true;
    draw(JSON.parse(event.data));
    refreshDocuments();
  };
  // EventSource reconnects by itself; say so on screen while it does.
  source.onerror = () => { offline.hidden = false; };
  tick();
  setInterval(tick, 1000);
  setInterval(refreshDocuments, 60000);
})();
