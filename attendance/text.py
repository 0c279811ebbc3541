"""Vietnamese-aware text helpers: NFC names and diacritic-free search keys."""

from __future__ import annotations

import unicodedata


def normalise_name(name: str) -> str:
    """NFC, single spaces: the same name typed on two keyboards compares equal."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def search_key(text: str) -> str:
    """Lower case without diacritics, so 'nguyen van an' finds 'Nguyễn Văn An'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.casefold().split())
