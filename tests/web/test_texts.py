"""Every text a template uses exists in both languages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from api.web.texts import TEXTS

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "web" / "templates"


def test_every_text_a_template_uses_is_defined() -> None:
    used = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(["']([a-z_]+)["']""", path.read_text(encoding="utf-8")))
    # Keys built from a prefix (status_, row_, action_, decision_) are checked where used.
    assert sorted(k for k in used if not k.endswith("_") and k not in TEXTS) == []


def test_every_text_has_both_languages() -> None:
    assert [k for k, (vi, en) in TEXTS.items() if not vi.strip() or not en.strip()] == []


def test_prefixed_texts_cover_every_value() -> None:
    for key in ("status_present", "status_late", "status_absent", "row_matched", "row_new"):
        assert key in TEXTS
    for key in ("row_invalid", "decision_ambiguous", "decision_unknown", "action_check_out"):
        assert key in TEXTS


def test_no_two_tables_of_texts_define_the_same_key() -> None:
    # The pages' texts come from several tables merged into one: a key defined twice would
    # show one page another page's words (a person's deletion read "the meeting was deleted").
    web = TEMPLATES.parent
    keys: dict[str, list[str]] = {}
    for path in sorted(web.glob("*texts.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Dict)
                and node.keys
                and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys)
            ):
                for key in node.keys:
                    assert isinstance(key, ast.Constant)
                    keys.setdefault(str(key.value), []).append(path.name)
    assert {k: files for k, files in keys.items() if len(files) > 1} == {}
