"""Reading the documents pages' forms: the file sent, the agenda item and visibility chosen,
and the order after a "move up / move down"."""

from __future__ import annotations

from starlette.datastructures import UploadFile

from api.web.document_view import MIB
from api.web.forms import parse_id
from attendance.documents.service import DocumentView, Upload
from attendance.documents.tables import VISIBILITIES
from attendance.errors import Invalid
from attendance.settings import Settings


def upload_of(file: UploadFile | None, settings: Settings) -> Upload:
    if file is None or not file.filename:
        raise Invalid("Chưa chọn tệp. No file was chosen.", code="INVALID_REQUEST")
    # The body limit (api/limits.py) has already bounded the request; a byte past the limit
    # is enough for the service to refuse the file as too large.
    limit = settings.documents.max_file_mb * MIB
    return Upload(filename=file.filename, data=file.file.read(limit + 1))


def item_id_of(text: str) -> int | None:
    return parse_id(text) if text.strip() else None


def visibility_of(text: str) -> str:
    if text not in VISIBILITIES:
        raise Invalid(
            "Chọn ai được xem: chỉ đại biểu hoặc công khai. "
            "Choose who may read it: members only or public.",
            code="INVALID_REQUEST",
        )
    return text


def moved_order(
    ids: list[int], views: list[DocumentView], document_id: int, direction: str, position: str
) -> list[int] | None:
    """The order with the document swapped with its neighbour in its own group; None when
    there is nothing to move (the first one up, or it moved already)."""
    by_id = {v.document.id: v for v in views}
    view = by_id.get(document_id)
    if view is None:
        return None
    if position.strip() and position.strip() != str(view.document.position):
        return None
    group = [i for i in ids if by_id[i].document.agenda_item_id == view.document.agenda_item_id]
    at = group.index(document_id)
    other = at - 1 if direction == "up" else at + 1 if direction == "down" else at
    if other == at or not 0 <= other < len(group):
        return None
    a, b = ids.index(document_id), ids.index(group[other])
    ids[a], ids[b] = ids[b], ids[a]
    return ids
