"""The enrollment gate on real photos (../shared/faces): whom it picks, what it refuses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session

from attendance.consent import record_consent
from attendance.db import make_engine, make_session_factory
from attendance.errors import PhotoRejected
from attendance.gallery_cache import GalleryCache
from attendance.people import create_person
from attendance.settings import Settings
from attendance.templates import template_vector
from enrollment.service import EnrollOutcome, enroll_photo
from models.images import decode_image
from models.packs import FacePipeline, PackOptions, load_pack

SHARED_FACES = Path(__file__).resolve().parents[2].parent / "shared" / "faces"


@pytest.fixture(scope="module")
def faces_dir() -> Path:
    if not SHARED_FACES.is_dir():
        pytest.skip(f"real face photos not found at {SHARED_FACES} (see shared/faces/README.md)")
    return SHARED_FACES


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> FacePipeline:
    options = PackOptions(
        models_dir=Path("data/models"), cache_dir=tmp_path_factory.mktemp("model-cache")
    )
    return load_pack("sface", options)


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    with make_session_factory(engine)() as db:
        yield db
    engine.dispose()


class Enroller:
    def __init__(self, session: Session, pipeline: FacePipeline) -> None:
        self.session = session
        self.pipeline = pipeline
        self.cache = GalleryCache(model_key=pipeline.identity.key, dim=pipeline.embedder.dim)
        self.settings = Settings()
        self.people: dict[str, int] = {}

    def __call__(self, name: str, path: Path, face_index: int | None = None) -> EnrollOutcome:
        if name not in self.people:
            self.people[name] = create_person(self.session, full_name=name).id
            record_consent(
                self.session,
                person_id=self.people[name],
                given_by=name,
                relation="self",
                purposes=["meetings"],
                method="paper_form",
                actor="test",
            )
        return enroll_photo(
            self.session,
            pipeline=self.pipeline,
            gallery_cache=self.cache,
            settings=self.settings,
            person_id=self.people[name],
            data=path.read_bytes(),
            face_index=face_index,
        )


@pytest.fixture
def enroll(session: Session, pipeline: FacePipeline) -> Enroller:
    return Enroller(session, pipeline)


def embedding_of(pipeline: FacePipeline, path: Path) -> np.ndarray:
    image = decode_image(path.read_bytes())
    faces = pipeline.detect(image)
    return pipeline.embed(image, [max(faces, key=lambda f: f.area)])[0]


def test_every_portrait_of_the_people_folder_is_accepted(faces_dir: Path, enroll: Enroller) -> None:
    photos = sorted(p for p in (faces_dir / "people").rglob("*") if p.is_file())
    assert len(photos) > 70
    refused = {}
    for path in photos:
        try:
            enroll(path.parent.name, path)
        except PhotoRejected as exc:
            refused[path.name] = exc.code
    assert refused == {}


def test_a_dogs_face_is_refused_as_not_human(faces_dir: Path, enroll: Enroller) -> None:
    with pytest.raises(PhotoRejected) as refused:
        enroll("Nguyễn Văn An", faces_dir / "groups" / "dogs.jpg")
    assert refused.value.code == "NOT_A_HUMAN_FACE"
    assert "0.88" in refused.value.message  # the confidence it had, beside what it needs


@pytest.mark.parametrize("name", ["Ellen_DeGeneres", "Doug_Duncan", "Sadie_Frost"])
def test_a_press_photo_with_a_bystander_as_large_enrolls_the_person_in_the_middle(
    faces_dir: Path, enroll: Enroller, pipeline: FacePipeline, name: str
) -> None:
    # Each holds a second face within 10% of the subject's size: refused by area alone.
    first = faces_dir / "lfw-dev" / name / f"{name}_0001.jpg"
    outcome = enroll(name, first)
    assert outcome.created and outcome.face_index == 0
    other_photo = embedding_of(pipeline, faces_dir / "lfw-dev" / name / f"{name}_0002.jpg")
    enrolled = template_vector(enroll.session, outcome.template)
    assert float(enrolled @ other_photo) > 0.5  # the labelled person, not the bystander


def test_two_faces_as_prominent_are_refused_then_one_is_enrolled_by_face_index(
    faces_dir: Path, enroll: Enroller, pipeline: FacePipeline
) -> None:
    photo = faces_dir / "lfw-dev" / "Alex_Sink" / "Alex_Sink_0001.jpg"
    with pytest.raises(PhotoRejected) as refused:
        enroll("Alex_Sink", photo)
    assert refused.value.code == "MULTIPLE_FACES"
    listed = refused.value.extra["faces"]
    assert isinstance(listed, list) and len(listed) == 2
    other_photo = embedding_of(pipeline, faces_dir / "lfw-dev" / "Alex_Sink" / "Alex_Sink_0002.jpg")
    scores = []
    for index in range(2):
        outcome = enroll(f"face {index}", photo, face_index=index)
        assert outcome.box == pytest.approx(listed[index]["box"], abs=0.1)
        scores.append(float(template_vector(enroll.session, outcome.template) @ other_photo))
    assert max(scores) > 0.5 > min(scores)  # one of the two is Alex Sink, the other is not
