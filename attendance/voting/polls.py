"""Polls: create a draft, open it (quorum checked), close it (quorum checked, result written)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from attendance import audit
from attendance.agenda import get_agenda_item
from attendance.errors import Conflict, Invalid, NotFound
from attendance.meetings import get_meeting, lock_meeting
from attendance.orm import MAX_ID, utcnow
from attendance.outbound_data import publish_poll_closed
from attendance.text import clean_text
from attendance.voting.master_key import MasterKey
from attendance.voting.membership import quorum_now
from attendance.voting.rules import BASES, MAJORITIES, parse_fraction
from attendance.voting.secret_ballots import count_secret_ballots
from attendance.voting.tables import Poll, PollOption, SecretCount
from attendance.voting.tally import final_result

KINDS = ("motion", "election", "opinion")
SECRECY = ("named", "secret")
DEFAULT_OPTIONS = [
    ("Đồng ý", "yes"),
    ("Không đồng ý", "no"),
    ("Không biểu quyết", "abstain"),
]


@dataclass(frozen=True)
class PollSpec:
    title: str
    description: str = ""
    kind: str = "motion"
    options: list[str] | None = None  # None: Đồng ý / Không đồng ý / Không biểu quyết
    secrecy: str = "named"
    base: str = "members"
    majority: str = "absolute"
    majority_fraction: str | None = None  # for "custom"
    abstentions_in_base: bool = True
    quorum: str = "1/2"
    max_choices: int = 1
    allow_change: bool = False
    agenda_item_id: int | None = None


def _choose(value: str, allowed: tuple[str, ...], field_name: str) -> str:
    if value not in allowed:
        raise Invalid(
            f"Giá trị '{value}' không hợp lệ cho {field_name}; chọn một trong {list(allowed)}. "
            f"'{value}' is not a valid {field_name}; use one of {list(allowed)}.",
            code="INVALID_POLL",
        )
    return value


def create_poll(session: Session, *, meeting_id: int, spec: PollSpec, actor: str) -> Poll:
    get_meeting(session, meeting_id=meeting_id)
    title = clean_text(spec.title, field="title")
    if not title:
        raise Invalid("Tiêu đề biểu quyết không được để trống. The poll needs a title.")
    kind = _choose(spec.kind, KINDS, "kind")
    secrecy = _choose(spec.secrecy, SECRECY, "secrecy")
    base = _choose(spec.base, BASES, "base")
    majority = _choose(spec.majority, MAJORITIES, "majority")
    if majority == "custom":
        if not spec.majority_fraction:
            raise Invalid(
                "Đa số tùy chỉnh cần majority_fraction (ví dụ 3/5). "
                "A custom majority needs majority_fraction (e.g. 3/5).",
                code="INVALID_POLL",
            )
        fraction = parse_fraction(
            spec.majority_fraction, field="majority_fraction", allow_zero=False
        )
    else:
        fraction = Fraction(1, 2)
    quorum = parse_fraction(spec.quorum, field="quorum")
    if secrecy == "secret" and spec.allow_change:
        raise Invalid(
            "Phiếu kín không thể cho sửa phiếu: không lưu ai đã chọn gì nên không thể tìm lại "
            "phiếu cũ. A secret ballot cannot be changed: nothing records whose choice is whose.",
            code="INVALID_POLL",
        )
    labels = _options(kind, spec)
    if not 1 <= spec.max_choices <= max(1, len(labels)):
        raise Invalid(
            f"Số lựa chọn tối đa phải từ 1 đến {len(labels)}. "
            f"max_choices must be between 1 and {len(labels)}.",
            code="INVALID_POLL",
        )
    if kind != "election" and spec.max_choices != 1:
        raise Invalid(
            "Chỉ bầu cử mới được chọn nhiều phương án. Only elections allow several choices.",
            code="INVALID_POLL",
        )
    if spec.agenda_item_id is not None:
        get_agenda_item(session, meeting_id=meeting_id, item_id=spec.agenda_item_id)
    poll = Poll(
        meeting_id=meeting_id,
        agenda_item_id=spec.agenda_item_id,
        title=title,
        description=clean_text(spec.description, field="description"),
        kind=kind,
        secrecy=secrecy,
        base=base,
        majority=majority,
        majority_num=fraction.numerator,
        majority_den=fraction.denominator,
        abstentions_in_base=spec.abstentions_in_base,
        quorum_num=quorum.numerator,
        quorum_den=quorum.denominator,
        max_choices=spec.max_choices,
        allow_change=spec.allow_change,
        state="draft",
        ballots_cast=0,
        options=[
            PollOption(position=i, label=label, role=role) for i, (label, role) in enumerate(labels)
        ],
    )
    session.add(poll)
    session.flush()
    if secrecy == "secret":
        session.add_all(SecretCount(poll_id=poll.id, option_id=o.id) for o in poll.options)
        session.flush()
    audit.record(
        session,
        actor=actor,
        action="poll_created",
        meeting_id=meeting_id,
        subject=f"poll:{poll.id}",
        detail={"title": title, "kind": kind, "secrecy": secrecy},
    )
    return poll


def _options(kind: str, spec: PollSpec) -> list[tuple[str, str]]:
    if kind == "opinion":
        if spec.options:
            raise Invalid(
                "Lấy ý kiến không có phương án. An opinion collection has no options.",
                code="INVALID_POLL",
            )
        return []
    if spec.options is None:
        if kind == "election":
            raise Invalid(
                "Bầu cử cần danh sách ứng cử viên (options). An election needs candidates.",
                code="INVALID_POLL",
            )
        return DEFAULT_OPTIONS
    labels = [clean_text(o, field="options") for o in spec.options]
    if len(labels) < 2 or any(not label for label in labels) or len(set(labels)) != len(labels):
        raise Invalid(
            "Cần ít nhất hai phương án khác nhau, không để trống. "
            "At least two different, non-empty options are needed.",
            code="INVALID_POLL",
        )
    return [(label, "choice") for label in labels]


def get_poll(session: Session, *, meeting_id: int, poll_id: int) -> Poll:
    poll = session.get(Poll, poll_id) if 0 < poll_id <= MAX_ID else None
    if poll is None or poll.meeting_id != meeting_id:
        raise NotFound(
            f"Cuộc họp {meeting_id} không có biểu quyết số {poll_id}. "
            f"Meeting {meeting_id} has no poll {poll_id}.",
            code="POLL_NOT_FOUND",
        )
    return poll


def list_polls(session: Session, *, meeting_id: int) -> list[Poll]:
    get_meeting(session, meeting_id=meeting_id)
    return list(
        session.scalars(select(Poll).where(Poll.meeting_id == meeting_id).order_by(Poll.id))
    )


def _move(session: Session, poll: Poll, *, source: str, target: str) -> None:
    """Change state only from `source`; the row update is what ballots meet, so it is atomic."""
    moved = session.execute(
        update(Poll)
        .where(Poll.id == poll.id, Poll.state == source)
        .values(state=target)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.refresh(poll)
    if not moved:
        raise not_in_state(poll, wanted=source)


def not_in_state(poll: Poll, *, wanted: str) -> Conflict:
    now_vi = {"draft": "chưa mở", "open": "đang mở", "closed": "đã kết thúc"}[poll.state]
    return Conflict(
        f"Biểu quyết '{poll.title}' {now_vi}. The poll '{poll.title}' is {poll.state}, "
        f"not {wanted}.",
        code={"draft": "POLL_DRAFT", "open": "POLL_OPEN", "closed": "POLL_CLOSED"}[poll.state],
    )


def open_poll(session: Session, *, meeting_id: int, poll_id: int, actor: str) -> Poll:
    lock_meeting(session, meeting_id=meeting_id)  # roster edits and the opening take turns
    poll = get_poll(session, meeting_id=meeting_id, poll_id=poll_id)
    if poll.state != "draft":
        raise not_in_state(poll, wanted="draft")
    quorum = quorum_now(
        session, meeting_id=meeting_id, fraction=Fraction(poll.quorum_num, poll.quorum_den)
    )
    if not quorum.met:
        vi, en = quorum.text()
        raise Conflict(
            f"Chưa thể mở biểu quyết: {vi}. The poll cannot open: {en}.", code="QUORUM_NOT_MET"
        )
    _move(session, poll, source="draft", target="open")
    poll.opened_at = utcnow()
    poll.quorum_at_open = json.dumps(
        {"members": quorum.members, "present": quorum.present, "required": quorum.required}
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="poll_opened",
        meeting_id=meeting_id,
        subject=f"poll:{poll.id}",
        detail={"members": quorum.members, "present": quorum.present},
    )
    return poll


def close_poll(
    session: Session,
    *,
    meeting_id: int,
    poll_id: int,
    actor: str,
    master_key: MasterKey | None = None,
) -> Poll:
    """A secret poll's sealed ballots are opened with `master_key`, counted and erased."""
    poll = get_poll(session, meeting_id=meeting_id, poll_id=poll_id)
    if poll.state != "open":
        raise not_in_state(poll, wanted="open")
    _move(session, poll, source="open", target="closed")
    if poll.secrecy == "secret":
        count_secret_ballots(session, poll=poll, master_key=master_key)
    poll.closed_at = utcnow()
    result = final_result(session, poll)
    poll.result = json.dumps(result, ensure_ascii=False)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="poll_closed",
        meeting_id=meeting_id,
        subject=f"poll:{poll.id}",
        detail={"passed": result["passed"], "ballots": result["ballots"]},
    )
    publish_poll_closed(
        session,
        poll_id=poll.id,
        meeting_id=meeting_id,
        title=poll.title,
        kind=poll.kind,
        secrecy=poll.secrecy,
        result=result,
        at=poll.closed_at,
    )
    return poll
