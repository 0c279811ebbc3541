"""What the documents page shows: the documents grouped by agenda item (the meeting's own
first), sizes as people read them, and the upload limits as they are enforced."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from attendance.documents.service import DocumentView
from attendance.orm import AgendaItem
from attendance.settings import Settings

MIB = 1024 * 1024


@dataclass(frozen=True)
class DocumentGroup:
    item: AgendaItem | None  # None: the meeting as a whole
    views: list[DocumentView]


def document_groups(
    views: Sequence[DocumentView], items: Sequence[AgendaItem]
) -> list[DocumentGroup]:
    """The meeting's own documents, then each agenda item's in the agenda's order, each in
    the order the secretary set; an item without documents is left out."""
    groups = [DocumentGroup(None, [v for v in views if v.document.agenda_item_id is None])]
    for item in items:
        groups.append(
            DocumentGroup(item, [v for v in views if v.document.agenda_item_id == item.id])
        )
    return [g for g in groups if g.views]


def size_text(n_bytes: int) -> str:
    """Sizes in binary units, the unit of the limits (max_file_mb is MiB)."""
    if n_bytes >= MIB:
        return f"{n_bytes / MIB:.1f} MB"
    if n_bytes >= 1024:
        return f"{n_bytes / 1024:.0f} kB"
    return f"{n_bytes} B"


def limits_text(settings: Settings, views: Sequence[DocumentView]) -> dict[str, str]:
    """The limits as the service's refusals word them ("50 MB"), and what the meeting uses:
    every version counts, the earlier ones too."""
    used = sum(v.size for view in views for v in view.versions)
    return {
        "file": f"{settings.documents.max_file_mb} MB",
        "meeting": f"{settings.documents.max_meeting_mb} MB",
        "used": size_text(used),
        "pages": str(settings.documents.max_pdf_pages),
    }
