"""A consent withdrawn while its person's photo is being read: the enrollment, asking again
under the person's lock before it stores anything, is refused and leaves no template."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest
from numpy.typing import NDArray
from sqlalchemy import select

from attendance.consent import record_consent, withdraw_consent
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.errors import Invalid
from attendance.gallery_cache import GalleryCache
from attendance.orm import FaceTemplate
from attendance.people import create_person
from attendance.settings import Settings
from enrollment.service import enroll_photo
from models.packs import FacePipeline
from models.types import DetectedFace


class Hooked:
    """The real embedder, calling `meanwhile` first: another request's moment."""

    def __init__(self, pipeline: FacePipeline, meanwhile: Callable[[], None]) -> None:
        self._embedder = pipeline.embedder
        self.dim = pipeline.embedder.dim
        self._meanwhile = meanwhile

    def embed(self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]) -> NDArray[np.float32]:
        self._meanwhile()
        return self._embedder.embed(image_bgr, faces)


def test_a_withdrawal_committed_while_the_photo_is_read_stores_nothing(
    database_url: str, pipeline: FacePipeline, face_photos: list[bytes]
) -> None:
    url = database_url
    sessions = make_session_factory(make_engine(url))
    with unit_of_work(sessions) as session:
        person_id = create_person(session, full_name="Phạm Văn Cường").id
        consent_id = record_consent(
            session,
            person_id=person_id,
            given_by="Phạm Văn Cường",
            relation="self",
            purposes=["meetings"],
            method="paper_form",
            actor="Chị Thu",
        ).id

    def withdraw() -> None:
        with unit_of_work(sessions) as other:
            withdraw_consent(other, person_id=person_id, consent_id=consent_id, actor="Chị Thu")

    hooked = replace(pipeline, embedder=Hooked(pipeline, withdraw))
    cache = GalleryCache(model_key=pipeline.identity.key, dim=pipeline.identity.dim)
    with pytest.raises(Invalid) as refused, unit_of_work(sessions) as session:
        enroll_photo(
            session,
            pipeline=hooked,
            gallery_cache=cache,
            settings=Settings(db_url=url),
            person_id=person_id,
            data=face_photos[0],
        )
    assert refused.value.code == "CONSENT_REQUIRED"
    with sessions() as session:
        left = session.scalars(select(FaceTemplate).where(FaceTemplate.person_id == person_id))
        assert list(left) == []
