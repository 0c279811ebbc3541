"""Vietnamese names: NFC normalisation and diacritic-insensitive search keys."""

from __future__ import annotations

import unicodedata

from attendance.text import normalise_name, search_key


def test_decomposed_and_composed_names_normalise_equal() -> None:
    composed = "Nguyễn Thị Ánh"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert normalise_name(f"  {decomposed}  ") == composed


def test_search_key_drops_diacritics_case_and_d_stroke() -> None:
    assert search_key("Đặng Thị Giang") == "dang thi giang"
    assert search_key("NGUYỄN   Văn  Ấn") == "nguyen van an"
    assert search_key("Trương Mỹ Hoà") == search_key("truong my hoa")
