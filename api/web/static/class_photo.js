// Attendance from one class photo: upload, draw a box per face with its proposed name, tap a
// box to give it to someone not seen or to remove it, then confirm (the class-photo API).
(function () {
  "use strict";
  const root = document.getElementById("class-photo");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const text = root.dataset;
  const form = $("cp-form"), input = $("cp-file"), status = $("cp-status"), error = $("cp-error");
  const stage = $("cp-stage"), image = $("cp-image"), boxes = $("cp-boxes");
  const editor = $("cp-editor"), crop = $("cp-crop"), pick = $("cp-pick");
  let photo = null; // the API's answer
  let faces = []; // {face, box, person|null, crop_url}
  let roster = new Map(); // person id -> person (present and not seen)
  let editing = null;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key]));
  }

  function fail(message) {
    status.textContent = "";
    error.textContent = message;
    error.hidden = false;
  }

  async function answer(response) {
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.detail || text.cpFailed + " (" + response.status + ")");
    return body;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = input.files[0];
    if (!file) return;
    error.hidden = true;
    status.textContent = text.cpWorking;
    $("cp-send").disabled = true;
    const data = new FormData();
    data.append("file", file);
    try {
      const body = await answer(await fetch(root.dataset.api, {
        method: "POST", body: data, credentials: "same-origin",
      }));
      image.src = URL.createObjectURL(file);
      await image.decode().catch(() => undefined);
      show(body);
    } catch (err) {
      fail(err.message);
    } finally {
      $("cp-send").disabled = false;
    }
  });

  function show(body) {
    photo = body;
    roster = new Map();
    faces = [];
    body.present.forEach((f) => {
      roster.set(f.person.id, f.person);
      faces.push({ face: f.face, box: f.box, person: f.person, crop_url: null });
    });
    body.unknown.forEach((f) => faces.push({ face: f.face, box: f.box, person: null, crop_url: f.crop_url }));
    body.not_seen.forEach((p) => roster.set(p.id, p));
    faces.sort((a, b) => a.face - b.face);
    status.textContent = fill(text.cpFound, {
      faces: faces.length, present: body.present.length, unknown: body.unknown.length,
    });
    stage.hidden = false;
    $("cp-lists").hidden = false;
    $("cp-summary").hidden = true;
    draw();
  }

  function draw() {
    const width = image.naturalWidth || 1, height = image.naturalHeight || 1;
    boxes.replaceChildren();
    faces.forEach((f) => {
      const [x, y, w, h] = f.box;
      const box = document.createElement("button");
      box.type = "button";
      box.className = "cp-box" + (f.person ? "" : " unknown") + (editing === f ? " chosen" : "");
      box.dataset.face = String(f.face);
      box.style.left = (100 * x / width) + "%";
      box.style.top = (100 * y / height) + "%";
      box.style.width = (100 * w / width) + "%";
      box.style.height = (100 * h / height) + "%";
      const name = document.createElement("span");
      name.textContent = f.person ? f.person.full_name : text.cpUnknown;
      box.append(name);
      box.addEventListener("click", () => edit(f));
      boxes.append(box);
    });
    const taken = new Set(faces.filter((f) => f.person).map((f) => f.person.id));
    list($("cp-present"), faces.filter((f) => f.person).map((f) => f.person));
    list($("cp-not-seen"), [...roster.values()].filter((p) => !taken.has(p.id)));
  }

  function list(element, people) {
    element.replaceChildren(...people.map((p) => {
      const item = document.createElement("li");
      item.textContent = p.full_name;
      item.dataset.person = String(p.id);
      return item;
    }));
  }

  function edit(face) {
    editing = face;
    const taken = new Set(faces.filter((f) => f.person).map((f) => f.person.id));
    const choices = [...roster.values()].filter((p) => !taken.has(p.id));
    const none = new Option(text.cpPickNone, "");
    pick.replaceChildren(none, ...choices.map((p) => new Option(p.full_name, String(p.id))));
    crop.hidden = !face.crop_url;
    if (face.crop_url) crop.src = face.crop_url;
    editor.hidden = false;
    draw();
    editor.scrollIntoView({ block: "nearest" });
  }

  function close() {
    editing = null;
    editor.hidden = true;
    draw();
  }

  $("cp-assign").addEventListener("click", () => {
    const person = roster.get(Number(pick.value));
    if (editing && person) editing.person = person;
    close();
  });
  $("cp-remove").addEventListener("click", () => {
    if (editing) editing.person = null;
    close();
  });
  $("cp-close").addEventListener("click", close);

  $("cp-confirm").addEventListener("click", async () => {
    if (!photo) return;
    error.hidden = true;
    $("cp-confirm").disabled = true;
    const ids = faces.filter((f) => f.person).map((f) => f.person.id);
    try {
      const body = await answer(await fetch(root.dataset.api + "/" + photo.photo_id + "/confirm", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ person_ids: ids }),
      }));
      list($("cp-recorded"), body.recorded.map((r) => r.person));
      list($("cp-already"), body.already.map((r) => r.person));
      $("cp-done").textContent = fill(text.cpDone, {
        recorded: body.recorded.length, already: body.already.length,
      });
      editor.hidden = true;
      $("cp-lists").hidden = true;
      $("cp-summary").hidden = false;
      $("cp-back").href = root.dataset.meetingUrl;
    } catch (err) {
      fail(err.message);
    } finally {
      $("cp-confirm").disabled = false;
    }
  });
})();
