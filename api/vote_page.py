"""The delegate's voting page, opened from the personal link: open polls, ballots, opinions,
and the meeting's documents (the "Tài liệu" tab)."""

from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.web.vote_documents_texts import vote_document_texts

router = APIRouter(include_in_schema=False)

_OWN_TEXTS = {
    "vi": {
        "title": "Biểu quyết",
        "hello": "Đại biểu",
        "none": "Chưa có nội dung biểu quyết nào. Trang tự cập nhật.",
        "submit": "Gửi phiếu",
        "voted": "Đồng chí đã bỏ phiếu.",
        "voted_by": "Đồng chí đã được bỏ phiếu thay bởi {name}.",
        "voted_for": "Đồng chí đã bỏ phiếu thay {name}.",
        "voted_self": "{name} đã tự bỏ phiếu.",
        "grantor_present": "{name} đang có mặt và tự bỏ phiếu.",
        "chosen": "Đã chọn:",
        "change": "Sửa phiếu",
        "changed": "Đã sửa phiếu của đồng chí.",
        "kind_opinion": "Lấy ý kiến",
        "kind_opinion_secret": "Lấy ý kiến (không ghi tên)",
        "no_opinion": "Chưa thể gửi ý kiến; lý do ở đầu trang.",
        "draft": "Chưa mở",
        "open": "Đang mở",
        "closed": "Đã kết thúc",
        "secret": "Bỏ phiếu kín",
        "named": "Biểu quyết công khai",
        "choose": "Chọn tối đa",
        "opinion": "Ý kiến của đồng chí",
        "send": "Gửi ý kiến",
        # Not "Đồng ý" alone: that is a ballot's option on the same card.
        "stance": "Ý kiến này là",
        "stance_agree": "Ý kiến đồng ý",
        "stance_object": "Ý kiến không đồng ý",
        "stance_other": "Ý kiến khác",
        "sent": "Đã gửi ý kiến. Xin cảm ơn.",
        "thanks": "Đã ghi nhận phiếu của đồng chí.",
        "result": "Kết quả",
        "pick": "Hãy chọn một phương án.",
        "no_ballot": "Chưa thể biểu quyết nội dung này; lý do ở đầu trang.",
        "for_whom": "Bỏ phiếu cho",
        "myself": "Bản thân tôi",
        "by_proxy": "(được ủy quyền)",
        "standing_not_arrived": "Đồng chí chưa điểm danh, chưa có mặt trong phòng họp: chưa thể "
        "biểu quyết. Xin điểm danh tại cửa phòng họp; trang sẽ tự cập nhật.",
        "standing_checked_out": "Đồng chí đã được ghi ra về: không thể biểu quyết. Khi quay lại "
        "phòng họp, xin điểm danh lại; trang sẽ tự cập nhật.",
        "standing_observer": "Đồng chí dự họp với tư cách khách mời: không có quyền biểu quyết.",
        "standing_not_on_roster": "Đồng chí không có trong danh sách cuộc họp này: không thể "
        "biểu quyết. Xin liên hệ thư ký.",
        "other": "English",
        "bad": "Liên kết bỏ phiếu không hợp lệ hoặc đã được thay. Xin thư ký cấp lại.",
    },
    "en": {
        "title": "Voting",
        "hello": "Delegate",
        "none": "No polls yet. This page updates by itself.",
        "submit": "Cast ballot",
        "voted": "You have voted.",
        "voted_by": "{name} voted for you (by proxy).",
        "voted_for": "You voted for {name} (by proxy).",
        "voted_self": "{name} voted in person.",
        "grantor_present": "{name} is in the room and votes in person.",
        "chosen": "Chosen:",
        "change": "Change ballot",
        "changed": "Your ballot was changed.",
        "kind_opinion": "Opinions",
        "kind_opinion_secret": "Opinions (anonymous)",
        "no_opinion": "You cannot give an opinion yet; the reason is at the top of the page.",
        "draft": "Not open yet",
        "open": "Open",
        "closed": "Closed",
        "secret": "Secret ballot",
        "named": "Named vote",
        "choose": "Choose up to",
        "opinion": "Your opinion",
        "send": "Send opinion",
        "stance": "This opinion is",
        "stance_agree": "In agreement",
        "stance_object": "An objection",
        "stance_other": "Another opinion",
        "sent": "Opinion sent. Thank you.",
        "thanks": "Your ballot was recorded.",
        "result": "Result",
        "pick": "Please choose an option.",
        "no_ballot": "You cannot vote on this poll; the reason is at the top of the page.",
        "for_whom": "Vote for",
        "myself": "Myself",
        "by_proxy": "(by proxy)",
        "standing_not_arrived": "You have not checked in and are not in the room: you cannot "
        "vote yet. Please check in at the door; this page updates by itself.",
        "standing_checked_out": "You were checked out: you cannot vote. Check in again when you "
        "come back into the room; this page updates by itself.",
        "standing_observer": "You attend as an observer: you have no vote.",
        "standing_not_on_roster": "You are not on this meeting's roster: you cannot vote. "
        "Please ask the secretary.",
        "other": "Tiếng Việt",
        "bad": "This voting link is not valid or was replaced. Ask the secretary for a new one.",
    },
}

# The documents tab's texts live in api/web/ beside the other pages' tables (one key, one
# place: tests/web/test_texts.py).
TEXTS = {lang: own | vote_document_texts(lang) for lang, own in _OWN_TEXTS.items()}


def _page(lang: str, body: str) -> str:
    t = TEXTS[lang]
    # "<" is escaped so no text can close the script.
    data = json.dumps({"lang": lang, "texts": t}, ensure_ascii=False).replace("<", "\\u003c")
    # A data block, not a script: the CSP lets only the server's own /static scripts run.
    config = f'<script type="application/json" id="vote-config">{data}</script>'
    # The documents tab's functions first: vote.js calls them once it knows the delegate.
    script = (
        '<script src="/static/vote_documents.js"></script><script src="/static/vote.js"></script>'
    )
    other = "?lang=en" if lang == "vi" else "?lang=vi"  # the script keeps the #token
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{t['title']}</title>"
        '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
        '<link rel="stylesheet" href="/static/vote.css"></head><body>'
        f'<header><a id="other-lang" href="{other}">{t["other"]}</a>'
        f"<strong>{t['title']}</strong></header>"
        f"<main>{body}</main>{config}{script}</body></html>"
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
        '<nav id="tabs" class="tabs" role="tablist" hidden>'
        '<button type="button" id="tab-vote" role="tab" aria-controls="vote-panel" '
        f'aria-selected="true">{t["phone_docs_tab_vote"]}</button>'
        '<button type="button" id="tab-docs" role="tab" aria-controls="docs-panel" '
        f'aria-selected="false">{t["phone_docs_tab_documents"]}</button></nav>'
        '<section id="vote-panel" role="tabpanel">'
        '<p id="standing" class="message notice" role="status" hidden></p>'
        '<div id="polls"></div></section>'
        '<section id="docs-panel" role="tabpanel" hidden>'
        '<div id="docs-list"></div><div id="viewer" hidden></div></section>'
    )
    return HTMLResponse(_page(lang, body), headers=headers)
