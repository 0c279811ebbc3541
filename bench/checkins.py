"""Check-ins per second through the service, one transaction each (as the API writes them).

    python -m bench.checkins [--people 2000] [--url sqlite:///path.db]

What a recorded arrival costs on the server, the audit entry and its chaining included;
run, not asserted. Without --url a fresh SQLite file in a temporary folder.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from attendance.checkin import check_in
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.meetings import create_meeting, set_participants
from attendance.migrate import upgrade
from attendance.people import create_person

START = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)


def run(url: str, people: int) -> float:
    """Seconds per recorded arrival (the median of ten slices)."""
    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        ids = [create_person(session, full_name=f"Đại biểu {i}").id for i in range(people)]
        meeting = create_meeting(
            session, title="Kỳ họp", starts_at=START, ends_at=START + timedelta(hours=3)
        )
        set_participants(session, meeting_id=meeting.id, person_ids=ids)
        meeting_id = meeting.id
    slices: list[float] = []
    size = max(1, people // 10)
    for first in range(0, people, size):
        began = time.perf_counter()
        chunk = ids[first : first + size]
        for person_id in chunk:
            with unit_of_work(sessions) as session:
                check_in(
                    session,
                    meeting_id=meeting_id,
                    person_id=person_id,
                    source="kiosk:bench",
                    idempotency_key=f"bench-{person_id}",
                    at=START,
                    now=START,
                )
        slices.append((time.perf_counter() - began) / len(chunk))
    engine.dispose()
    return sorted(slices)[len(slices) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{Path(folder) / 'bench.db'}"
        seconds = run(url, args.people)
    print(f"{args.people} check-ins: {seconds * 1000:.2f} ms each, {1 / seconds:.0f}/s")


if __name__ == "__main__":
    main()
