"""What the kiosk's screen says to each track, and the check-ins its confirmations queue."""

from __future__ import annotations

import logging
from collections.abc import Collection, KeysView
from datetime import datetime

from attendance.checkin import late_after
from kiosk.decider import Confirmation
from kiosk.outbox import CheckinEvent, Outbox
from kiosk.screen import ScreenEvent, ScreenKind, ScreenLog, ScreenPerson
from kiosk.sync import KioskGallery

logger = logging.getLogger(__name__)


class Greeter:
    """Puts a confirmed person's check-ins in the outbox and tells the screen, each kind of
    message once per track, so a face standing at the door is not greeted every frame."""

    def __init__(self, *, outbox: Outbox, screen: ScreenLog, name: str) -> None:
        self.outbox = outbox
        self.screen = screen
        self.name = name  # the first part of every idempotency key
        self._announced: set[tuple[int, ScreenKind]] = set()  # (track, kind): once per track
        self._checked_in_at: dict[tuple[int, int], datetime] = {}  # (meeting, person)

    @property
    def checked_in(self) -> KeysView[tuple[int, int]]:
        """(meeting, person) pairs this run has queued a check-in for."""
        return self._checked_in_at.keys()

    def forget(self, ended: Collection[int]) -> None:
        self._announced = {a for a in self._announced if a[0] not in ended}

    def announce(self, track_id: int, event: ScreenEvent) -> None:
        if (track_id, event.kind) not in self._announced:
            self._announced.add((track_id, event.kind))
            self.screen.add(event)

    def not_on_roster(
        self, track_id: int, person_id: int, snapshot: KioskGallery, now: datetime
    ) -> None:
        if (track_id, ScreenKind.NOT_ON_ROSTER) not in self._announced:
            logger.info(
                "track %s: person %s is on no open meeting's list here", track_id, person_id
            )
        event = ScreenEvent(now, ScreenKind.NOT_ON_ROSTER, screen_person(snapshot, person_id))
        self.announce(track_id, event)

    def already(self, track_id: int, person_id: int, snapshot: KioskGallery, now: datetime) -> None:
        for meeting in snapshot.open_meetings(now):
            if person_id in meeting.person_ids:
                event = ScreenEvent(
                    now,
                    ScreenKind.ALREADY_CHECKED_IN,
                    screen_person(snapshot, person_id),
                    meeting.id,
                    self._checked_in_at.get((meeting.id, person_id)),
                )
                self.announce(track_id, event)
                return

    def check_in(self, confirmation: Confirmation, snapshot: KioskGallery, now: datetime) -> int:
        """Queue the person in every open meeting that lists them; how many were new."""
        person = confirmation.person_id
        enqueued = 0
        logger.debug("confirmed %s", snapshot.names.get(person, person))
        for meeting in snapshot.open_meetings(now):
            if person not in meeting.person_ids:
                continue
            event = CheckinEvent(
                idempotency_key=f"{self.name}:{meeting.id}:{person}",
                meeting_id=meeting.id,
                person_id=person,
                at=now.isoformat(),
                similarity=confirmation.similarity,
                margin=confirmation.margin,
            )
            shown = screen_person(snapshot, person)
            if self.outbox.enqueue(event):
                enqueued += 1
                logger.info("check-in for person %d in meeting %d queued", person, meeting.id)
                self._checked_in_at[(meeting.id, person)] = now
                late = now > late_after(meeting.starts_at, meeting.late_after_minutes)
                kind = ScreenKind.LATE if late else ScreenKind.WELCOME
                self.screen.add(ScreenEvent(now, kind, shown, meeting.id))
            else:  # sent in an earlier run: the outbox holds the key
                checked_in_at = self._checked_in_at.get((meeting.id, person))
                kind = ScreenKind.ALREADY_CHECKED_IN
                self.screen.add(ScreenEvent(now, kind, shown, meeting.id, checked_in_at))
        return enqueued


def screen_person(snapshot: KioskGallery, person_id: int) -> ScreenPerson:
    name = snapshot.names.get(person_id, f"#{person_id}")
    return ScreenPerson(person_id, name, snapshot.titles.get(person_id))
