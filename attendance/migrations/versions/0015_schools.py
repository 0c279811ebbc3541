"""schools: classes, teachers, students and guardians, sessions, rules, excused absences,
absent marks; and the outbound events that webhooks deliver

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 07:40:00

Only new tables: nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "classes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("school", sa.String(length=200), nullable=False),
        sa.Column("school_year", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school", "school_year", "name", name="uq_classes_school_year_name"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_classes_school", "classes", ["school"])
    op.create_table(
        "class_teachers",
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["class_id"], ["classes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["account_id"], ["staff_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("class_id", "account_id"),
    )
    op.create_index("ix_class_teachers_account_id", "class_teachers", ["account_id"])
    op.create_table(
        "class_students",
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["class_id"], ["classes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("class_id", "person_id"),
    )
    op.create_index("ix_class_students_person_id", "class_students", ["person_id"])
    op.create_table(
        "students",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("student_code", sa.String(length=64), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("person_id"),
        sa.UniqueConstraint("student_code"),
    )
    op.create_table(
        "guardians",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("relation", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_guardians_person_id", "guardians", ["person_id"])
    op.create_table(
        "class_sessions",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("absent_marked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["class_id"], ["classes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id"),
    )
    op.create_index("ix_class_sessions_class_id", "class_sessions", ["class_id"])
    op.create_index("ix_class_sessions_day", "class_sessions", ["day"])
    op.create_table(
        "school_rules",
        sa.Column("school", sa.String(length=200), nullable=False),
        sa.Column("late_after_minutes", sa.Integer(), nullable=False),
        sa.Column("absent_after_minutes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("school"),
    )
    op.create_table(
        "excused_absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_excused_absences_person_id", "excused_absences", ["person_id"])
    op.create_table(
        "absence_marks",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("excused", sa.Boolean(), nullable=False),
        sa.Column("marked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", "person_id"),
    )
    op.create_index("ix_absence_marks_person_id", "absence_marks", ["person_id"])
    op.create_table(
        "outbound_events",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbound_events_event", "outbound_events", ["event"])


def downgrade() -> None:
    for table in (
        "outbound_events",
        "absence_marks",
        "excused_absences",
        "school_rules",
        "class_sessions",
        "guardians",
        "students",
        "class_students",
        "class_teachers",
        "classes",
    ):
        op.drop_table(table)
