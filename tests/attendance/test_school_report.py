"""The monthly class report, a student's history and the school's rates, from arrivals, the
cut-off's marks (written or due), excused absences, and sessions still to come."""

from __future__ import annotations

from datetime import date

import pytest
from school_report_support import NOW, SCHOOL, seed_class
from sqlalchemy.orm import Session

from attendance.errors import Invalid, NotFound
from attendance.schools.marks import Mark
from attendance.schools.rates import school_month, student_history
from attendance.schools.report import class_month, parse_month

C, M, CP, KP = Mark.PRESENT, Mark.LATE, Mark.EXCUSED, Mark.UNEXCUSED


def test_each_student_gets_the_day_s_worst_mark_and_future_days_are_blank(
    session: Session,
) -> None:
    seeded = seed_class(session)
    report = class_month(session, class_id=seeded.class_id, month=date(2026, 12, 1), now=NOW)
    assert report.days == (
        date(2026, 12, 1),
        date(2026, 12, 2),
        date(2026, 12, 15),
        date(2026, 12, 31),
    )
    rows = {line.full_name.split()[-1]: line.days for line in report.students}
    assert rows == {
        "An": (C, M, C, None),
        "Bình": (KP, KP, None, None),  # the 2nd: past the cut-off, no mark written yet
        "Cường": (CP, CP, None, None),  # the 15th: before its cut-off, nobody absent yet
        "Dung": (KP, M, None, None),
    }
    # Vietnamese name order: An, Bình, Cường, Dung (by given name).
    assert report.students[0].full_name == "Nguyễn Văn An"
    assert report.students[0].student_code.startswith("HS")


def test_totals_count_sessions_and_the_rate_is_present_and_late_over_held(
    session: Session,
) -> None:
    seeded = seed_class(session)
    report = class_month(session, class_id=seeded.class_id, month=date(2026, 12, 1), now=NOW)
    totals = {line.full_name.split()[-1]: line.totals for line in report.students}
    an, binh, cuong, dung = (totals[n] for n in ("An", "Bình", "Cường", "Dung"))
    assert (an.present, an.late, an.excused, an.unexcused, an.rate) == (3, 1, 0, 0, 1.0)
    assert (binh.present, binh.unexcused, binh.held) == (1, 2, 3)
    assert binh.rate == pytest.approx(1 / 3)
    assert (cuong.excused, cuong.held, cuong.rate) == (3, 3, 0.0)
    assert (dung.present, dung.late, dung.unexcused) == (1, 1, 1)
    first = report.day_counts[0]
    assert first.sessions == 2
    assert (first.totals.present, first.totals.excused, first.totals.unexcused) == (1, 1, 2)
    assert report.totals.held == 13


def test_a_student_s_history_lists_each_session_with_its_mark(session: Session) -> None:
    seeded = seed_class(session)
    history = student_history(
        session, person_id=seeded.students["Bình"], start=date(2026, 12, 1), now=NOW
    )
    marks = [(m.day.day, m.period, m.mark) for m, _ in history.sessions]
    assert marks == [(1, 1, KP), (1, 2, C), (2, 1, KP), (15, 5, None), (31, 1, None)]
    assert history.totals.unexcused == 2 and history.sessions[0][1] == "6A"
    only_two = student_history(
        session,
        person_id=seeded.students["Bình"],
        start=date(2026, 12, 2),
        end=date(2026, 12, 2),
        now=NOW,
    )
    assert [m.mark for m, _ in only_two.sessions] == [KP]
    with pytest.raises(NotFound):  # a teacher of none of the student's classes
        student_history(session, person_id=seeded.students["Bình"], only_classes=set())


def test_school_rates_sum_their_classes(session: Session) -> None:
    first = seed_class(session, name="6A")
    seed_class(session, name="6B")
    report = school_month(session, month=date(2026, 12, 1), school=SCHOOL, now=NOW)
    assert [c.name for c in report.classes] == ["6A", "6B"]
    one = report.classes[0].totals
    assert report.totals.held == 2 * one.held and report.totals.rate == one.rate
    assert report.classes[0].sessions == 5 and report.classes[0].students == 4
    mine = school_month(session, month=date(2026, 12, 1), only_classes={first.class_id}, now=NOW)
    assert [c.name for c in mine.classes] == ["6A"]
    assert school_month(session, month=date(2026, 12, 1), school="Nowhere", now=NOW).classes == ()


@pytest.mark.parametrize("bad", ["2026-13", "12/2026", "2026-1", "", "tháng 12"])
def test_a_bad_month_is_refused_with_an_example(bad: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse_month(bad)
    assert refused.value.code == "INVALID_MONTH" and "2026-12" in refused.value.message
