"""The scheduled jobs run by every server worker at the same moment (OS processes, each with
its own engine, released together on this run's database): the absent cut-off marks each
session once, the retention purge expires each crop once, and webhook delivery sends each
event once. (One run across workers, by a lease, is attendance/scheduler.py's concern.)
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from racing import Outcome, Racers
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from attendance import outbound
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.matching import Decision, FaceDecision
from attendance.meetings import create_meeting, set_participants
from attendance.orm import AuditEntry, Person, utcnow
from attendance.outbound import OutboundEvent
from attendance.people import create_person
from attendance.retention import retention_job
from attendance.review.service import record_review
from attendance.review.tables import EXPIRED, ReviewItem
from attendance.schools import classes, sessions
from attendance.schools.cutoff import run_cutoff
from attendance.schools.tables import AbsenceMark
from attendance.settings import WebhookSettings
from attendance.webhooks.delivery import delivery_job
from attendance.webhooks.manage import create_webhook
from attendance.webhooks.tables import DELIVERED, WebhookDelivery

ZONE = "Asia/Ho_Chi_Minh"
DAY = date(2030, 1, 7)
START = datetime(2030, 1, 7, 0, 30, tzinfo=timezone.utc)  # 07:30 in Hà Nội
AFTER_CUTOFF = START + timedelta(minutes=16)  # the default absent rule: 15 minutes
SECRET = "webhook-secret-0123456789"


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def no_errors(outcomes: list[Outcome]) -> None:
    assert [o.error for o in outcomes if o.error] == []
    assert [o.refused for o in outcomes if o.refused] == []


def audited(factory: sessionmaker[Session], action: str) -> list[AuditEntry]:
    with factory() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# What each racer runs, in its own process.


def cut(factory: sessionmaker[Session], index: int) -> int:
    return run_cutoff(factory, now=AFTER_CUTOFF)


def purge(factory: sessionmaker[Session], index: int) -> int:
    return retention_job(factory, review_crop_days=30)().review_crops


def deliver(factory: sessionmaker[Session], index: int) -> int:
    return delivery_job(factory, WebhookSettings(timeout_seconds=5.0))()


# The jobs.


def test_cutoff_run_by_every_worker_at_once_marks_each_session_once(
    factory: sessionmaker[Session], racers: Racers, database_url: str
) -> None:
    lessons, absent = [], set()
    with unit_of_work(factory) as session:
        for n in range(3):
            cls = classes.create_class(
                session, name=f"6A{n}", school="THCS Ngọc Lâm", school_year="2029"
            )
            kids = [
                Person(full_name=f"Học sinh {n}-{i}", search_name=f"hs {n}-{i}") for i in range(4)
            ]
            session.add_all(kids)
            session.flush()
            ids = [k.id for k in kids]
            classes.set_students(session, class_id=cls.id, person_ids=ids, now=START - timedelta(1))
            lesson = sessions.create_session(
                session, class_id=cls.id, day=DAY, start=time(7, 30), end=time(8, 15), zone=ZONE
            )
            lessons.append(lesson.meeting_id)
            absent.update(ids)
    outcomes = racers.race(database_url, [cut] * racers.size)
    no_errors(outcomes)
    assert sum(o.value for o in outcomes) == len(lessons)  # each session claimed by one run
    with factory() as session:
        marks = Counter(session.execute(select(AbsenceMark.meeting_id, AbsenceMark.person_id)))
        told = Counter(
            json.loads(e.data)["person"]["id"]
            for e in session.scalars(select(OutboundEvent).where(OutboundEvent.event == "absent"))
        )
    assert set(marks.values()) == {1} and len(marks) == len(absent)
    assert told == Counter(absent)  # each parent told once
    assert sorted(e.meeting_id for e in audited(factory, "absent_marked")) == sorted(lessons)


def test_retention_run_by_every_worker_at_once_expires_each_crop_once(
    factory: sessionmaker[Session], racers: Racers, database_url: str
) -> None:
    ended = utcnow() - timedelta(days=3)
    with unit_of_work(factory) as session:
        people = [create_person(session, full_name=f"Đại biểu {i}") for i in range(8)]
        meeting = create_meeting(
            session, title="Họp tuần trước", starts_at=ended, ends_at=ended + timedelta(hours=2)
        )
        set_participants(session, meeting_id=meeting.id, person_ids=[p.id for p in people])
        for n, person in enumerate(people):
            decision = FaceDecision(Decision.UNKNOWN, None, person.id, 0.44, 0.01)
            record_review(
                session,
                meeting_id=meeting.id,
                decision=decision,
                source="k",
                key=f"face-{n}",
                crop_jpeg=b"crop",
            )
    outcomes = racers.race(database_url, [purge] * racers.size)
    no_errors(outcomes)
    assert sum(o.value for o in outcomes) == len(people)
    entries = audited(factory, "retention_purge")
    assert sum(json.loads(e.detail)["review_crops"] for e in entries) == len(people)
    with factory() as session:
        items = list(session.scalars(select(ReviewItem)))
    assert [(i.status, i.crop_jpeg) for i in items] == [(EXPIRED, None)] * len(people)


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[str]] = []
    lock: ClassVar[threading.Lock] = threading.Lock()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.lock:
            self.received.append(json.loads(body)["id"])
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    _Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def test_webhook_delivery_run_by_every_worker_at_once_sends_each_event_once(
    factory: sessionmaker[Session], racers: Racers, database_url: str, receiver: str
) -> None:
    with unit_of_work(factory) as session:
        create_webhook(session, url=receiver, events=["absent"], secret=SECRET, actor="t")
        published = [
            outbound.publish(session, event="absent", data={"person": {"id": n}}).id
            for n in range(10)
        ]
    outcomes = racers.race(database_url, [deliver] * racers.size)
    no_errors(outcomes)  # no worker's run failed on another's fan-out
    assert sum(o.value for o in outcomes) == len(published)
    assert Counter(_Receiver.received) == Counter(published)  # each sent once
    with factory() as session:
        rows = list(session.scalars(select(WebhookDelivery)))
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == len(published)
    assert {(r.status, r.attempts) for r in rows} == {(DELIVERED, 1)}
