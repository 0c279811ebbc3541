"""Vietnamese-aware text helpers: NFC names and diacritic-free search keys."""

from __future__ import annotations

import unicodedata

from attendance.errors import Invalid


def normalise_name(name: str) -> str:
    """NFC, single spaces: the same name typed on two keyboards compares equal."""
    # Zero-width spaces and stray byte-order marks (pasted from web pages and spreadsheets)
    # would make two spellings of one name differ invisibly.
    visible = name.replace("\u200b", "").replace("\ufeff", "")
    return " ".join(unicodedata.normalize("NFC", visible).split())


def search_key(text: str) -> str:
    """Lower case without diacritics, so 'nguyen van an' finds 'Nguyễn Văn An'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.casefold().split())


# Direction overrides make a name or an opinion display as something else than it is.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _refused(c: str) -> bool:
    # Cs: lone surrogates; Cn: noncharacters such as U+FFFE, which XML (XLSX) cannot hold.
    category = unicodedata.category(c)
    if category == "Cc":
        return c not in "\t\n\r"
    return category in ("Cs", "Cn") or c in _BIDI_CONTROLS


def clean_text(value: str, *, field: str) -> str:
    """NFC text with single spaces; control characters (NUL, escapes, direction overrides,
    noncharacters) are refused.

    PostgreSQL cannot store NUL at all, and no name or title legitimately holds one.
    """
    if any(_refused(c) for c in value):
        raise Invalid(
            f"Trường '{field}' chứa ký tự điều khiển không hợp lệ. "
            f"The field '{field}' contains control characters.",
            code="INVALID_TEXT",
        )
    return normalise_name(value)
