// The phone page's "Tài liệu" tab (api/vote_page.py): the meeting's agenda with its files, a
// PDF read in the page as page images (no PDF app needed on the phone), and "Tải về" for any
// file. Loaded before vote.js: these functions use its globals (T, CONFIG, el, say, live,
// replaced) only when called, and vote.js calls docsStart(d) once it knows the delegate and
// docsReset() when the delegate changes or the link dies. Every request carries the link as a
// Bearer header, so files and page images arrive as blobs, shown through blob: addresses (the
// CSP's img-src allows blob:) and revoked once the viewer closes.

// A page image is fetched when it comes within one and a half screens: scrolling on 4G stays
// smooth, and a 300-page PDF is never fetched whole by a delegate who reads three pages.
const DOCS_AHEAD = "150% 0px";
// The server draws pages 320..1600 px wide in steps of 80 (api/routes/document_pages.py) and
// keeps each drawing: asked in the same steps, phones of nearly the same width share one.
const DOCS_WIDTH_STEP = 80;
const DOCS_WIDTH_MIN = 320;
const DOCS_WIDTH_MAX = 1600;
const TAB_VOTE = document.getElementById("tab-vote");
const TAB_DOCS = document.getElementById("tab-docs");
let docs = null; // {d, viewer}: the delegate whose documents are shown; viewer: the open PDF

function docsFill(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}
async function docsFetch(d, path) {
  // status 0: the request never reached the server (no network, the server down).
  try {
    const response = await fetch(path, {headers: {"Authorization": "Bearer " + d.token}});
    return {ok: response.ok, status: response.status, response};
  } catch (e) {
    return {ok: false, status: 0, response: null};
  }
}
async function docsProblem(d, r) {
  // What a person can act on, in both languages; never an empty box.
  if (r.status === 0) return T.phone_docs_error_network;
  if (r.status === 401) { replaced(d); return T.phone_docs_error_revoked; }
  let detail = null;
  try { detail = (await r.response.json()).detail; } catch (e) {}
  if (r.status < 500 && typeof detail === "string" && detail) return detail;
  return docsFill(T.phone_docs_error_server, {status: r.status});
}
function docsError(text, retry) {
  const box = el("div", {class: "message error", role: "alert"}, el("p", {}, text));
  if (retry) {
    const again = el("button", {type: "button", class: "retry"}, T.phone_docs_retry);
    again.addEventListener("click", retry);
    box.append(again);
  }
  return box;
}
function docsSize(bytes) {
  const number = new Intl.NumberFormat(CONFIG.lang === "vi" ? "vi-VN" : "en-GB",
    {maximumFractionDigits: 1});
  if (bytes < 1024 * 1024) return number.format(Math.max(1, Math.round(bytes / 1024))) + " KB";
  return number.format(bytes / (1024 * 1024)) + " MB";
}
function docsFacts(doc) {
  const v = doc.version;
  const facts = [v.kind.toUpperCase(), docsSize(v.size)];
  if (v.pages) facts.push(v.pages === 1 ? T.phone_docs_one_page : docsFill(T.phone_docs_pages, {n: v.pages}));
  if (v.number > 1) facts.push(docsFill(T.phone_docs_version, {n: v.number}));
  return facts.join(" · ");
}

function docsNotePolls() {
  // Called by vote.js when the polls changed: a delegate reading a document sees a dot on
  // "Biểu quyết" (a vote may have opened) without being taken away from the page they read.
  if (!document.getElementById("docs-panel").hidden) TAB_VOTE.classList.add("news");
}
function docsShowTab(which) {
  const onDocs = which === "docs";
  if (!onDocs) TAB_VOTE.classList.remove("news");
  TAB_VOTE.setAttribute("aria-selected", String(!onDocs));
  TAB_DOCS.setAttribute("aria-selected", String(onDocs));
  document.getElementById("vote-panel").hidden = onDocs;
  document.getElementById("docs-panel").hidden = !onDocs;
  // Loaded each time the tab is opened: the secretary may have added a file meanwhile.
  if (onDocs && docs && !docs.viewer) docsLoad(docs.d);
}
TAB_VOTE.addEventListener("click", () => docsShowTab("vote"));
TAB_DOCS.addEventListener("click", () => docsShowTab("docs"));

function docsStart(d) {
  docs = {d, viewer: null};
  document.getElementById("tabs").hidden = false;
}
function docsReset() {
  docsClose();
  docs = null;
  document.getElementById("tabs").hidden = true;
  document.getElementById("docs-list").replaceChildren();
  TAB_VOTE.setAttribute("aria-selected", "true");
  TAB_VOTE.classList.remove("news");
  TAB_DOCS.setAttribute("aria-selected", "false");
  document.getElementById("vote-panel").hidden = false;
  document.getElementById("docs-panel").hidden = true;
}

