"""Wire schemas of the school attendance reports: a class's month, a student's history, the
rates of a school's classes."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from attendance.schools.marks import Mark, Totals
from attendance.schools.rates import History, SchoolMonth
from attendance.schools.report import ClassMonth

MARK_HELP = "present, late, excused, unexcused, or null (no session, or not past its cut-off)."


class TotalsRead(BaseModel):
    """Counted per session."""

    present: int
    late: int
    excused: int = Field(description="Absent with leave (vắng có phép).")
    unexcused: int = Field(description="Absent without leave (vắng không phép).")
    held: int = Field(description="Sessions with a mark: the four above together.")
    rate: float | None = Field(description="(present + late) / held; null when none was held.")


class ClassRef(BaseModel):
    id: int
    name: str
    school: str
    school_year: str


class StudentMonthRead(BaseModel):
    person_id: int
    full_name: str
    student_code: str
    days: list[Mark | None] = Field(
        description=f"One per day of `days`, the day's worst: {MARK_HELP}"
    )
    totals: TotalsRead


class DayCountRead(BaseModel):
    day: date
    sessions: int
    totals: TotalsRead = Field(description="How many students had each mark that day.")


class ClassReportRead(BaseModel):
    class_: ClassRef = Field(alias="class", serialization_alias="class")
    month: str = Field(description="YYYY-MM.")
    days: list[date] = Field(description="The school days: the days with a session.")
    students: list[StudentMonthRead]
    per_day: list[DayCountRead]
    totals: TotalsRead


class SessionMarkRead(BaseModel):
    session_id: int = Field(description="The session's id: its meeting's.")
    class_id: int
    class_name: str
    day: date
    period: int | None
    subject: str | None
    starts_at: datetime
    mark: Mark | None = Field(description=MARK_HELP)
    arrived_at: datetime | None
    source: str | None


class HistoryRead(BaseModel):
    person_id: int
    full_name: str
    from_: date | None = Field(alias="from", serialization_alias="from")
    to: date | None
    sessions: list[SessionMarkRead]
    totals: TotalsRead


class ClassRateRead(BaseModel):
    id: int
    name: str
    school: str
    school_year: str
    students: int = Field(description="Students on a roster of the month's sessions.")
    sessions: int
    totals: TotalsRead


class SchoolReportRead(BaseModel):
    school: str | None = Field(description="null: every school.")
    month: str
    classes: list[ClassRateRead]
    total: TotalsRead


def totals_read(t: Totals) -> TotalsRead:
    rate = t.rate
    return TotalsRead(
        present=t.present,
        late=t.late,
        excused=t.excused,
        unexcused=t.unexcused,
        held=t.held,
        rate=None if rate is None else round(rate, 4),
    )


def class_report_read(report: ClassMonth) -> ClassReportRead:
    return ClassReportRead.model_validate(
        {
            "class": ClassRef(
                id=report.class_id,
                name=report.name,
                school=report.school,
                school_year=report.school_year,
            ),
            "month": f"{report.month:%Y-%m}",
            "days": list(report.days),
            "students": [
                StudentMonthRead(
                    person_id=s.person_id,
                    full_name=s.full_name,
                    student_code=s.student_code,
                    days=list(s.days),
                    totals=totals_read(s.totals),
                )
                for s in report.students
            ],
            "per_day": [
                DayCountRead(day=c.day, sessions=c.sessions, totals=totals_read(c.totals))
                for c in report.day_counts
            ],
            "totals": totals_read(report.totals),
        }
    )


def history_read(history: History) -> HistoryRead:
    return HistoryRead.model_validate(
        {
            "person_id": history.person_id,
            "full_name": history.full_name,
            "from": history.start,
            "to": history.end,
            "sessions": [
                SessionMarkRead(
                    session_id=m.meeting_id,
                    class_id=m.class_id,
                    class_name=name,
                    day=m.day,
                    period=m.period,
                    subject=m.subject,
                    starts_at=m.starts_at,
                    mark=m.mark,
                    arrived_at=m.arrived_at,
                    source=m.source,
                )
                for m, name in history.sessions
            ],
            "totals": totals_read(history.totals),
        }
    )


def school_report_read(report: SchoolMonth) -> SchoolReportRead:
    return SchoolReportRead(
        school=report.school,
        month=f"{report.month:%Y-%m}",
        classes=[
            ClassRateRead(
                id=c.class_id,
                name=c.name,
                school=c.school,
                school_year=c.school_year,
                students=c.students,
                sessions=c.sessions,
                totals=totals_read(c.totals),
            )
            for c in report.classes
        ],
        total=totals_read(report.totals),
    )
