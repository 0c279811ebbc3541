"""Vietnamese name order: given name first, the Vietnamese alphabet, then the tone marks."""

from __future__ import annotations

import random
import unicodedata

import pytest

from attendance.names import ALPHABET, name_sort_key, sort_names, word_key

# The order a secretary expects, worked out by hand from the alphabet (a < ă < â < b ... đ ...
# ơ ... ư) and the tone order (none, huyền, hỏi, ngã, sắc, nặng); given name decides first.
DELEGATES = [
    "Nguyễn Văn An",  # An: a-n
    "Trần Thị Ánh",  # Ánh: a-n-h, longer than An; a (of Ánh) still before â (of Ân)
    "Lê Văn Ân",  # Ân: â-n, no tone
    "Hoàng Ngọc Ẩn",  # Ẩn: â-n with hỏi: same letters as Ân, tone decides
    "Vũ Thị Ấu",  # Ấu: â-u, u after n
    "Đặng Văn Bảo",
    "Đỗ Thị Dung",  # d before đ
    "Phạm Minh Đức",
    "Bùi Quang Ơn",  # o < ô < ơ
    "Ngô Thanh Ưng",  # u < ư
]


def test_delegates_sort_by_given_name_in_vietnamese_alphabetical_order() -> None:
    shuffled = DELEGATES[:]
    random.Random(7).shuffle(shuffled)
    assert sort_names(shuffled) == DELEGATES


def test_given_name_outranks_family_and_middle_names() -> None:
    assert sort_names(["Nguyễn Văn Bình", "Trần Văn An"]) == ["Trần Văn An", "Nguyễn Văn Bình"]
    assert sort_names(["Nguyễn Văn Hoa", "Nguyễn Thị Hoa"]) == ["Nguyễn Thị Hoa", "Nguyễn Văn Hoa"]
    assert sort_names(["Nguyễn Văn An", "Lê Văn An"]) == ["Lê Văn An", "Nguyễn Văn An"]


def test_letters_decide_before_tones() -> None:
    # Ánh has a tone and An has none, but a-n is a prefix of a-n-h: the letters decide.
    assert sort_names(["Lê Thị Ánh", "Lê Văn Anh", "Lê Văn An"]) == [
        "Lê Văn An",
        "Lê Văn Anh",
        "Lê Thị Ánh",
    ]
    # The given name's tone outranks the family name's letters.
    assert sort_names(["Bùi Văn Ân", "Âu Văn Ẩn"]) == ["Bùi Văn Ân", "Âu Văn Ẩn"]


def test_tones_follow_dictionary_order() -> None:
    tones = ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]  # none, huyền, hỏi, ngã, sắc, nặng
    assert sort_names(["Lê " + t for t in reversed(tones)]) == ["Lê " + t for t in tones]


def test_alphabet_puts_vietnamese_letters_after_their_base_and_foreign_ones_latin_style() -> None:
    assert ALPHABET.index("a") < ALPHABET.index("ă") < ALPHABET.index("â") < ALPHABET.index("b")
    assert ALPHABET.index("d") < ALPHABET.index("đ") < ALPHABET.index("e")
    assert ALPHABET.index("o") < ALPHABET.index("ô") < ALPHABET.index("ơ") < ALPHABET.index("p")
    assert sort_names(["Ngô Thanh Ưng", "John Smith", "Phan Văn Zũng", "Lê Văn Tú"]) == [
        "John Smith",
        "Lê Văn Tú",
        "Ngô Thanh Ưng",
        "Phan Văn Zũng",
    ]


@pytest.mark.parametrize("name", DELEGATES)
def test_decomposed_input_and_case_sort_as_the_composed_name(name: str) -> None:
    decomposed = unicodedata.normalize("NFD", name)
    assert decomposed != name or name.isascii()
    assert name_sort_key(decomposed) == name_sort_key(name)
    assert name_sort_key(name.upper())[:3] == name_sort_key(name)[:3]
    assert name_sort_key(f"  {name.lower()}  ")[:3] == name_sort_key(name)[:3]


def test_old_and_new_tone_placement_are_the_same_name() -> None:
    assert word_key("Hòa") == word_key("Hoà")
    assert word_key("Thủy") == word_key("Thuỷ")


def test_stacked_marks_split_into_letter_and_tone() -> None:
    assert word_key("Ậ") == (word_key("â")[0], 5)  # nặng
    assert word_key("Ữ")[0] == word_key("ư")[0]
    assert word_key("Ở")[1] == 2


def test_single_word_and_empty_names_do_not_fail() -> None:
    assert sort_names(["Bình", "", "An"]) == ["", "An", "Bình"]
