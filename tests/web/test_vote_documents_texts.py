"""The phone page's documents tab: every text its script uses is defined in both languages,
and said to a delegate as "đồng chí"."""

from __future__ import annotations

import re
from pathlib import Path

from api.vote_page import TEXTS
from api.web.vote_documents_texts import VOTE_DOCUMENT_ERRORS, VOTE_DOCUMENT_TEXTS

STATIC = Path(__file__).resolve().parents[2] / "api" / "web" / "static"


def test_every_text_the_documents_tab_uses_is_on_the_page_in_both_languages() -> None:
    script = (STATIC / "vote_documents.js").read_text(encoding="utf-8")
    script += (STATIC / "vote.js").read_text(encoding="utf-8")
    used = set(re.findall(r"\bT\.(phone_\w+)", script))
    assert len(used) > 20
    for lang in ("vi", "en"):
        assert sorted(used - set(TEXTS[lang])) == []
        assert [k for k in used if not TEXTS[lang][k].strip()] == []


def test_the_tab_keeps_the_voting_pages_words_and_errors_read_in_both_languages() -> None:
    own = set(VOTE_DOCUMENT_TEXTS) | set(VOTE_DOCUMENT_ERRORS)
    assert len(own) == len(VOTE_DOCUMENT_TEXTS) + len(VOTE_DOCUMENT_ERRORS)
    assert all(key.startswith("phone_") for key in own)  # never a voting page's key
    assert TEXTS["vi"]["title"] == "Biểu quyết" and TEXTS["vi"]["send"] == "Gửi ý kiến"
    vi, en = VOTE_DOCUMENT_ERRORS["phone_docs_error_network"]
    assert TEXTS["vi"]["phone_docs_error_network"] == f"{vi} / {en}"
    assert TEXTS["en"]["phone_docs_error_network"] == f"{en} / {vi}"
    assert TEXTS["vi"]["phone_docs_tab_documents"] == "Tài liệu"
    words = [vi for vi, _ in [*VOTE_DOCUMENT_TEXTS.values(), *VOTE_DOCUMENT_ERRORS.values()]]
    assert [w for w in words if re.search(r"\bbạn\b", w, re.I)] == []
