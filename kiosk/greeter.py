"""What the kiosk's screen says to each track, and the check-ins its confirmations queue."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime

from attendance.checkin import late_after
from kiosk.arrivals import ArrivalBook
from kiosk.decider import Confirmation
from kiosk.outbox import CheckinEvent, Outbox, Outcome, SendResult
from kiosk.screen import Box, ScreenEvent, ScreenKind, ScreenLog, ScreenPerson
from kiosk.sync import KioskGallery

logger = logging.getLogger(__name__)

# A small face far off flickers in and out of detection, and each return is a new track.
# Asked to come closer once, a face is not asked again while one keeps appearing near the
# same place (within its own width) less than this long after the last.
PROMPT_MEMORY_S = 30.0


class CheckedIn:
    """`(meeting, person) in`: queued by this run, or present by the server's word."""

    def __init__(self, own: Collection[tuple[int, int]], arrivals: ArrivalBook) -> None:
        self.own = own
        self.arrivals = arrivals

    def __contains__(self, key: object) -> bool:
        if key in self.own:
            return True
        return isinstance(key, tuple) and self.arrivals.first_arrival(*key) is not None


class Greeter:
    """Puts a confirmed person's check-ins in the outbox and tells the screen, each kind of
    message once per track, so a face standing at the door is not greeted every frame.

    Someone the server says is present already (`arrivals`: by hand, a photo, another kiosk)
    is greeted "already checked in at" their first arrival and not queued again; a card shown
    before the server's answer said so is corrected (`answered`, from the courier's thread).
    """

    def __init__(
        self,
        *,
        outbox: Outbox,
        screen: ScreenLog,
        name: str,
        arrivals: ArrivalBook | None = None,
    ) -> None:
        self.outbox = outbox
        self.screen = screen
        self.name = name  # the first part of every idempotency key
        self.arrivals = arrivals or ArrivalBook()
        self._announced: set[tuple[int, ScreenKind]] = set()  # (track, kind): once per track
        self._checked_in_at: dict[tuple[int, int], datetime] = {}  # (meeting, person)
        self._prompted: list[tuple[Box, float]] = []  # where "come closer" was said, and when
        self._prompts: dict[int, int] = {}  # track -> its "come closer" on the screen
        self._cards: dict[tuple[int, int], tuple[int, ScreenEvent]] = {}  # (meeting, person)

    @property
    def checked_in(self) -> CheckedIn:
        """(meeting, person) pairs this run has queued a check-in for, or the server says in."""
        return CheckedIn(self._checked_in_at.keys(), self.arrivals)

    def forget(self, ended: Collection[int]) -> None:
        self._announced = {a for a in self._announced if a[0] not in ended}
        for track_id in ended:
            self._prompts.pop(track_id, None)

    def announce(self, track_id: int, event: ScreenEvent) -> None:
        if (track_id, event.kind) not in self._announced:
            self._announced.add((track_id, event.kind))
            self._settle(track_id)
            self.screen.add(event)

    def _settle(self, track_id: int) -> None:
        """The face has its answer: its "come closer", if still up, goes."""
        prompt = self._prompts.pop(track_id, None)
        if prompt is not None:
            self.screen.withdraw(prompt)

    def come_closer(
        self, track_id: int, box: Box, snapshot: KioskGallery, now: datetime, seen_s: float
    ) -> None:
        """Once per face: per track, and not again for a new track where one was just asked."""
        if (track_id, ScreenKind.COME_CLOSER) in self._announced:
            return
        self._announced.add((track_id, ScreenKind.COME_CLOSER))
        recent = [(b, t) for b, t in self._prompted if seen_s - t < PROMPT_MEMORY_S]
        near = [i for i, (b, _) in enumerate(recent) if _same_place(b, box)]
        for i in near:
            recent[i] = (box, seen_s)
        self._prompted = recent
        if near:
            return
        self._prompted.append((box, seen_s))
        event = ScreenEvent(now.astimezone(snapshot.zone), ScreenKind.COME_CLOSER)
        self._prompts[track_id] = self.screen.add(event)

    def not_on_roster(
        self, track_id: int, person_id: int, snapshot: KioskGallery, now: datetime
    ) -> None:
        if (track_id, ScreenKind.NOT_ON_ROSTER) not in self._announced:
            logger.info(
                "track %s: person %s is on no open meeting's list here", track_id, person_id
            )
        at = now.astimezone(snapshot.zone)
        event = ScreenEvent(at, ScreenKind.NOT_ON_ROSTER, screen_person(snapshot, person_id))
        self.announce(track_id, event)

    def already(self, track_id: int, person_id: int, snapshot: KioskGallery, now: datetime) -> None:
        if snapshot.gate is not None and snapshot.leaving(now):
            return  # leaving school: the goodbye card said it all
        for meeting in snapshot.open_meetings(now):
            if person_id in meeting.person_ids:
                first = self._first(meeting.id, person_id)
                event = ScreenEvent(
                    now.astimezone(snapshot.zone),
                    ScreenKind.ALREADY_CHECKED_IN,
                    screen_person(snapshot, person_id),
                    meeting.id,
                    None if first is None else first.astimezone(snapshot.zone),
                )
                self.announce(track_id, event)
                return

    def check_in(self, confirmation: Confirmation, snapshot: KioskGallery, now: datetime) -> int:
        """Queue the person in every open meeting that lists them; how many were new."""
        person = confirmation.person_id
        enqueued = 0
        shown_at = now.astimezone(snapshot.zone)
        logger.debug("confirmed %s", snapshot.names.get(person, person))
        self._settle(confirmation.track_id)
        if snapshot.gate is not None:
            return self._pass_gate(confirmation, snapshot, now)
        for meeting in snapshot.open_meetings(now):
            if person not in meeting.person_ids:
                continue
            shown = screen_person(snapshot, person)
            key = (meeting.id, person)
            elsewhere = self.arrivals.first_arrival(*key)
            if elsewhere is not None and key not in self._checked_in_at:
                # In already another way: the server keeps that arrival; nothing to send.
                in_at = elsewhere.astimezone(snapshot.zone)
                kind = ScreenKind.ALREADY_CHECKED_IN
                self.screen.add(ScreenEvent(shown_at, kind, shown, meeting.id, in_at))
                continue
            event = CheckinEvent(
                idempotency_key=f"{self.name}:{meeting.id}:{person}",
                meeting_id=meeting.id,
                person_id=person,
                at=now.isoformat(),
                similarity=confirmation.similarity,
                margin=confirmation.margin,
            )
            if self.outbox.enqueue(event):
                enqueued += 1
                logger.info("check-in for person %d in meeting %d queued", person, meeting.id)
                self._checked_in_at[key] = now
                late = now > late_after(meeting.starts_at, meeting.late_after_minutes)
                kind = ScreenKind.LATE if late else ScreenKind.WELCOME
                card = ScreenEvent(shown_at, kind, shown, meeting.id)
                self._cards[key] = (self.screen.add(card), card)
            else:  # queued in an earlier run: the outbox holds the key, and when it was seen
                known = self._first(*key) or _parse(self.outbox.queued_at(event.idempotency_key))
                kind = ScreenKind.ALREADY_CHECKED_IN
                first_shown = None if known is None else known.astimezone(snapshot.zone)
                self.screen.add(ScreenEvent(shown_at, kind, shown, meeting.id, first_shown))
        return enqueued

    def _pass_gate(self, confirmation: Confirmation, snapshot: KioskGallery, now: datetime) -> int:
        """A school's gate: one event a student in, one out, by the student's state as the
        server decides it: not in yet (with a session not yet ended) is in, whatever the hour
        (an afternoon shift arrives after midday); in already is out once past the school's
        midday. The server puts it on the right session (POST /kiosk/gate/events)."""
        person = confirmation.person_id
        mine = [m for m in snapshot.meetings if person in m.person_ids]
        if not mine:
            return 0
        local = now.astimezone(snapshot.zone)
        # The first session not yet ended going in (as the server chooses), the last going out.
        ahead = [m for m in mine if m.ends_at > now]
        came = self.outbox.queued_at(self._gate_key(local, "in", person)) is not None
        out = snapshot.leaving(now) and (came or not ahead)
        direction = "out" if out else "in"
        meeting = mine[-1] if out or not ahead else ahead[0]
        event = CheckinEvent(
            idempotency_key=self._gate_key(local, direction, person),
            meeting_id=meeting.id,
            person_id=person,
            at=now.isoformat(),
            similarity=confirmation.similarity,
            margin=confirmation.margin,
        )
        shown = screen_person(snapshot, person)
        fresh = self.outbox.enqueue(event)
        if out:
            kind = ScreenKind.GOODBYE
        elif not fresh:
            kind = ScreenKind.ALREADY_CHECKED_IN
        elif now > late_after(meeting.starts_at, meeting.late_after_minutes):
            kind = ScreenKind.LATE
        else:
            kind = ScreenKind.WELCOME
        first = None if fresh or out else _parse(self.outbox.queued_at(event.idempotency_key))
        in_at = None if first is None else first.astimezone(snapshot.zone)
        self.screen.add(ScreenEvent(local, kind, shown, meeting.id, in_at, student=True))
        if fresh:
            logger.info("gate %s for person %d queued", direction, person)
        return int(fresh)

    def _gate_key(self, local: datetime, direction: str, person: int) -> str:
        return f"{self.name}:gate:{local.date().isoformat()}:{direction}:{person}"

    def answered(self, event: CheckinEvent, result: SendResult) -> None:
        """The courier's thread: the server kept an earlier arrival of this person (by hand,
        a photo, another kiosk), so the "on time" or "late" card becomes "already checked in
        at" that time, and later sightings say the same."""
        if result.outcome is Outcome.RETRY:
            return
        shown = self._cards.pop((event.meeting_id, event.person_id), None)
        first = _parse(result.arrived_at)
        if first is None:
            return
        self.arrivals.heard(event.meeting_id, event.person_id, first)
        if shown is None:
            return
        seq, card = shown
        kind = ScreenKind.ALREADY_CHECKED_IN
        corrected = replace(card, kind=kind, checked_in_at=first.astimezone(card.at.tzinfo))
        self.screen.replace(seq, corrected)
        logger.info(
            "person %d had arrived in meeting %d before, at %s: card corrected",
            event.person_id,
            event.meeting_id,
            first.isoformat(),
        )

    def _first(self, meeting_id: int, person_id: int) -> datetime | None:
        """The first arrival: the server's word when it has one, else this run's check-in."""
        return self.arrivals.first_arrival(meeting_id, person_id) or self._checked_in_at.get(
            (meeting_id, person_id)
        )


def screen_person(snapshot: KioskGallery, person_id: int) -> ScreenPerson:
    name = snapshot.names.get(person_id, f"#{person_id}")
    return ScreenPerson(
        person_id, name, snapshot.titles.get(person_id), snapshot.units.get(person_id)
    )


def _same_place(a: Box, b: Box) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    reach = max(aw, ah, bw, bh)
    return (
        abs((ax + aw / 2) - (bx + bw / 2)) <= reach and abs((ay + ah / 2) - (by + bh / 2)) <= reach
    )


def _parse(at: str | None) -> datetime | None:
    if at is None:
        return None
    try:
        parsed = datetime.fromisoformat(at)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
