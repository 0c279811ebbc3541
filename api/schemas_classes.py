"""Request and response schemas of the school routes: classes, students, class lists."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, StrictInt


class ClassCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    school: str = Field(min_length=1, max_length=200)
    school_year: str = Field(min_length=1, max_length=20, examples=["2026-2027"])
    teacher_ids: list[StrictInt] = Field(default_factory=list, max_length=100)


class ClassUpdate(BaseModel):
    """Only the fields sent change."""

    name: str | None = Field(None, min_length=1, max_length=100)
    teacher_ids: list[StrictInt] | None = Field(None, max_length=100)


class ClassStudentsSet(BaseModel):
    person_ids: list[StrictInt] = Field(max_length=5000)


class GuardianBody(BaseModel):
    name: str = Field(max_length=200)
    relation: str = Field("", max_length=100, examples=["mẹ"])  # none given: "phụ huynh"
    phone: str | None = Field(None, max_length=40, examples=["0912 345 678"])
    email: str | None = Field(None, max_length=200)


class StudentBody(BaseModel):
    student_code: str | None = Field(None, max_length=64)
    date_of_birth: date | None = None
    guardians: list[GuardianBody] = Field(default_factory=list, max_length=5)


class StudentRead(StudentBody):
    person_id: int


class ClassRead(BaseModel):
    id: int
    name: str
    school: str
    school_year: str
    teacher_ids: list[int]
    student_count: int


class ClassStudentRead(BaseModel):
    id: int
    full_name: str
    student_code: str | None
    date_of_birth: date | None
    # guardian_required: a minor whose only consent is not a guardian's for school attendance
    consent: Literal["given", "missing", "withdrawn", "guardian_required"]
    needs_reenrollment: bool


class ClassDetailRead(ClassRead):
    students: list[ClassStudentRead]


class ClassListRowRead(BaseModel):
    line: int
    status: Literal["create", "update", "reject"]
    student_code: str
    full_name: str
    person_id: int | None
    reason: str


class ClassListImportRead(BaseModel):
    dry_run: bool
    created: int
    updated: int
    rejected: int
    rows: list[ClassListRowRead]
    student_count: int  # the class's students afterwards (as now, for a dry run)
    unused_columns: list[str] = []  # the file's headers no field was read from
