"""JSON check-in ingest under load: N kiosks, each with its own token, sending M events at once.

    python -m bench.load [--kiosks 20] [--events 500] [--batch K] [--workers W]
                         [--db-url postgresql+psycopg://...] [--url http://host:port]

Without --url it starts `attendance serve` itself on a temporary SQLite database (or on
--db-url, which it migrates and seeds), --workers W. With --url the server is running already
on the database --db-url names (needed: the people, meeting and kiosk tokens are seeded
there, and the final counts read from it). Every kiosk sends its events one after another
on a kept-alive connection, as a kiosk's outbox does: one in ten again with its own key (a
retry) and one in ten another kiosk's event with that kiosk's key (a person seen by two
doors). The distinct people must each be checked in once: the answers (created), the
meeting's attendance in the database and the audit log agree, or `exact no`.
`--batch K` sends K events per request to /checkins/batch; then req/s counts events.
Ends with one line: `ingest: <req/s> req/s p50 <ms> ms p99 <ms> ms exact <yes|no>`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from bench.load_client import Connection
from bench.load_server import count_arrivals, cpu_seconds, seed, serve


@dataclass
class Kiosk:
    token: str
    events: list[dict[str, object]] = field(default_factory=list)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    created: int = 0
    failures: list[str] = field(default_factory=list)


def plan(tokens: list[str], person_ids: list[int], events: int, seed_: int = 13) -> list[Kiosk]:
    """Each kiosk's events in sending order: its own people (a key each), retries of its own
    events, and events of the next kiosk (the same key and person that kiosk sends)."""
    own = len(person_ids) // len(tokens)
    kiosks = [Kiosk(token) for token in tokens]
    for k, kiosk in enumerate(kiosks):
        for person_id in person_ids[k * own : (k + 1) * own]:
            kiosk.events.append(
                {
                    "person_id": person_id,
                    "idempotency_key": f"ev-{person_id}",
                    "source": f"kiosk:load-{k}",
                    "at": datetime.now(timezone.utc).isoformat(),
                    "similarity": 0.82,
                    "margin": 0.2,
                }
            )
    rng = random.Random(seed_)
    for k, kiosk in enumerate(kiosks):
        neighbour = kiosks[(k + 1) % len(kiosks)].events[:own]
        mine = kiosk.events[:own]
        extra = [dict(rng.choice(mine)) for _ in range((events - own) // 2)]
        extra += [dict(rng.choice(neighbour)) for _ in range(events - own - len(extra))]
        for event in extra:
            kiosk.events.insert(rng.randrange(len(kiosk.events) + 1), event)
    return kiosks


def own_per_kiosk(events: int) -> int:
    return events - 2 * (events // 10)


async def drive(url: str, meeting_id: int, kiosks: list[Kiosk], batch: int) -> Tally:
    tally = Tally()
    path = f"/api/v1/meetings/{meeting_id}/checkins" + ("/batch" if batch else "")

    async def one(kiosk: Kiosk) -> None:
        connection = Connection(url, kiosk.token)
        step = batch or 1
        try:
            for first in range(0, len(kiosk.events), step):
                chunk = kiosk.events[first : first + step]
                payload: object = {"events": chunk} if batch else chunk[0]
                began = time.perf_counter()
                answer = await connection.post(path, payload)
                tally.latencies.append(time.perf_counter() - began)
                _count(tally, answer.status, answer.body, batch)
        finally:
            await connection.close()

    await asyncio.gather(*(one(kiosk) for kiosk in kiosks))
    return tally


def _count(tally: Tally, status: int, body: bytes, batch: int) -> None:
    import json

    if status not in (200, 201):
        tally.failures.append(f"{status} {body[:200]!r}")
        return
    answer = json.loads(body)
    if not batch:
        tally.created += bool(answer["created"])
        return
    for result in answer["results"]:
        if result["status"] not in (200, 201):
            tally.failures.append(f"{result['status']} {result.get('error')}")
        else:
            tally.created += bool(result["event"]["created"])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@contextmanager
def target(args: argparse.Namespace) -> Iterator[tuple[str, str, int | None]]:
    """(server URL, database URL, its process id): the given ones, or a server started here."""
    if args.url:
        if not args.db_url:
            sys.exit("--url needs --db-url: the database that server uses (seeded here)")
        yield args.url, args.db_url, None
        return
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("ATTEND_DATA_DIR", folder)
        db_url = args.db_url or f"sqlite:///{Path(folder) / 'load.db'}"
        with serve(db_url, Path(folder), workers=args.workers) as (url, pid):
            yield url, db_url, pid


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--events", type=int, default=500, help="requests per kiosk")
    parser.add_argument("--batch", type=int, default=0, help="events per batch request")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--url", default=None, help="a running server (needs --db-url)")
    parser.add_argument("--db-url", default=None)
    args = parser.parse_args()
    own = own_per_kiosk(args.events)
    with target(args) as (url, db_url, pid):
        seeded = seed(db_url, kiosks=args.kiosks, people=own * args.kiosks)
        kiosks = plan(seeded.tokens, seeded.person_ids, args.events)
        cpu = cpu_seconds(pid) if pid else 0.0
        began = time.perf_counter()
        tally = asyncio.run(drive(url, seeded.meeting_id, kiosks, args.batch))
        elapsed = time.perf_counter() - began
        cpu = cpu_seconds(pid) - cpu if pid else 0.0
        arrivals, audited = count_arrivals(db_url, seeded.meeting_id)
    people = len(seeded.person_ids)
    exact = not tally.failures and tally.created == arrivals == audited == people
    for failure in tally.failures[:5]:
        print(f"failed: {failure}", file=sys.stderr)
    # Against --url the server is someone else's: its workers and CPU are not known here.
    server = "a running server" if args.url else f"{args.workers} worker(s)"
    cpu_text = (
        f"{cpu * 1000 / (args.kiosks * args.events):.2f} ms per event"
        if pid
        else "not measured (--url)"
    )
    print(
        f"{args.kiosks} kiosks x {args.events} events, batch {args.batch or '-'}, "
        f"{server}, {db_url.split(':')[0]}: {people} people, "
        f"{tally.created} created, {arrivals} arrivals, {audited} audited, "
        f"{len(tally.failures)} failed, {elapsed:.1f} s; server CPU {cpu_text}; "
        f"load average {os.getloadavg()[0]:.1f}",
        file=sys.stderr,
    )
    sent = args.kiosks * args.events
    print(
        f"ingest: {sent / elapsed:.0f} req/s p50 {percentile(tally.latencies, 0.5) * 1000:.1f} ms "
        f"p99 {percentile(tally.latencies, 0.99) * 1000:.1f} ms exact {'yes' if exact else 'no'}"
    )


if __name__ == "__main__":
    main()
