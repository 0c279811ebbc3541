"""The enrollment quality gate: pick the photo's face, or say why the photo is refused."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from models.quality import FaceQuality
from models.types import DetectedFace

# A face with less than this share of its box inside the photo is cut by the edge: a
# bystander, never the photo's subject while a whole face is there.
WHOLE_SHARE = 0.9


class Reason(str, Enum):
    UNREADABLE_IMAGE = "UNREADABLE_IMAGE"
    NO_FACE = "NO_FACE"
    MULTIPLE_FACES = "MULTIPLE_FACES"
    FACE_TOO_SMALL = "FACE_TOO_SMALL"
    TOO_BLURRY = "TOO_BLURRY"
    EXTREME_POSE = "EXTREME_POSE"
    TOO_DARK = "TOO_DARK"
    DUPLICATE_PERSON = "DUPLICATE_PERSON"
    NOT_A_HUMAN_FACE = "NOT_A_HUMAN_FACE"
    INVALID_FACE_INDEX = "INVALID_FACE_INDEX"


MESSAGES: dict[Reason, str] = {
    Reason.UNREADABLE_IMAGE: "Không đọc được ảnh. The image could not be read.",
    Reason.NO_FACE: "Không tìm thấy khuôn mặt trong ảnh. No face was found in the photo.",
    Reason.MULTIPLE_FACES: (
        "Ảnh có {count} khuôn mặt, không khuôn mặt nào nổi bật hơn hẳn nên không rõ cần đăng "
        "ký ai; hãy chọn một khuôn mặt (face_index trong danh sách faces) hoặc dùng ảnh chỉ "
        "có một người. The photo holds {count} faces and none stands out, so it is unclear "
        "whom to enroll; choose one (face_index, from the list in faces) or use a photo of "
        "one person."
    ),
    Reason.INVALID_FACE_INDEX: (
        "Ảnh có {count} khuôn mặt (face_index từ 0 đến {last}); không có khuôn mặt số {index}. "
        "The photo holds {count} {faces} (face_index 0 to {last}); there is no face {index}."
    ),
    Reason.NOT_A_HUMAN_FACE: (
        "Không nhận ra đây là khuôn mặt người (độ tin cậy {confidence:.2f}, cần "
        "{minimum:.2f}); hãy dùng ảnh chân dung rõ mặt của người cần đăng ký. "
        "This does not look like a human face (confidence {confidence:.2f}, needs "
        "{minimum:.2f}); use a clear portrait of the person."
    ),
    Reason.FACE_TOO_SMALL: (
        "Khuôn mặt quá nhỏ ({face_px:.0f} px, cần ít nhất {minimum} px); hãy chụp gần hơn. "
        "The face is too small ({face_px:.0f} px, at least {minimum} px); take it closer."
    ),
    Reason.TOO_BLURRY: (
        "Ảnh bị mờ (độ nét {sharpness:.0f}, cần {minimum:.0f}); hãy chụp lại, giữ máy ổn định. "
        "The photo is blurry (sharpness {sharpness:.0f}, needs {minimum:.0f}); retake it steady."
    ),
    Reason.EXTREME_POSE: (
        "Khuôn mặt quay nghiêng quá nhiều; hãy nhìn thẳng vào máy ảnh. "
        "The face is turned too far; look straight at the camera."
    ),
    Reason.TOO_DARK: (
        "Ảnh quá tối (độ sáng {brightness:.0f}, cần {minimum:.0f}); hãy chụp ở nơi đủ sáng. "
        "The photo is too dark (brightness {brightness:.0f}, needs {minimum:.0f}); add light."
    ),
    Reason.DUPLICATE_PERSON: (
        "Khuôn mặt này đã được đăng ký cho {other} (độ giống {similarity:.2f}). "
        "Nếu đúng là hai người khác nhau, hãy xác nhận (confirm_different_person). "
        "This face is already enrolled as {other} (similarity {similarity:.2f}); "
        "if they really are different people, confirm with confirm_different_person."
    ),
}


@dataclass(frozen=True)
class GateLimits:
    min_face_px: int
    min_sharpness: float
    min_brightness: float
    max_yaw: float
    dominance: float  # the subject's prominence must be this many times the next face's
    min_confidence: float = 0.0  # the detector's second look: below it, not a human face


@dataclass(frozen=True)
class RankedFace:
    """A face of the photo and how much it looks like the photo's subject."""

    face: DetectedFace
    prominence: float  # box area x (1 - distance of its centre from the photo's centre)
    whole: bool  # False: cut by the photo's edge, a bystander


