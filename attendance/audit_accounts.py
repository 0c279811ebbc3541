"""Staff accounts as the audit log names them: `account:N` subjects and the accounts a
`staff_assigned` entry lists, by display name and username. An account since removed is
named by the username its entries kept (every account entry writes one)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.staff.accounts import account_label
from attendance.staff.tables import StaffAccount

logger = logging.getLogger(__name__)

ASSIGNED_KEYS = ("added", "removed")  # staff_assigned: the account ids on either side


def assigned_ids(detail: dict[str, Any]) -> set[int]:
    """The account ids a `staff_assigned` entry lists."""
    found: set[int] = set()
    for key in ASSIGNED_KEYS:
        ids = detail.get(key)
        if isinstance(ids, list):
            found |= {i for i in ids if isinstance(i, int) and not isinstance(i, bool)}
    return found


def account_labels(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """'Nguyễn Thị Thu (thu.nt)' for each account that still exists."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.scalars(select(StaffAccount).where(StaffAccount.id.in_(wanted)))
    return {a.id: account_label(a) for a in rows}


def assigned_names(detail: dict[str, Any], labels: dict[int, str]) -> dict[str, list[str]]:
    """{'added': [...], 'removed': [...]}: the accounts by name ('#7' for one gone since)."""
    named: dict[str, list[str]] = {}
    for key in ASSIGNED_KEYS:
        ids = detail.get(key)
        if isinstance(ids, list) and ids:
            named[key] = [labels.get(i, f"#{i}") for i in ids if isinstance(i, int)]
    return named
