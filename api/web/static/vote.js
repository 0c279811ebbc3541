// The delegate's voting page (api/vote_page.py): the token is after "#", never sent in the
// address; the page's texts come in the JSON block #vote-config (no inline script: the CSP).
// The "Tài liệu" tab is vote_documents.js, loaded before this file.
// One delegate at a time: opening another voting link in this tab changes only the "#", so
// the page hears "hashchange" and starts over as the new link's delegate. Everything of the
// previous one (its timer, its forms, answers still on their way) is dropped; nothing is kept
// in sessionStorage or localStorage, so no other tab or later visit acts as them either.
const CONFIG = JSON.parse(document.getElementById("vote-config").textContent);
const T = CONFIG.texts;
const REFRESH_MS = 3000;
const LANG_LINK = document.getElementById("other-lang");
const LANG_HREF = LANG_LINK.getAttribute("href");
let current = null; // {token, base, me, shown, timer, notes}: the delegate this page acts for

function live(d) { return d === current; }
async function api(d, path, options = {}) {
  options.headers = {"Authorization": "Bearer " + d.token};
  if (options.body) options.headers["Content-Type"] = "application/json";
  const response = await fetch(path, options);
  let body = null;
  try { body = await response.json(); } catch (e) {}
  return {ok: response.ok, status: response.status, body};
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
function standingText(me) { return T["standing_" + me.voting_status] || T.bad; }
async function showResult(d, poll, card) {
  const r = await api(d, d.base + "/polls/" + poll.id + "/results");
  if (!r.ok || !live(d)) return;
  // The reason starts with its own verdict ("Thông qua: ...", "Kết quả: ..."): said once.
  const reason = CONFIG.lang === "vi" ? r.body.reason_vi : r.body.reason_en;
  const cut = reason.indexOf(": ");
  const head = cut < 0 ? T.result + ": " : reason.slice(0, cut + 2);
  card.append(el("p", {class: "result"}, el("strong", {}, head), cut < 0 ? reason : reason.slice(cut + 2)));
}
function fill(text, name) { return text.replace("{name}", name); }
function ballotKey(poll, b) { return poll.id + ":" + b.person.id; }
function castText(d, b) {
  // Said from the delegate's side: their own ballot, or a grantor's, and who cast it.
  const byMe = b.cast_by.id === d.me.person.id;
  if (b.for_self) return byMe ? T.voted : fill(T.voted_by, b.cast_by.full_name);
  return byMe ? fill(T.voted_for, b.person.full_name) : fill(T.voted_self, b.person.full_name);
}
function ballotSection(d, poll, b, titled) {
  // One member's ballot: the delegate's own, or an absent grantor's. Each has its own form,
  // which sends for that member only: a change of one's own vote never lands on a grantor's.
  const box = el("section", {class: "ballot", id: "ballot-" + poll.id + "-" + b.person.id});
  if (titled) box.append(el("h3", {}, b.for_self ? T.myself : b.person.full_name + " " + T.by_proxy));
  if (b.voted) {
    box.append(el("p", {class: "message ok"}, castText(d, b)));
    if (b.option_ids) {
      const labels = poll.options.filter(o => b.option_ids.includes(o.id)).map(o => o.label);
      box.append(el("p", {class: "chosen"}, T.chosen + " ", el("strong", {}, labels.join(", "))));
    }
  } else if (b.grantor_present) {
    box.append(el("p", {class: "message notice"}, fill(T.grantor_present, b.person.full_name)));
  }
  if (b.may_cast) box.append(ballotForm(d, poll, b));
  const note = d.notes[ballotKey(poll, b)];
  if (note) box.append(el("p", {class: "message ok"}, note));
  return box;
}
function ballotForm(d, poll, b) {
  const form = el("form", {"data-poll": poll.id, "data-for": b.person.id});
  const many = poll.max_choices > 1;
  if (many) form.append(el("p", {}, T.choose + " " + poll.max_choices));
  for (const o of poll.options) {
    const input = el("input", {type: many ? "checkbox" : "radio", name: "option", value: o.id});
    if (b.option_ids && b.option_ids.includes(o.id)) input.checked = true; // what stands now
    form.append(el("label", {class: "option"}, input, " " + o.label));
  }
  const box = el("p", {class: "message"});
  form.append(el("button", {type: "submit"}, b.voted ? T.change : T.submit), box);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!live(d)) return; // a form of the previous delegate never casts as the new one
    const ids = [...form.querySelectorAll("input[name=option]:checked")].map(i => Number(i.value));
    if (!ids.length) return say(box, T.pick, false);
    const body = {option_ids: ids};
    if (!b.for_self) body.on_behalf_of = b.person.id;
    form.querySelector("button").disabled = true;
    const sent = {method: "POST", body: JSON.stringify(body)};
    const r = await api(d, d.base + "/polls/" + poll.id + "/ballots", sent);
    if (!live(d)) return;
    form.querySelector("button").disabled = false;
    if (!r.ok) return say(box, r.body ? r.body.detail : "HTTP error", false);
    // Drawn again from the server: the ballot as it now stands, with this word under it.
    d.notes[ballotKey(poll, b)] = r.body.changed ? T.changed : T.thanks;
    d.shown = "";
    refresh(d);
  });
  return form;
}
function opinionForm(d, poll, card) {
  const text = el("textarea", {maxlength: "5000"});
  const box = el("p", {class: "message"});
  const button = el("button", {type: "button"}, T.send);
  // Agree, object or other: the conclusion notice counts the opinions by it.
  const stances = el("fieldset", {class: "stances"}, el("legend", {}, T.stance));
  for (const s of ["agree", "object", "other"]) {
    const radio = el("input", {type: "radio", name: "stance-" + poll.id, value: s});
    if (s === "other") radio.checked = true;
    stances.append(el("label", {class: "stance"}, radio, " " + T["stance_" + s]));
  }
  button.addEventListener("click", async () => {
    if (!live(d) || !text.value.trim()) return;
    const stance = stances.querySelector("input:checked").value;
    const r = await api(d, d.base + "/polls/" + poll.id + "/opinions", {method: "POST",
      body: JSON.stringify({text: text.value, stance})});
    if (!live(d)) return;
    if (r.ok) { text.value = ""; say(box, T.sent, true); }
    else say(box, r.body ? r.body.detail : "HTTP error", false);
  });
  card.append(el("div", {class: "opinion"}, el("p", {}, el("strong", {}, T.opinion)), stances, text, button, box));
}
function showStanding(me) {
  const standing = document.getElementById("standing");
  standing.textContent = me.may_vote ? "" : standingText(me);
  standing.hidden = me.may_vote;
}
async function refresh(d) {
  const [who, r] = await Promise.all([api(d, "/api/v1/voter"), api(d, d.base + "/polls")]);
  if (!live(d)) return;
  if (who.status === 401) return replaced(d); // a new link was issued: this one is dead
  if (!r.ok || !who.ok) return;
  const me = d.me = who.body;
  // Redrawn only when something changed, so an opinion being typed is not wiped.
  const signature = JSON.stringify([me.voting_status, me.may_vote, me.may_give_opinions,
    me.proxies_for.map(p => p.id), r.body.map(p => [p.id, p.state, p.your_ballots])]);
  if (signature === d.shown) return;
  d.shown = signature;
  docsNotePolls();
  showStanding(me);
  const cards = r.body.length ? [] : [el("p", {}, T.none)];
  for (const poll of [...r.body].reverse()) {
    cards.push(await pollCard(d, me, poll));
    if (!live(d)) return;
  }
  // Replaced at once: a second drawing under way (a ballot just sent) never doubles a card.
  document.getElementById("polls").replaceChildren(...cards);
}
function kindText(poll) {
  if (poll.kind !== "opinion") return T[poll.secrecy];
  return poll.secrecy === "secret" ? T.kind_opinion_secret : T.kind_opinion;
}
async function pollCard(d, me, poll) {
  const card = el("article", {class: "poll", id: "poll-" + poll.id},
    el("h2", {}, poll.title, " ", el("span", {class: "state " + poll.state}, T[poll.state])),
    el("p", {class: "kind"}, kindText(poll)));
  if (poll.description) card.append(el("p", {}, poll.description));
  const ballots = poll.your_ballots || [];
  if (poll.kind !== "opinion" && poll.state !== "draft") {
    // Said before any ballot is offered: no button that can only be refused.
    if (poll.state === "open" && !me.may_vote && ballots.some(b => !b.voted)) {
      card.append(el("p", {class: "message notice"}, T.no_ballot));
    }
    const titled = ballots.length > 1; // "Bản thân tôi" beside each grantor
    for (const b of ballots) {
      if (b.voted || b.may_cast || (b.grantor_present && poll.state === "open")) {
        card.append(ballotSection(d, poll, b, titled));
      }
    }
  }
  if (poll.state === "open") {
    if (me.may_give_opinions) opinionForm(d, poll, card);
    else if (poll.kind === "opinion") card.append(el("p", {class: "message notice"}, T.no_opinion));
  }
  if (poll.state === "closed" && poll.kind !== "opinion") await showResult(d, poll, card);
  return card;
}
function replaced(d) {
  clearInterval(d.timer);
  docsReset(); // the documents go with the polls: the link no longer opens either
  document.getElementById("standing").hidden = true;
  document.getElementById("polls").replaceChildren();
  document.getElementById("bad").hidden = false;
}
function reset() {
  document.getElementById("meeting").textContent = "";
  document.getElementById("delegate").textContent = "";
  document.getElementById("who").hidden = true;
  document.getElementById("bad").hidden = true;
  document.getElementById("standing").hidden = true;
  document.getElementById("polls").replaceChildren();
  docsReset();
  LANG_LINK.setAttribute("href", LANG_HREF + location.hash);
}
async function open() {
  if (current) clearInterval(current.timer);
  const d = current = {token: decodeURIComponent(location.hash.slice(1)), base: null, me: null,
    shown: "", timer: null, notes: {}};
  reset();
  const me = d.token ? await api(d, "/api/v1/voter") : {ok: false};
  if (!live(d)) return;
  if (!me.ok) { document.getElementById("bad").hidden = false; return; }
  d.me = me.body;
  d.base = "/api/v1/meetings/" + me.body.meeting_id;
  document.getElementById("meeting").textContent = me.body.meeting_title;
  document.getElementById("delegate").textContent = me.body.person.full_name;
  document.getElementById("who").hidden = false;
  docsStart(d);
  d.timer = setInterval(() => refresh(d), REFRESH_MS);
  refresh(d);
}
window.addEventListener("hashchange", open);
open();