@dataclass(frozen=True)
class GateVerdict:
    reason: Reason | None
    detail: str
    face: DetectedFace | None = None
    index: int | None = None  # the chosen face's place in `faces`
    faces: tuple[DetectedFace, ...] = ()  # every face, most likely subject first

    @property
    def accepted(self) -> bool:
        return self.reason is None


def is_whole(box: tuple[float, float, float, float], width: int, height: int) -> bool:
    """At least WHOLE_SHARE of the face's box lies inside the photo (not cut by its edge)."""
    x, y, w, h = box
    inside_w = max(0.0, min(x + w, width) - max(x, 0.0))
    inside_h = max(0.0, min(y + h, height) - max(y, 0.0))
    return inside_w * inside_h >= WHOLE_SHARE * max(w * h, 1e-9)


def rank_faces(faces: list[DetectedFace], width: int, height: int) -> list[RankedFace]:
    """Faces as a person would look for the subject: whole faces before faces cut by the
    edge, then the large and central before the small and off to the side.

    Prominence is the box area times (1 - the distance of its centre from the photo's
    centre over half the diagonal): on lfw-dev this picks the labelled person in every one
    of 571 photos with several faces where that could be checked (docs/benchmarks.md).
    """
    half_diagonal = 0.5 * float(np.hypot(width, height)) or 1.0
    ranked = []
    for face in faces:
        x, y, w, h = face.box
        off = float(np.hypot(x + w / 2 - width / 2, y + h / 2 - height / 2)) / half_diagonal
        whole = is_whole(face.box, width, height)
        ranked.append(RankedFace(face, face.area * max(0.0, 1.0 - off), whole))
    return sorted(ranked, key=lambda r: (not r.whole, -r.prominence))


def choose_face(
    ranked: list[RankedFace], limits: GateLimits, *, face_index: int | None = None
) -> GateVerdict:
    """The photo's subject: the face the caller chose by `face_index`, the one face, or the
    face clearly more prominent than every other whole face.

    A small or off-centre face in the background, or one cut by the edge, is ignored; two
    faces about as prominent make the photo ambiguous: it is refused with every face listed,
    so that the caller can choose one, rather than guessed.
    """
    faces = tuple(r.face for r in ranked)
    if not ranked:
        return GateVerdict(Reason.NO_FACE, MESSAGES[Reason.NO_FACE])
    if face_index is not None:
        if not 0 <= face_index < len(ranked):
            text = MESSAGES[Reason.INVALID_FACE_INDEX].format(
                count=len(ranked),
                faces="face" if len(ranked) == 1 else "faces",
                last=len(ranked) - 1,
                index=face_index,
            )
            return GateVerdict(Reason.INVALID_FACE_INDEX, text, faces=faces)
        return GateVerdict(None, "", ranked[face_index].face, face_index, faces)
    contenders = [r for r in ranked if r.whole] or ranked
    if len(contenders) > 1 and (
        contenders[0].prominence < limits.dominance * contenders[1].prominence
    ):
        text = MESSAGES[Reason.MULTIPLE_FACES].format(count=len(ranked))
        return GateVerdict(Reason.MULTIPLE_FACES, text, faces=faces)
    return GateVerdict(None, "", ranked[0].face, 0, faces)


def judge_quality(quality: FaceQuality, limits: GateLimits) -> GateVerdict:
    if quality.face_px < limits.min_face_px:
        text = MESSAGES[Reason.FACE_TOO_SMALL].format(
            face_px=quality.face_px, minimum=limits.min_face_px
        )
        return GateVerdict(Reason.FACE_TOO_SMALL, text)
    if quality.brightness < limits.min_brightness:
        text = MESSAGES[Reason.TOO_DARK].format(
            brightness=quality.brightness, minimum=limits.min_brightness
        )
        return GateVerdict(Reason.TOO_DARK, text)
    if quality.sharpness < limits.min_sharpness:
        text = MESSAGES[Reason.TOO_BLURRY].format(
            sharpness=quality.sharpness, minimum=limits.min_sharpness
        )
        return GateVerdict(Reason.TOO_BLURRY, text)
    if quality.yaw > limits.max_yaw:
        return GateVerdict(Reason.EXTREME_POSE, MESSAGES[Reason.EXTREME_POSE])
    return GateVerdict(None, "")


def judge_human(confidence: float, limits: GateLimits) -> GateVerdict:
    """Last, after every quality check: a face that is large, lit, sharp and frontal and
    still not confidently a face to the detector is not a human face (a dog's was)."""
    if confidence < limits.min_confidence:
        text = MESSAGES[Reason.NOT_A_HUMAN_FACE].format(
            confidence=confidence, minimum=limits.min_confidence
        )
        return GateVerdict(Reason.NOT_A_HUMAN_FACE, text)
    return GateVerdict(None, "")
