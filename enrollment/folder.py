"""Enroll a folder with one sub-folder per person (folder name = full name)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from attendance.consent import active_consent, record_consent
from attendance.consent_tables import MEETINGS, PAPER_FORM, SELF
from attendance.db import unit_of_work
from attendance.errors import DomainError
from attendance.gallery_cache import GalleryCache
from attendance.people import create_person, find_person_by_name
from attendance.settings import Settings
from attendance.text import normalise_name
from enrollment.quality_gate import Reason
from enrollment.service import enroll_photo
from models.images import ImageRejected
from models.packs import FacePipeline

logger = logging.getLogger(__name__)

FOLDER_ACTOR = "cli"  # `attendance enroll DIR`: named so in the audit log (audit_view)

# A folder cannot say which face: the person's page can (the faces are clicked there).
FOLDER_MULTIPLE_FACES = (
    "Ảnh có {count} khuôn mặt, không rõ ai là người cần đăng ký: hãy để vào thư mục ảnh chỉ "
    "có người này, hoặc tải ảnh lên trang của người đó và bấm vào khuôn mặt. The photo holds "
    "{count} faces and it is unclear whom to enroll: put a photo of this person alone in the "
    "folder, or upload it on the person's page and click the face."
)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"}


@dataclass(frozen=True)
class FolderConsent:
    """The paper forms signed by the people of a folder: recorded for each one who has no
    consent for `purpose` yet, as given by the person themselves."""

    recorded_by: str
    reference: str
    purpose: str = MEETINGS


@dataclass(frozen=True)
class PhotoResult:
    person: str
    path: Path
    ok: bool
    reason: str = ""
    detail: str = ""
    created: bool = False


def find_photos(root: Path) -> list[tuple[str, Path]]:
    """(full name, photo) for every image in every direct sub-folder, in a stable order."""
    pairs = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        name = normalise_name(folder.name.replace("_", " "))
        for photo in sorted(folder.rglob("*")):
            if photo.is_file() and photo.suffix.lower() in IMAGE_SUFFIXES:
                pairs.append((name, photo))
    return pairs


def people_without_consent(
    sessions: sessionmaker[Session], names: list[str], *, purpose: str = MEETINGS
) -> list[str]:
    """The names (of a folder) with no person yet, or a person without consent for `purpose`."""
    missing = []
    with sessions() as session:
        for name in sorted(set(names)):
            person = find_person_by_name(session, full_name=name)
            if person is None or not active_consent(session, person_id=person.id, purpose=purpose):
                missing.append(name)
    return missing


def enroll_folder(
    photos: list[tuple[str, Path]],
    *,
    sessions: sessionmaker[Session],
    pipeline: FacePipeline,
    gallery_cache: GalleryCache,
    settings: Settings,
    on_result: Callable[[PhotoResult], None] | None = None,
    consent: FolderConsent | None = None,
) -> Iterator[PhotoResult]:
    """Each photo in its own unit of work: one refused photo never undoes another. With
    `consent`, a person without one gets it recorded first; without, enrollment needs theirs."""
    for name, path in photos:
        try:
            data = path.read_bytes()
            with unit_of_work(sessions) as session:
                person = find_person_by_name(session, full_name=name) or create_person(
                    session, full_name=name
                )
                purpose = consent.purpose if consent is not None else MEETINGS
                if consent is not None and not active_consent(
                    session, person_id=person.id, purpose=purpose
                ):
                    record_consent(
                        session,
                        person_id=person.id,
                        given_by=name,
                        relation=SELF,
                        purposes=[purpose],
                        method=PAPER_FORM,
                        reference=consent.reference,
                        actor=consent.recorded_by,
                    )
                outcome = enroll_photo(
                    session,
                    pipeline=pipeline,
                    gallery_cache=gallery_cache,
                    settings=settings,
                    person_id=person.id,
                    data=data,
                    photo_name=path.name,
                    actor=FOLDER_ACTOR,
                    purpose=purpose,
                )
            result = PhotoResult(name, path, ok=True, created=outcome.created)
        except DomainError as exc:
            detail = exc.message
            faces = exc.extra.get("faces")
            if exc.code == Reason.MULTIPLE_FACES.value and isinstance(faces, list):
                detail = FOLDER_MULTIPLE_FACES.format(count=len(faces))  # no face_index here
            result = PhotoResult(name, path, ok=False, reason=exc.code, detail=detail)
        except ImageRejected as exc:
            result = PhotoResult(name, path, ok=False, reason=exc.code, detail=exc.detail)
        except OSError as exc:
            result = PhotoResult(name, path, ok=False, reason="UNREADABLE_IMAGE", detail=str(exc))
        if on_result is not None:
            on_result(result)
        yield result
