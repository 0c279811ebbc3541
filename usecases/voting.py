"""Which face at a voting station is voting: one member, in front, matched as at the door."""

from __future__ import annotations

from sqlalchemy.orm import Session

from attendance.errors import Forbidden, Invalid
from attendance.matching import Decision
from attendance.recognition import IdentifiedFace
from attendance.voting.ballots import BallotReceipt, cast_ballot
from attendance.voting.master_key import MasterKey
from attendance.voting.polls import get_poll
from models.images import DecodedImage
from usecases.recognition import Recognizer, recognize

SECOND_FACE_AREA = 0.5  # a second face at least half the size of the first: two people voting


def identify_voter(
    session: Session, *, recognizer: Recognizer, image: DecodedImage, meeting_id: int
) -> int:
    """The person id of the one member in front of the camera; refused when unclear."""
    faces = recognize(session, recognizer=recognizer, image=image, meeting_id=meeting_id)
    if not faces:
        raise Invalid(
            "Không thấy khuôn mặt nào trong ảnh; hãy nhìn thẳng vào máy ảnh. "
            "No face was found in the image; look straight at the camera.",
            code="NO_FACE",
        )
    # The voter is the face in front: the largest. Another face nearly as large, or any other
    # member recognised, makes it unclear who is voting.
    front = faces[0]  # recognize orders faces largest first
    crowd = [f for f in faces[1:] if _area(f) >= SECOND_FACE_AREA * _area(front)]
    matched = [f for f in faces if f.decision.decision is Decision.MATCH and f.person]
    if crowd or len(matched) > 1:
        raise Invalid(
            "Có nhiều đại biểu trong ảnh; mỗi lần chỉ một người bỏ phiếu. "
            "Several members are in the image; one person votes at a time.",
            code="MULTIPLE_FACES",
        )
    if not matched or matched[0] is not front:
        raise Forbidden(
            "Không xác nhận được khuôn mặt là đại biểu của cuộc họp này; hãy thử lại hoặc "
            "dùng liên kết bỏ phiếu. The face was not confirmed as a member of this meeting; "
            "try again or use the voting link.",
            code="FACE_NOT_RECOGNISED",
        )
    person = matched[0].person
    assert person is not None
    return person.id


def _area(face: IdentifiedFace) -> float:
    return face.box[2] * face.box[3]


def cast_face_ballot(
    session: Session,
    *,
    recognizer: Recognizer,
    image: DecodedImage,
    meeting_id: int,
    poll_id: int,
    option_ids: list[int],
    on_behalf_of: int | None = None,
    master_key: MasterKey | None = None,
) -> BallotReceipt:
    """A ballot at a voting station, cast by the member the camera sees (staff run it)."""
    get_poll(session, meeting_id=meeting_id, poll_id=poll_id)
    voter_id = identify_voter(session, recognizer=recognizer, image=image, meeting_id=meeting_id)
    return cast_ballot(
        session,
        meeting_id=meeting_id,
        poll_id=poll_id,
        voter_id=voter_id,
        option_ids=option_ids,
        channel="face",
        on_behalf_of=on_behalf_of,
        master_key=master_key,
    )
