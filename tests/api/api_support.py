"""Helpers for the API tests: t1.jpg's people, image encoding, API calls and row counts."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import db_backends
import httpx
import insightface
import numpy as np
import sql_support
from fastapi.testclient import TestClient
from numpy.typing import NDArray
from PIL import Image
from sqlalchemy import select

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.schools.classes import create_class, set_students, set_teachers
from attendance.staff.tables import StaffAccount
from attendance.tokens import TEACHER
from models.types import DetectedFace

T1_PATH = Path(insightface.__file__).parent / "data" / "images" / "t1.jpg"
ADMIN_TOKEN = "test-admin-token-123"
# The six people of t1.jpg, left to right.
NAMES = (
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Hoàng Cường",
    "Phạm Minh Dũng",
    "Đặng Thị Giang",
    "Võ Quốc Hùng",
)
ClientFactory = Callable[..., TestClient]
TABLES = ("people", "face_templates", "meetings", "meeting_participants", "attendance_events")


def jpeg(image: Image.Image, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, **options)
    return out.getvalue()


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", kind: str = "image/jpeg") -> dict[str, Any]:
    return {"file": (name, data, kind)}


def crop_face(image: Image.Image, face: DetectedFace, margin: float = 0.8) -> Image.Image:
    """The face with `margin` face-widths of context on each side, as an ID photo has."""
    x, y, w, h = face.box
    return image.crop(
        (
            int(max(0, x - margin * w)),
            int(max(0, y - margin * h)),
            int(min(image.width, x + w + margin * w)),
            int(min(image.height, y + h + margin * h)),
        )
    )


def centre(box: list[int] | tuple[float, ...]) -> NDArray[np.float64]:
    return np.array([box[0] + box[2] / 2, box[1] + box[3] / 2], dtype=np.float64)


def nearest_face(point: NDArray[np.float64], faces: list[DetectedFace]) -> int:
    """Index of the t1 face whose box centre is nearest to `point`; it must be close."""
    distances = [float(np.linalg.norm(centre(f.box) - point)) for f in faces]
    index = int(np.argmin(distances))
    assert distances[index] < faces[index].box[2] / 4, f"no t1 face near {point.tolist()}"
    return index


def module_database(
    databases: db_backends.SqliteDatabases | db_backends.PostgresDatabases, folder: Path
) -> Iterator[str]:
    """A migrated database that every test of one module shares (the ids seeded once), on
    this run's backend; dropped after the module. A module's own `database_url` fixture
    yields from it, so the tests still ask for `database_url` (and run on PostgreSQL)."""
    url = databases.migrated(folder)
    yield url
    databases.drop(url)


def query(db_url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """The rows of one SQL query on the database at `db_url` (either backend): what a test
    reads straight from the tables, without going through the API."""
    return sql_support.fetch(db_url, sql, **params)


def execute(db_url: str, sql: str, **params: Any) -> None:
    """One SQL statement on the database at `db_url` (either backend), committed: what a test
    does behind the server's back (a photo expired, a clock moved)."""
    sql_support.execute(db_url, sql, **params)


def count_rows(db: Path | str) -> dict[str, int]:
    """Rows of TABLES in the database at `db` (a URL, either backend; or an SQLite file)."""
    counts = db_backends.count_rows(db if isinstance(db, str) else f"sqlite:///{db}")
    return {table: counts[table] for table in TABLES}


def create_people(
    client: TestClient, names: tuple[str, ...] | list[str] = NAMES, *, consent: bool = True
) -> list[int]:
    """New people, each with their own consent to be enrolled (unless `consent=False`)."""
    ids = []
    for name in names:
        response = client.post("/api/v1/people", json={"full_name": name})
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
        if consent:
            give_consent(client, ids[-1], given_by=name)
    return ids


def give_consent(
    client: TestClient, person_id: int, *, given_by: str = "Người được đăng ký", **fields: Any
) -> dict[str, Any]:
    """Record the person's own consent (a paper form) to be enrolled for meetings."""
    body = {
        "given_by": given_by,
        "relation": "self",
        "purposes": ["meetings"],
        "method": "paper_form",
        "reference": f"PF-{person_id}",
        **fields,
    }
    response = client.post(f"/api/v1/people/{person_id}/consents", json=body)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def enroll(client: TestClient, person_id: int, data: bytes, **form: str) -> httpx.Response:
    return client.post(f"/api/v1/people/{person_id}/photos", files=upload(data), data=form)


def template_count(client: TestClient, person_id: int) -> int:
    response = client.get(f"/api/v1/people/{person_id}")
    assert response.status_code == 200, response.text
    count: int = response.json()["templates"]
    return count


def create_meeting(client: TestClient, roster: list[int], **fields: Any) -> int:
    body = {
        "title": "Họp giao ban tuần",
        "starts_at": "2026-03-02T08:00:00+07:00",
        "ends_at": "2026-03-02T11:00:00+07:00",
        "late_after_minutes": 15,
        **fields,
    }
    response = client.post("/api/v1/meetings", json=body)
    assert response.status_code == 201, response.text
    meeting_id: int = response.json()["id"]
    response = client.put(
        f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": roster}
    )
    assert response.status_code == 200, response.text
    return meeting_id


def identify(client: TestClient, data: bytes, meeting_id: int | None = None, **kw: Any) -> Any:
    form = {} if meeting_id is None else {"meeting_id": str(meeting_id)}
    response = client.post("/api/v1/identify", files=upload(data, **kw), data=form)
    assert response.status_code == 200, response.text
    return response.json()["faces"]


def seed_class(
    db_url: str, *, person_id: int, teacher_ids: list[int], name: str = "6A"
) -> dict[str, int | str]:
    """A class of one school with this student, taught by those of `teacher_ids` who are
    teachers; its id and school, for the paths that name them."""
    engine = make_engine(db_url)
    with unit_of_work(make_session_factory(engine)) as session:
        cls = create_class(session, name=name, school=SCHOOL, school_year="2026-2027")
        set_students(session, class_id=cls.id, person_ids=[person_id])
        teachers = session.scalars(
            select(StaffAccount.id).where(
                StaffAccount.id.in_(teacher_ids), StaffAccount.role == TEACHER
            )
        )
        set_teachers(session, class_id=cls.id, account_ids=list(teachers))
        class_id = cls.id
    engine.dispose()
    return {"class_id": class_id, "school": SCHOOL}


SCHOOL = "THCS Ngọc Lâm"
