"""Who may do what: one table from a token's role to what that role is allowed."""

from __future__ import annotations

from enum import Enum

from attendance.errors import Forbidden
from attendance.tokens import ADMIN, KIOSK


class Permission(str, Enum):
    SYNC_GALLERY = "sync_gallery"  # read the room's gallery and fetch its templates
    POST_CHECKINS = "post_checkins"  # record arrivals (a person id, or a photo recognised here)
    REPORT_SIGHTINGS = "report_sightings"  # send a grey-zone face to the review queue
    RUN_VOTING = "run_voting"  # read polls, agenda and results; take face ballots at a station
    HAND_OUT_VOTING_LINKS = "hand_out_voting_links"  # a check-in brings the delegate's link


# A kiosk's camera is no proof that a person is in the room (there is no liveness check), so
# nothing a kiosk token reaches touches voting: staff hand out links and run the polls.
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    ADMIN: frozenset(Permission),
    KIOSK: frozenset(
        {Permission.SYNC_GALLERY, Permission.POST_CHECKINS, Permission.REPORT_SIGHTINGS}
    ),
}


def may(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def require(role: str, permission: Permission) -> None:
    if not may(role, permission):
        raise Forbidden(
            "Mã truy cập này không có quyền thực hiện việc này. "
            "This token is not allowed to do this.",
            code="FORBIDDEN",
        )
