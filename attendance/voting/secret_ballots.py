"""Secret ballots on disk: sealed while the poll is open, counted and erased as it closes."""

from __future__ import annotations

import logging
import secrets
from collections import Counter

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from attendance.db import forget_after_commit
from attendance.errors import Unavailable
from attendance.voting.master_key import MasterKey
from attendance.voting.sealing import (
    new_poll_key,
    open_choice,
    seal_choice,
    unwrap_poll_key,
    wrong_master_key,
)
from attendance.voting.tables import Poll, SecretBallot, SecretCount

logger = logging.getLogger(__name__)

BALLOT_ID = 16  # random bytes: the key of a sealed ballot, in no order of arrival


def check_master_key(poll: Poll, master_key: MasterKey | None) -> None:
    """Refuse before anything is written when this server could not seal a countable ballot."""
    check = _required(master_key).check  # reads (or creates) the key now, before any write
    if poll.ballot_key_check is not None and poll.ballot_key_check != check:
        raise wrong_master_key()


def store_secret_ballot(
    session: Session, *, poll: Poll, option_ids: list[int], master_key: MasterKey | None
) -> None:
    """Seal one ballot. The caller holds the poll's row (the ballots_cast bump), so a poll's
    first ballots cannot race to create two keys."""
    key = _poll_key(session, poll, _required(master_key), create=True)
    positions = {i for i, o in enumerate(poll.options) if o.id in set(option_ids)}
    ballot_id = secrets.token_bytes(BALLOT_ID)
    sealed = seal_choice(
        key, poll_id=poll.id, ballot_id=ballot_id, positions=positions, size=len(poll.options)
    )
    session.add(SecretBallot(poll_id=poll.id, id=ballot_id, sealed=sealed))
    session.flush()


def count_secret_ballots(session: Session, *, poll: Poll, master_key: MasterKey | None) -> int:
    """Open every sealed ballot of a closing poll into its counters, then delete the ballots
    and the poll's key; once committed, the database is asked to forget them (db.py)."""
    rows = session.execute(
        select(SecretBallot.id, SecretBallot.sealed).where(SecretBallot.poll_id == poll.id)
    ).all()
    if rows:
        key = _poll_key(session, poll, _required(master_key), create=False)
        size = len(poll.options)
        totals: Counter[int] = Counter()
        for ballot_id, sealed in rows:
            chosen = open_choice(
                key, poll_id=poll.id, ballot_id=ballot_id, sealed=sealed, size=size
            )
            totals.update(poll.options[p].id for p in chosen)
        for option_id, votes in totals.items():
            session.execute(
                update(SecretCount)
                .where(SecretCount.poll_id == poll.id, SecretCount.option_id == option_id)
                .values(votes=SecretCount.votes + votes)
                .execution_options(synchronize_session=False)
            )
        session.execute(delete(SecretBallot).where(SecretBallot.poll_id == poll.id))
    if rows or poll.ballot_key is not None:
        poll.ballot_key = None
        poll.ballot_key_check = None
        session.flush()
        forget_after_commit(session)
    logger.info("poll %s: %d sealed ballots counted", poll.id, len(rows))
    return len(rows)


def _poll_key(session: Session, poll: Poll, master_key: MasterKey, *, create: bool) -> bytes:
    session.refresh(poll, ["ballot_key", "ballot_key_check"])
    if poll.ballot_key is None:
        if not create:
            raise Unavailable(
                "Biểu quyết kín này có phiếu nhưng không còn khóa: không thể kiểm phiếu. "
                "This secret poll has sealed ballots but no key: it cannot be counted.",
                code="SECRET_KEY_MISMATCH",
            )
        key, poll.ballot_key, poll.ballot_key_check = new_poll_key(master_key, poll_id=poll.id)
        session.flush()
        return key
    return unwrap_poll_key(
        master_key, poll_id=poll.id, wrapped=poll.ballot_key, check=poll.ballot_key_check
    )


def _required(master_key: MasterKey | None) -> MasterKey:
    if master_key is None:
        raise Unavailable(
            "Máy chủ chưa có khóa bí mật cho phiếu kín. "
            "The server has no secret key for secret ballots.",
            code="SECRET_KEY_UNAVAILABLE",
        )
    return master_key