async function docsGone(d, doc, r) {
  // A 404 for a listed file: the list is loaded again. Not in it any more: the secretary
  // removed it. Still there: the server lost its file, and its own message says what to do.
  docsClose();
  const detail = await docsProblem(d, r);
  docsLoad(d, body => (body.documents.some(f => f.id === doc.id) ? detail : T.phone_docs_error_missing));
}
async function docsLoad(d, noticeFor) {
  const list = document.getElementById("docs-list");
  list.hidden = false;
  list.replaceChildren(el("p", {class: "message"}, T.phone_docs_loading));
  const r = await docsFetch(d, d.base + "/documents");
  if (!live(d) || !docs || docs.d !== d) return;
  let body = null;
  if (r.ok) { try { body = await r.response.json(); } catch (e) { r.status = 0; } }
  if (!body) return list.replaceChildren(docsError(await docsProblem(d, r), () => docsLoad(d)));
  const shown = noticeFor ? [docsError(noticeFor(body), null)] : [];
  list.replaceChildren(...shown, ...docsSections(d, body));
}
function docsSections(d, body) {
  // The meeting's own files first, then the agenda in its order, each item with its files.
  const items = [...body.agenda].sort((a, b) => a.position - b.position);
  const known = new Set(items.map(i => i.id));
  const files = [...body.documents].sort((a, b) => a.position - b.position);
  const under = id => files.filter(f => (known.has(f.agenda_item_id) ? f.agenda_item_id : null) === id);
  const sections = [];
  if (!files.length) sections.push(el("p", {class: "message notice"}, T.phone_docs_none));
  const general = under(null);
  if (general.length) {
    sections.push(el("section", {class: "agenda-item", id: "docs-meeting"},
      el("h2", {}, T.phone_docs_meeting), ...general.map(f => docsCard(d, f))));
  }
  items.forEach((item, index) => {
    const mine = under(item.id);
    const cards = mine.length ? mine.map(f => docsCard(d, f)) : [el("p", {class: "empty"}, T.phone_docs_item_none)];
    sections.push(el("section", {class: "agenda-item", id: "agenda-" + item.id},
      el("h2", {}, (index + 1) + ". " + item.title), ...cards));
  });
  return sections;
}
function docsCard(d, doc) {
  const card = el("article", {class: "doc", id: "doc-" + doc.id},
    el("h3", {}, doc.title), el("p", {class: "facts"}, docsFacts(doc)));
  if (doc.watermark && doc.version.kind === "pdf") card.append(el("p", {class: "facts"}, T.phone_docs_watermark));
  const actions = el("p", {class: "actions"});
  const box = el("p", {class: "message", role: "status"});
  if ((doc.version.kind === "pdf" && doc.version.pages) || docsImage(doc)) {
    const read = el("button", {type: "button", class: "read"}, T.phone_docs_read);
    read.addEventListener("click", () => docsOpen(d, doc));
    actions.append(read);
  }
  const download = el("button", {type: "button", class: "download"}, T.phone_docs_download);
  download.addEventListener("click", () => docsDownload(d, doc, download, box));
  actions.append(download);
  card.append(actions, box);
  return card;
}

// A photo or a scan (JPEG, PNG) is shown in the viewer as it is, as its one page.
function docsImage(doc) {
  return doc.version.kind === "jpeg" || doc.version.kind === "png";
}

function docsFilename(header) {
  // RFC 6266: filename*=UTF-8''... keeps the Vietnamese name; filename="..." is its ASCII stand-in.
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header || "");
  if (star) { try { return decodeURIComponent(star[1].trim()); } catch (e) {} }
  const plain = /filename\s*=\s*"([^"]*)"/i.exec(header || "");
  return plain ? plain[1] : null;
}
async function docsDownload(d, doc, button, box) {
  button.disabled = true;
  say(box, T.phone_docs_downloading, true);
  const r = await docsFetch(d, d.base + "/documents/" + doc.id);
  let blob = null;
  if (r.ok) { try { blob = await r.response.blob(); } catch (e) { r.status = 0; } }
  if (!live(d)) return;
  button.disabled = false;
  if (!blob) {
    if (r.status === 404) return docsGone(d, doc, r);
    return say(box, await docsProblem(d, r), false);
  }
  const name = docsFilename(r.response.headers.get("Content-Disposition")) || doc.version.filename;
  const url = URL.createObjectURL(blob);
  const link = el("a", {href: url, download: name, hidden: ""});
  document.body.append(link);
  link.click();
  link.remove();
  // Not revoked at once: some phones' browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  say(box, docsFill(T.phone_docs_downloaded, {name}), true);
}

