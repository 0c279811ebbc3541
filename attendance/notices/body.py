"""The notice's body as a list of blocks, in reading order: the DOCX and the PDF draw the same
words, each in its own way (a heading, a paragraph, a dash line, a table, a note)."""

from __future__ import annotations

from dataclasses import dataclass

from attendance.notices.agenda_parts import ItemPart
from attendance.notices.content import DOTS, NO_REASON, NoticeContent, PersonLine

HEADING = "heading"  # bold, flush left: "I. THÀNH PHẦN THAM DỰ", "1. <agenda item>"
PARAGRAPH = "paragraph"  # justified, first line indented
LINE = "line"  # a dash line under a paragraph: "- Nguyễn Văn An, ..."
TABLE = "table"  # rows of cells, the first the heading
NOTE = "note"  # italic: a poll's rule
LABEL = "label"  # a paragraph whose words up to the first colon are bold ("Kết luận: ...")


@dataclass(frozen=True)
class Block:
    kind: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


def body_blocks(content: NoticeContent) -> list[Block]:
    blocks = [Block(PARAGRAPH, p) for p in content.opening]
    blocks += _attendance(content)
    blocks.append(Block(HEADING, "II. NỘI DUNG VÀ KẾT LUẬN"))
    if not content.items:
        blocks.append(
            Block(PARAGRAPH, "Cuộc họp không có mục chương trình, ý kiến hay biểu quyết.")
        )
    for item in content.items:
        blocks += _item(item)
    blocks.append(Block(HEADING, "III. KẾT LUẬN CHUNG"))
    blocks += [Block(PARAGRAPH, p) for p in content.closing]
    return blocks


def attendance_counts(content: NoticeContent) -> str:
    guests = f"; khách mời (không biểu quyết): {content.guests}" if content.guests else ""
    return (
        f"Số đại biểu được triệu tập: {content.invited}; có mặt: {content.present}; "
        f"vắng mặt: {content.absent}{guests}."
    )


def _attendance(content: NoticeContent) -> list[Block]:
    blocks = [
        Block(HEADING, "I. THỜI GIAN, ĐỊA ĐIỂM VÀ THÀNH PHẦN THAM DỰ"),
        Block(LABEL, f"Thời gian, địa điểm: {content.when_where}."),
        Block(LABEL, f"Chủ trì: {content.chair}."),
        Block(LABEL, f"Thành phần: {attendance_counts(content)}"),
        Block(
            TABLE,
            rows=(
                ("Được triệu tập", "Có mặt", "Vắng mặt", "Khách mời"),
                tuple(
                    str(n)
                    for n in (content.invited, content.present, content.absent, content.guests)
                ),
            ),
        ),
    ]
    # The lists count what the figures above count: voting members; guests come apart, as
    # the minutes give them, so "có mặt: 4" is never followed by a list of 5.
    came = [p for p in content.attendees if not p.observer]
    away = [p for p in content.absentees if not p.observer]
    guests_came = [p for p in content.attendees if p.observer]
    guests_away = [p for p in content.absentees if p.observer]
    blocks.append(Block(LABEL, f"Danh sách có mặt ({len(came)}):"))
    blocks += [Block(LINE, f"- {p.described()};") for p in came] or [Block(LINE, "- Không có.")]
    blocks.append(Block(LABEL, f"Danh sách vắng mặt ({len(away)}):"))
    blocks += [Block(LINE, f"- {_absentee(p)};") for p in away] or [Block(LINE, "- Không có.")]
    if guests_came or guests_away:
        count = len(guests_came) + len(guests_away)
        blocks.append(
            Block(LABEL, f"Khách mời, không biểu quyết ({count}, có mặt {len(guests_came)}):")
        )
        blocks += [Block(LINE, f"- {p.described()};") for p in guests_came]
        blocks += [Block(LINE, f"- {_absentee(p)};") for p in guests_away]
    return blocks


def _absentee(person: PersonLine) -> str:
    if person.observer:  # a guest owes no reason: only that they did not come
        reason = f"vắng mặt: {person.absence_reason}" if person.absence_reason else "vắng mặt"
    else:
        reason = f"vắng có lý do: {person.absence_reason}" if person.absence_reason else NO_REASON
    return f"{person.described()} \u2013 {reason}"


def _item(item: ItemPart) -> list[Block]:
    blocks = [Block(HEADING, f"{item.number}. {item.title}")]
    counts = "; ".join(f"{g.label}: {g.count}" for g in item.stances)
    blocks.append(Block(LABEL, f"Ý kiến của đại biểu: {item.opinion_count} ý kiến ({counts})."))
    for group in item.stances:
        if not group.opinions:
            continue
        blocks.append(Block(PARAGRAPH, f"{group.label} ({group.count}):"))
        blocks += [
            Block(LINE, f"- {o.name}: {o.text}" if o.name else f"- {o.text}")
            for o in group.opinions
        ]
    for poll in item.polls:
        blocks.append(Block(LABEL, f"Kết quả biểu quyết \u201c{poll.title}\u201d: {poll.outcome}."))
        if poll.counts:
            blocks.append(
                Block(
                    TABLE,
                    rows=(
                        ("Phương án", "Số phiếu"),
                        *((label, str(n)) for label, n in poll.counts),
                    ),
                )
            )
        blocks.append(Block(NOTE, f"{poll.rule}."))
    if item.agenda_item_id is not None:  # the other part has no conclusion of its own
        text = item.conclusion or DOTS * 3
        lines = text.splitlines()
        blocks.append(Block(LABEL, f"Kết luận: {lines[0]}"))
        blocks += [Block(PARAGRAPH, line) for line in lines[1:]]
    return blocks
