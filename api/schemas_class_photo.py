"""Wire schemas of attendance from one class photo."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.schemas import PersonRead, SecondOpinionRead

Box = list[float]  # [x, y, width, height] in the uploaded photo's pixels


class PresentFace(BaseModel):
    person: PersonRead
    box: Box
    similarity: float | None
    face: int  # the face's index in the photo (largest first)
    # null when the second model (dlib) was not asked; else similarity is the fused score and
    # similarity_alone SFace's for the same person before fusion.
    second_opinion: SecondOpinionRead | None = None


class UnknownFace(BaseModel):
    box: Box
    crop_url: str | None  # null once the photo is confirmed (the crop is erased then)
    face: int


class ClassPhotoRead(BaseModel):
    photo_id: str
    meeting_id: int
    taken_at: datetime
    expires_at: datetime
    confirmed_at: datetime | None
    present: list[PresentFace]
    unknown: list[UnknownFace]
    not_seen: list[PersonRead]


class ClassPhotoConfirm(BaseModel):
    person_ids: list[int] = Field(max_length=2000)


class ConfirmedRead(BaseModel):
    person: PersonRead
    event_id: int
    at: datetime
    source: str  # class_photo, or how they were checked in before
    voting_token: str | None = None  # a delegate's new voting link, shown once


class ClassPhotoConfirmed(BaseModel):
    photo_id: str
    recorded: list[ConfirmedRead]  # checked in by this confirm
    already: list[ConfirmedRead]  # checked in before (this photo confirmed again, or otherwise)
