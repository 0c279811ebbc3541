// The delegate's voting page (api/vote_page.py): the token is after "#", never sent in the
// address; the page's texts come in the JSON block #vote-config (no inline script: the CSP).
const CONFIG = JSON.parse(document.getElementById("vote-config").textContent);
const T = CONFIG.texts, TOKEN = decodeURIComponent(location.hash.slice(1));
let BASE = null;
async function api(path, options = {}) {
  options.headers = {"Authorization": "Bearer " + TOKEN};
  if (options.body) options.headers["Content-Type"] = "application/json";
  const response = await fetch(BASE === null ? path : BASE + path, options);
  let body = null;
  try { body = await response.json(); } catch (e) {}
  return {ok: response.ok, body};
}
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}
function say(box, text, ok) {
  box.textContent = text;
  box.className = "message " + (ok ? "ok" : "error");
}
async function showResult(poll, card) {
  const r = await api("/polls/" + poll.id + "/results");
  if (!r.ok) return;
  // The reason starts with its own verdict ("Thông qua: ...", "Kết quả: ..."): said once.
  const reason = CONFIG.lang === "vi" ? r.body.reason_vi : r.body.reason_en;
  const cut = reason.indexOf(": ");
  const head = cut < 0 ? T.result + ": " : reason.slice(0, cut + 2);
  card.append(el("p", {class: "result"}, el("strong", {}, head), cut < 0 ? reason : reason.slice(cut + 2)));
}
function ballotForm(poll, card) {
  const form = el("form", {"data-poll": poll.id});
  const many = poll.max_choices > 1;
  if (many) form.append(el("p", {}, T.choose + " " + poll.max_choices));
  for (const o of poll.options) {
    const input = el("input", {type: many ? "checkbox" : "radio", name: "option", value: o.id});
    form.append(el("label", {class: "option"}, input, " " + o.label));
  }
  const proxy = el("input", {type: "number", name: "on_behalf_of", min: "1"});
  form.append(el("details", {}, el("summary", {}, T.proxy), proxy));
  const box = el("p", {class: "message"});
  form.append(el("button", {type: "submit"}, T.submit), box);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ids = [...form.querySelectorAll("input[name=option]:checked")].map(i => Number(i.value));
    if (!ids.length) return say(box, T.pick, false);
    const body = {option_ids: ids};
    if (proxy.value) body.on_behalf_of = Number(proxy.value);
    const sent = {method: "POST", body: JSON.stringify(body)};
    const r = await api("/polls/" + poll.id + "/ballots", sent);
    if (!r.ok) return say(box, r.body ? r.body.detail : "HTTP error", false);
    say(box, T.thanks, true);
    if (!proxy.value) form.querySelector("button").disabled = true;
  });
  card.append(form);
}
function opinionForm(poll, card) {
  const text = el("textarea", {maxlength: "5000"});
  const box = el("p", {class: "message"});
  const button = el("button", {type: "button"}, T.send);
  button.addEventListener("click", async () => {
    if (!text.value.trim()) return;
    const r = await api("/polls/" + poll.id + "/opinions", {method: "POST",
      body: JSON.stringify({text: text.value})});
    if (r.ok) { text.value = ""; say(box, T.sent, true); }
    else say(box, r.body ? r.body.detail : "HTTP error", false);
  });
  card.append(el("p", {}, el("strong", {}, T.opinion)), text, button, box);
}
let shown = "";
async function refresh() {
  const r = await api("/polls");
  if (!r.ok) return;
  const signature = JSON.stringify(r.body.map(p => [p.id, p.state, p.you_voted]));
  if (signature === shown) return;
  shown = signature;
  const list = document.getElementById("polls");
  list.replaceChildren();
  if (!r.body.length) list.append(el("p", {}, T.none));
  for (const poll of [...r.body].reverse()) {
    const card = el("article", {class: "poll", id: "poll-" + poll.id},
      el("h2", {}, poll.title, " ", el("span", {class: "state " + poll.state}, T[poll.state])),
      el("p", {}, T[poll.secrecy]));
    if (poll.description) card.append(el("p", {}, poll.description));
    if (poll.state === "open" && poll.kind !== "opinion") {
      if (poll.you_voted) card.append(el("p", {class: "message ok"}, T.voted));
      else ballotForm(poll, card);
    }
    if (poll.state === "open") opinionForm(poll, card);
    if (poll.state === "closed") await showResult(poll, card);
    list.append(card);
  }
}
async function start() {
  document.getElementById("other-lang").href += location.hash;
  const me = TOKEN ? await api("/api/v1/voter") : {ok: false};
  if (!me.ok) { document.getElementById("bad").hidden = false; return; }
  BASE = "/api/v1/meetings/" + me.body.meeting_id;
  document.getElementById("meeting").textContent = me.body.meeting_title;
  document.getElementById("delegate").textContent = me.body.person.full_name;
  document.getElementById("who").hidden = false;
  refresh();
  setInterval(refresh, 3000);
}
start();
