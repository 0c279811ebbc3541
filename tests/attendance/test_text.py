"""Vietnamese names: NFC normalisation and diacritic-insensitive search keys."""

from __future__ import annotations

import unicodedata

import pytest

from attendance.errors import Invalid
from attendance.text import clean_text, normalise_name, search_key


def test_decomposed_and_composed_names_normalise_equal() -> None:
    composed = "Nguyễn Thị Ánh"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert normalise_name(f"  {decomposed}  ") == composed


def test_search_key_drops_diacritics_case_and_d_stroke() -> None:
    assert search_key("Đặng Thị Giang") == "dang thi giang"
    assert search_key("NGUYỄN   Văn  Ấn") == "nguyen van an"
    assert search_key("Trương Mỹ Hoà") == search_key("truong my hoa")


@pytest.mark.parametrize("bad", ["Lê\ufffeB", "a\ud800b", "An\u202egnaH", "x\x00"])
def test_text_an_export_or_a_screen_could_not_show_truly_is_refused(bad: str) -> None:
    with pytest.raises(Invalid):
        clean_text(bad, field="full_name")


def test_invisible_spaces_and_byte_order_marks_are_dropped_from_names() -> None:
    assert clean_text("\ufeffĐỗ\u200b Thu  Hương", field="full_name") == "Đỗ Thu Hương"
