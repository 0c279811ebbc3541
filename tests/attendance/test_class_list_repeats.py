"""A student code on two rows of one class list: neither row is imported, each names the other
(the import does not guess which of the two is the student)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from attendance.schools import classes
from attendance.schools.class_list import ClassListRow, ClassRowStatus, import_class_list


def test_every_row_with_a_repeated_code_is_rejected(session: Session) -> None:
    cls = classes.create_class(session, name="6A1", school="THCS A", school_year="2026-2027")
    rows = [
        ClassListRow(3, "HS001", "Nguyễn Minh Anh"),
        ClassListRow(4, "HS002", "Trần Bảo Châu"),
        ClassListRow(5, "hs 001", "Phạm Thu Hà"),  # the same code, spaced and in lower case
    ]
    done = import_class_list(session, class_id=cls.id, rows=rows, today=date(2026, 9, 5))
    assert [(e.row.line, e.status) for e in done.preview.rows] == [
        (3, ClassRowStatus.REJECT),
        (4, ClassRowStatus.CREATE),
        (5, ClassRowStatus.REJECT),
    ]
    assert "repeats line 5" in done.preview.rows[0].reason
    assert "repeats line 3" in done.preview.rows[2].reason
    assert len(done.person_ids) == 1
