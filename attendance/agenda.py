"""A meeting's agenda: the items polls and opinions can belong to."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance.errors import Invalid, NotFound
from attendance.meetings import get_meeting
from attendance.orm import MAX_ID, AgendaItem
from attendance.text import clean_text


def add_agenda_item(session: Session, *, meeting_id: int, title: str) -> AgendaItem:
    get_meeting(session, meeting_id=meeting_id)
    title = clean_text(title, field="title")
    if not title:
        raise Invalid("Tên mục chương trình không được để trống. The item needs a title.")
    last = session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)
    )
    item = AgendaItem(meeting_id=meeting_id, position=(last or 0) + 1, title=title)
    session.add(item)
    session.flush()
    return item


def agenda(session: Session, *, meeting_id: int) -> list[AgendaItem]:
    get_meeting(session, meeting_id=meeting_id)
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position)
        )
    )


def get_agenda_item(session: Session, *, meeting_id: int, item_id: int) -> AgendaItem:
    item = session.get(AgendaItem, item_id) if 0 < item_id <= MAX_ID else None
    if item is None or item.meeting_id != meeting_id:
        raise NotFound(
            f"Cuộc họp {meeting_id} không có mục chương trình số {item_id}. "
            f"Meeting {meeting_id} has no agenda item {item_id}."
        )
    return item
