"""Consent on the command line: `attendance enroll` records the folder's paper forms or refuses."""

from __future__ import annotations

import enum

import typer
from sqlalchemy.orm import Session, sessionmaker

from api.cli_support import console
from enrollment.folder import FolderConsent, people_without_consent

SHOWN = 10  # names listed in a refusal; the rest are counted


class Purpose(str, enum.Enum):
    meetings = "meetings"
    school_attendance = "school_attendance"


def folder_consent(
    sessions: sessionmaker[Session],
    names: list[str],
    *,
    recorded_by: str | None,
    reference: str | None,
    purpose: str,
) -> FolderConsent | None:
    """The consent to record for the folder's people; without one, exit 2 unless every
    person already has consent for `purpose`."""
    if recorded_by and reference:
        return FolderConsent(
            recorded_by=recorded_by.strip(), reference=reference.strip(), purpose=purpose
        )
    if recorded_by or reference:
        console.print(
            "[red]Cần cả --consent-recorded-by và --consent-reference. "
            "Give both --consent-recorded-by and --consent-reference."
        )
        raise typer.Exit(2)
    missing = people_without_consent(sessions, names, purpose=purpose)
    if not missing:
        return None
    listed = ", ".join(missing[:SHOWN]) + (
        f" (+{len(missing) - SHOWN})" if len(missing) > SHOWN else ""
    )
    console.print(
        f"[red]Chưa ghi nhận sự đồng ý của {len(missing)} người ({listed}): không đăng ký khuôn "
        "mặt khi chưa có đồng ý. Khi họ đã ký phiếu đồng ý, chạy lại với --consent-recorded-by "
        f"TÊN_BẠN --consent-reference SỐ_PHIẾU. No recorded consent for {len(missing)} people "
        f"({listed}): faces are not enrolled without it. Once they have signed consent forms, "
        "run again with --consent-recorded-by YOUR_NAME --consent-reference FORM_NUMBER.",
        soft_wrap=True,
    )
    raise typer.Exit(2)
