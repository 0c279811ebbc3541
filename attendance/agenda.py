"""A meeting's agenda: the items polls and opinions can belong to."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance.errors import Invalid, NotFound
from attendance.meetings import get_meeting
from attendance.orm import MAX_ID, AgendaItem
from attendance.text import clean_text

TITLE_MAX = 300  # agenda_items.title


def add_agenda_item(session: Session, *, meeting_id: int, title: str) -> AgendaItem:
    get_meeting(session, meeting_id=meeting_id)
    title = _title(title)
    last = session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)
    )
    item = AgendaItem(meeting_id=meeting_id, position=(last or 0) + 1, title=title)
    session.add(item)
    session.flush()
    return item


def _title(text: str) -> str:
    title = clean_text(text, field="title")
    if not title:
        raise Invalid("Tên mục chương trình không được để trống. The item needs a title.")
    if len(title) > TITLE_MAX:
        raise Invalid(
            f"Tên mục chương trình dài quá {TITLE_MAX} ký tự; hãy rút gọn. "
            f"The item's title is longer than {TITLE_MAX} characters; shorten it."
        )
    return title


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


def rename_agenda_item(
    session: Session, *, meeting_id: int, item_id: int, title: str
) -> AgendaItem:
    item = get_agenda_item(session, meeting_id=meeting_id, item_id=item_id)
    title = _title(title)
    item.title = title
    session.flush()
    return item


def move_agenda_item(session: Session, *, meeting_id: int, item_id: int, step: int) -> None:
    """One place up (step -1) or down (+1): the item trades positions with its neighbour;
    at either end nothing moves. Documents, polls and the conclusion notice follow the
    positions, so they show the new order at once."""
    item = get_agenda_item(session, meeting_id=meeting_id, item_id=item_id)
    items = agenda(session, meeting_id=meeting_id)
    at = items.index(item)
    other = at + (1 if step > 0 else -1)
    if not 0 <= other < len(items):
        return
    neighbour = items[other]
    item.position, neighbour.position = neighbour.position, item.position
    session.flush()
