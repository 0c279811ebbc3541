"""The enrollment quality gate: pick the photo's face, or say why the photo is refused."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from models.quality import FaceQuality
from models.types import DetectedFace


class Reason(str, Enum):
    UNREADABLE_IMAGE = "UNREADABLE_IMAGE"
    NO_FACE = "NO_FACE"
    MULTIPLE_FACES = "MULTIPLE_FACES"
    FACE_TOO_SMALL = "FACE_TOO_SMALL"
    TOO_BLURRY = "TOO_BLURRY"
    EXTREME_POSE = "EXTREME_POSE"
    TOO_DARK = "TOO_DARK"
    DUPLICATE_PERSON = "DUPLICATE_PERSON"


MESSAGES: dict[Reason, str] = {
    Reason.UNREADABLE_IMAGE: "Không đọc được ảnh. The image could not be read.",
    Reason.NO_FACE: "Không tìm thấy khuôn mặt trong ảnh. No face was found in the photo.",
    Reason.MULTIPLE_FACES: (
        "Ảnh có nhiều khuôn mặt cỡ tương đương; hãy dùng ảnh chỉ có một người. "
        "The photo holds several faces of similar size; use a photo of one person."
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
    dominance: float  # the chosen face's area must be this many times the next one's


@dataclass(frozen=True)
class GateVerdict:
    reason: Reason | None
    detail: str
    face: DetectedFace | None = None

    @property
    def accepted(self) -> bool:
        return self.reason is None


def choose_face(faces: list[DetectedFace], limits: GateLimits) -> GateVerdict:
    """The photo's subject: the one face, or a face clearly larger than every other.

    A small face in the background of a portrait is ignored; two faces of similar size
    make the photo ambiguous, and it is refused rather than guessed.
    """
    if not faces:
        return GateVerdict(Reason.NO_FACE, MESSAGES[Reason.NO_FACE])
    ranked = sorted(faces, key=lambda f: f.area, reverse=True)
    if len(ranked) > 1 and ranked[0].area < limits.dominance * ranked[1].area:
        return GateVerdict(Reason.MULTIPLE_FACES, MESSAGES[Reason.MULTIPLE_FACES])
    return GateVerdict(None, "", ranked[0])


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
