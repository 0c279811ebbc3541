"""Who may do what: one table from a role to what it is allowed, and the one question asked of
it by every route and page ("may this principal do P, on meeting M?")."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.errors import Forbidden, NotFound
from attendance.orm import MAX_ID, Participant
from attendance.staff.tables import MeetingStaff
from attendance.tokens import ADMIN, KIOSK, SECRETARY, TEACHER, VIEWER

if TYPE_CHECKING:
    from attendance.voting.tables import VotingPass

logger = logging.getLogger(__name__)


class Permission(str, Enum):
    MANAGE_ACCOUNTS = "manage_accounts"  # staff accounts and their roles
    MANAGE_KIOSKS = "manage_kiosks"  # kiosk tokens
    MANAGE_KEYS = "manage_keys"  # the template encryption key
    ERASE_BIOMETRICS = "erase_biometrics"  # erase all of a person's faces, delete a person
    READ_AUDIT = "read_audit"  # the whole audit log (sign-ins, erasures, every meeting)
    READ_MEETING_AUDIT = "read_meeting_audit"  # one meeting's audit log
    MANAGE_PEOPLE = "manage_people"  # people, their photos and consent, merges
    READ_PEOPLE = "read_people"  # the people register and their photos
    MANAGE_MEETINGS = "manage_meetings"  # create, edit, delete; board links; staff assignment
    READ_MEETINGS = "read_meetings"  # a meeting, its roster, attendance, board, polls
    EDIT_ROSTER = "edit_roster"  # who is invited, voting rights, proxies
    CHECK_IN = "check_in"  # record arrivals: by hand, a person id, a photo
    CORRECT_ATTENDANCE = "correct_attendance"  # check-outs and corrections by hand
    RUN_POLLS = "run_polls"  # agenda, polls, live tallies, voting links, face ballots
    REVIEW = "review"  # confirm or reject the faces a kiosk was unsure about
    EXPORT = "export"  # the meeting's roster and minutes as files
    IDENTIFY = "identify"  # who is in a photo, across all people
    # A kiosk's own: its room's gallery, and the faces it was unsure about.
    SYNC_GALLERY = "sync_gallery"
    REPORT_SIGHTINGS = "report_sightings"
    # A check-in recorded with this brings the delegate's voting link (never a kiosk's).
    HAND_OUT_VOTING_LINKS = "hand_out_voting_links"
    # One's own account: its password and personal tokens (every staff role, unscoped).
    OWN_ACCOUNT = "own_account"
    # Schools: classes, students, timetables and school rules (the school office).
    MANAGE_CLASSES = "manage_classes"
    # A class, its students, sessions and reports (a teacher: the classes they teach).
    READ_CLASSES = "read_classes"
    # Register a student's excused absence ahead (a teacher: their classes' students).
    EXCUSE_ABSENCES = "excuse_absences"
    # Webhooks that tell other systems (a parents' SMS gateway, a city platform) what happened.
    MANAGE_WEBHOOKS = "manage_webhooks"
    # The server's Prometheus metrics (GET /metrics; also its own token or allowed addresses).
    READ_METRICS = "read_metrics"
    # A meeting's documents (upload, order, replace, remove) and its conclusion notice's draft.
    MANAGE_DOCUMENTS = "manage_documents"


P = Permission
_SECRETARY = frozenset(
    {
        P.MANAGE_PEOPLE,
        P.READ_PEOPLE,
        P.MANAGE_MEETINGS,
        P.READ_MEETINGS,
        P.EDIT_ROSTER,
        P.CHECK_IN,
        P.CORRECT_ATTENDANCE,
        P.RUN_POLLS,
        P.REVIEW,
        P.EXPORT,
        P.IDENTIFY,
        P.READ_MEETING_AUDIT,
        P.HAND_OUT_VOTING_LINKS,
        P.OWN_ACCOUNT,
        P.MANAGE_CLASSES,
        P.READ_CLASSES,
        P.EXCUSE_ABSENCES,
        P.MANAGE_DOCUMENTS,
    }
)
# A kiosk's camera is no proof that a person is in the room (there is no liveness check), so
# nothing a kiosk token reaches touches voting; its routes also check its room themselves.
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    ADMIN: frozenset(Permission),
    SECRETARY: _SECRETARY,
    TEACHER: frozenset(
        {
            P.READ_MEETINGS,
            P.EDIT_ROSTER,
            P.CHECK_IN,
            P.CORRECT_ATTENDANCE,
            P.EXPORT,
            P.OWN_ACCOUNT,
            P.READ_CLASSES,
            P.EXCUSE_ABSENCES,
        }
    ),
    VIEWER: frozenset({P.READ_MEETINGS, P.EXPORT, P.OWN_ACCOUNT}),
    KIOSK: frozenset({P.SYNC_GALLERY, P.CHECK_IN, P.REPORT_SIGHTINGS}),
}
# These roles hold their permissions only on the meetings they are assigned to (meeting_staff).
SCOPED_ROLES = frozenset({TEACHER, VIEWER})
# What is theirs whatever meeting: their own account.
UNSCOPED = frozenset({P.OWN_ACCOUNT})

# How a principal proved who it is.
TOKEN = "token"  # a bearer API token (the admin's, or an account's personal token)
SESSION = "session"  # the pages' sign-in cookie
KIOSK_TOKEN = "kiosk"
BOARD_LINK = "board_link"  # one meeting's board, nothing else
VOTING_LINK = "voting_link"  # one delegate in one meeting


@dataclass(frozen=True)
class Principal:
    """Who is calling, however they proved it: what the permission table is asked about and
    who the audit log names."""

    role: str  # "" for a board or voting link: they are not roles
    actor: str
    kind: str
    token_id: int | None = None
    account_id: int | None = None
    session_id: int | None = None  # the pages' sign-in (one browser)
    name: str = ""  # the token's name
    room: str | None = None  # a kiosk token's room
    gate: str | None = None  # a gate kiosk token's school
    voter: VotingPass | None = None  # a voting link's pass
    meeting_id: int | None = None  # a board link's meeting


def may(role: str, permission: Permission) -> bool:
    """Whether the role holds the permission at all (on some meeting, for a scoped role)."""
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def is_scoped(role: str) -> bool:
    return role in SCOPED_ROLES


def refused() -> Forbidden:
    return Forbidden(
        "Tài khoản hoặc mã truy cập này không có quyền thực hiện việc này. "
        "This account or token is not allowed to do this.",
        code="FORBIDDEN",
    )


def require(role: str, permission: Permission) -> None:
    if not may(role, permission):
        raise refused()


def authorize(
    session: Session,
    principal: Principal,
    permission: Permission,
    *,
    meeting_id: int | None = None,
    class_id: int | None = None,
    student_id: int | None = None,
    lists: bool = False,
) -> None:
    """The one check: the role must hold `permission`; a teacher or viewer only on a meeting
    they are assigned to, and a teacher only on a class they teach (`class_id`). An unassigned
    meeting or class answers 404, as a missing one does (its existence is not theirs to
    learn); a route naming neither is theirs only if it lists (`lists`: it shows them their
    own alone, see `visible_meetings`). `student_id`: a teacher only for a student of a class
    they teach (404 otherwise, as for a person that does not exist)."""
    require(principal.role, permission)
    if not is_scoped(principal.role) or permission in UNSCOPED:
        return
    if student_id is not None:
        if not teaches_student(session, account_id=principal.account_id, person_id=student_id):
            raise NotFound(
                f"Không có học sinh số {student_id} trong lớp của bạn. "
                f"No student {student_id} in your classes.",
                code="UNKNOWN_PERSON",
            )
        return
    if class_id is not None:
        if not teaches(session, account_id=principal.account_id, class_id=class_id):
            raise NotFound(
                f"Không có lớp số {class_id}. No class with id {class_id}.", code="UNKNOWN_CLASS"
            )
        if meeting_id is None:
            return
    if meeting_id is None:
        if not lists:
            raise refused()
        return
    if not is_assigned(session, account_id=principal.account_id, meeting_id=meeting_id):
        raise NotFound(f"Không có cuộc họp số {meeting_id}. No meeting with id {meeting_id}.")


def is_assigned(session: Session, *, account_id: int | None, meeting_id: int) -> bool:
    if account_id is None or not 0 < meeting_id <= MAX_ID:
        return False
    found = session.scalar(
        select(MeetingStaff.id).where(
            MeetingStaff.meeting_id == meeting_id, MeetingStaff.account_id == account_id
        )
    )
    return found is not None


def teaches(session: Session, *, account_id: int | None, class_id: int) -> bool:
    from attendance.schools.tables import ClassTeacher  # the ORM's last import; keep it late

    if account_id is None or not 0 < class_id <= MAX_ID:
        return False
    found = session.scalar(
        select(ClassTeacher.class_id).where(
            ClassTeacher.class_id == class_id, ClassTeacher.account_id == account_id
        )
    )
    return found is not None


def teaches_student(session: Session, *, account_id: int | None, person_id: int) -> bool:
    """Whether the account teaches a class the person is a student of."""
    from attendance.schools.tables import ClassStudent, ClassTeacher  # the ORM's last import

    if account_id is None or not 0 < person_id <= MAX_ID:
        return False
    found = session.scalar(
        select(ClassStudent.class_id)
        .join(ClassTeacher, ClassTeacher.class_id == ClassStudent.class_id)
        .where(ClassStudent.person_id == person_id, ClassTeacher.account_id == account_id)
        .limit(1)
    )
    return found is not None


def visible_meetings(session: Session, principal: Principal) -> set[int] | None:
    """The meetings a list may show this principal: None for all of them."""
    if not is_scoped(principal.role):
        return None
    if principal.account_id is None:
        return set()
    rows = session.scalars(
        select(MeetingStaff.meeting_id).where(MeetingStaff.account_id == principal.account_id)
    )
    return set(rows)


def require_person_in_view(session: Session, principal: Principal, *, person_id: int) -> None:
    """A teacher or viewer knows only the people on their meetings' rosters (a teacher also
    the students of the classes they teach): another person's id is answered as unknown
    (404), so adding ids one by one cannot read the register."""
    if not is_scoped(principal.role):
        return
    if principal.role == TEACHER and teaches_student(
        session, account_id=principal.account_id, person_id=person_id
    ):
        return
    meetings = visible_meetings(session, principal) or set()
    found = session.scalar(
        select(Participant.person_id)
        .where(Participant.person_id == person_id, Participant.meeting_id.in_(meetings))
        .limit(1)
    )
    if found is None:
        raise NotFound(f"Không có người với mã số {person_id}. No person with id {person_id}.")
