"""The delegate's voting page, opened from the personal link: open polls, ballots, opinions."""

from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

TEXTS = {
    "vi": {
        "title": "Biểu quyết",
        "hello": "Đại biểu",
        "none": "Chưa có nội dung biểu quyết nào. Trang tự cập nhật.",
        "submit": "Gửi phiếu",
        "voted": "Bạn đã bỏ phiếu.",
        "draft": "Chưa mở",
        "open": "Đang mở",
        "closed": "Đã kết thúc",
        "secret": "Bỏ phiếu kín",
        "named": "Biểu quyết công khai",
        "choose": "Chọn tối đa",
        "opinion": "Ý kiến của bạn",
        "send": "Gửi ý kiến",
        "sent": "Đã gửi ý kiến. Xin cảm ơn.",
        "thanks": "Đã ghi nhận phiếu của bạn.",
        "result": "Kết quả",
        "pick": "Hãy chọn một phương án.",
        "proxy": "Bỏ phiếu thay (ủy quyền) cho đại biểu số",
        "other": "English",
        "bad": "Liên kết bỏ phiếu không hợp lệ hoặc đã được thay. Xin thư ký cấp lại.",
    },
    "en": {
        "title": "Voting",
        "hello": "Delegate",
        "none": "No polls yet. This page updates by itself.",
        "submit": "Cast ballot",
        "voted": "You have voted.",
        "draft": "Not open yet",
        "open": "Open",
        "closed": "Closed",
        "secret": "Secret ballot",
        "named": "Named vote",
        "choose": "Choose up to",
        "opinion": "Your opinion",
        "send": "Send opinion",
        "sent": "Opinion sent. Thank you.",
        "thanks": "Your ballot was recorded.",
        "result": "Result",
        "pick": "Please choose an option.",
        "proxy": "Vote by proxy for member no.",
        "other": "Tiếng Việt",
        "bad": "This voting link is not valid or was replaced. Ask the secretary for a new one.",
    },
}

_STYLE = """
body { margin: 0; font-family: system-ui, sans-serif; background: #f4f5f7; color: #111;
  font-size: 18px; }
header { background: #8b0000; color: #fff; padding: 0.8em 1em; }
header a { color: #ffd; float: right; }
main { max-width: 40em; margin: 0 auto; padding: 0.5em; }
.poll { background: #fff; border-radius: 8px; padding: 1em; margin: 0.8em 0;
  box-shadow: 0 1px 3px #0002; }
.state { font-size: 0.8em; padding: 0.1em 0.5em; border-radius: 4px; background: #ddd; }
.state.open { background: #2a7; color: #fff; }
label.option { display: block; padding: 0.7em; margin: 0.4em 0; border: 1px solid #ccc;
  border-radius: 6px; }
button { font-size: 1em; padding: 0.6em 1.2em; border: 0; border-radius: 6px;
  background: #8b0000; color: #fff; }
textarea { width: 100%; box-sizing: border-box; font-size: 1em; min-height: 4em; }
.message { margin-top: 0.5em; } .error { color: #b00; } .ok { color: #070; }
"""

_SCRIPT = """
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
  if (r.ok) card.append(el("p", {class: "result"},
    el("strong", {}, T.result + ": "), CONFIG.lang === "vi" ? r.body.reason_vi : r.body.reason_en));
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
"""


def _page(lang: str, body: str) -> str:
    t = TEXTS[lang]
    # "<" is escaped so no text can close the script.
    data = json.dumps({"lang": lang, "texts": t}, ensure_ascii=False).replace("<", "\\u003c")
    script = f"<script>const CONFIG = {data};{_SCRIPT}</script>"
    other = "?lang=en" if lang == "vi" else "?lang=vi"  # the script keeps the #token
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{t['title']}</title><style>{_STYLE}</style></head><body>"
        f'<header><a id="other-lang" href="{other}">{t["other"]}</a>'
        f"<strong>{t['title']}</strong></header>"
        f"<main>{body}</main>{script}</body></html>"
    )


@router.get("/vote", response_class=HTMLResponse)
def vote_page(lang: str = "vi") -> HTMLResponse:
    """The same page for every delegate: the link's token is after "#", read by the script,
    never sent to the server in the address (so it stays out of access logs)."""
    lang = lang if lang in TEXTS else "vi"
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    t = TEXTS[lang]
    body = (
        '<h1 id="meeting"></h1>'
        f'<p id="who" hidden>{t["hello"]}: <strong id="delegate"></strong></p>'
        f'<p id="bad" class="message error" hidden>{t["bad"]}</p>'
        '<div id="polls"></div>'
    )
    return HTMLResponse(_page(lang, body), headers=headers)
