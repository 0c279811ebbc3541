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

  const source = new EventSource(body.dataset.stream);
  source.onmessage = (event) => { offline.hidden = true; draw(JSON.parse(event.data)); };
  // EventSource reconnects by itself; say so on screen while it does.
  source.onerror = () => { offline.hidden = false; };
  tick();
  setInterval(tick, 1000);
})();