function docsPageWidth(pages) {
  const wanted = pages.clientWidth * (window.devicePixelRatio || 1);
  const stepped = Math.ceil(wanted / DOCS_WIDTH_STEP) * DOCS_WIDTH_STEP;
  return Math.min(DOCS_WIDTH_MAX, Math.max(DOCS_WIDTH_MIN, stepped));
}
function docsOpen(d, doc) {
  docsClose();
  const list = document.getElementById("docs-list");
  const viewer = document.getElementById("viewer");
  const total = docsImage(doc) ? 1 : doc.version.pages;
  const where = el("span", {class: "page-of", id: "page-of", "aria-live": "polite"},
    docsFill(T.phone_docs_page_of, {n: 1, total}));
  const back = el("button", {type: "button", class: "back"}, T.phone_docs_back);
  const pages = el("div", {class: "pages"});
  viewer.replaceChildren(el("div", {class: "viewer-bar"}, back, where), el("h2", {}, doc.title), pages);
  list.hidden = true;
  viewer.hidden = false;
  const state = docs.viewer = {doc, total, urls: [], observers: [], width: docsPageWidth(pages)};
  const loader = new IntersectionObserver(entries => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      loader.unobserve(entry.target);
      docsLoadPage(d, state, entry.target);
    }
  }, {rootMargin: DOCS_AHEAD});
  // The page that crosses the middle of the screen is the one being read.
  const tracker = new IntersectionObserver(entries => {
    for (const entry of entries) {
      if (entry.isIntersecting) where.textContent = docsFill(T.phone_docs_page_of, {n: entry.target.dataset.n, total});
    }
  }, {rootMargin: "-49% 0px -50% 0px"});
  state.observers.push(loader, tracker);
  for (let n = 1; n <= total; n++) {
    const page = el("figure", {class: "page loading", id: "page-" + n, "data-n": String(n)},
      el("figcaption", {}, docsFill(T.phone_docs_page_of, {n, total})));
    pages.append(page);
    loader.observe(page);
    tracker.observe(page);
  }
  // An entry in the history of its own: the phone's back gesture closes the viewer, as the
  // button does, instead of leaving the page.
  history.pushState({docsViewer: doc.id}, "");
  back.addEventListener("click", () => history.back());
  // The meeting's title and the tabs above take half a phone's screen: the pages start at the top.
  viewer.scrollIntoView({block: "start"});
}
function docsBackToList() {
  if (!docs || !docs.viewer) return;
  const id = docs.viewer.doc.id;
  docsClose();
  document.getElementById("docs-list").hidden = false;
  const card = document.getElementById("doc-" + id);
  if (card) card.scrollIntoView({block: "center"});
}
window.addEventListener("popstate", docsBackToList);
async function docsLoadPage(d, state, page) {
  const n = Number(page.dataset.n);
  const caption = el("figcaption", {}, docsFill(T.phone_docs_page_of, {n, total: state.total}));
  page.classList.add("loading");
  page.replaceChildren(el("p", {class: "page-wait"}, docsFill(T.phone_docs_page_loading, {n})), caption);
  const file = d.base + "/documents/" + state.doc.id;
  const path = docsImage(state.doc) ? file + "?inline=true" : file + "/pages/" + n + "?width=" + state.width;
  const r = await docsFetch(d, path);
  let blob = null;
  if (r.ok) { try { blob = await r.response.blob(); } catch (e) { r.status = 0; } }
  if (!live(d) || !docs || docs.viewer !== state) return;
  const failed = async (problem) => {
    const text = docsFill(T.phone_docs_error_page, {n}) + " " + problem;
    page.replaceChildren(docsError(text, () => docsLoadPage(d, state, page)), caption);
  };
  if (!blob && r.status === 404) return docsGone(d, state.doc, r);
  if (!blob) return failed(await docsProblem(d, r));
  const url = URL.createObjectURL(blob);
  state.urls.push(url);
  const image = el("img", {alt: docsFill(T.phone_docs_page_of, {n, total: state.total})});
  image.addEventListener("load", () => page.classList.remove("loading"));
  image.addEventListener("error", () => failed(docsFill(T.phone_docs_error_server, {status: r.status})));
  image.src = url;
  page.replaceChildren(image, caption);
}
function docsClose() {
  if (!docs || !docs.viewer) return;
  for (const observer of docs.viewer.observers) observer.disconnect();
  for (const url of docs.viewer.urls) URL.revokeObjectURL(url);
  docs.viewer = null;
  const viewer = document.getElementById("viewer");
  viewer.replaceChildren();
  viewer.hidden = true;
}
