"""The server SIGKILLed under load from 8 kiosks and started again on the same database:
every acknowledged check-in is there, none twice (on the run's backend)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from urllib.parse import urlsplit

import pytest
from e2e_server import StartServer
from kiosk_load import Load, arrivals

pytestmark = pytest.mark.slow

TOKEN = "e2e-admin-token-0123456789abcdef"
KIOSKS = 8
PER_KIOSK = 20


def test_a_server_killed_under_load_loses_no_acknowledged_check_in_and_doubles_none(
    start_server: StartServer, database_url: str
) -> None:
    server = start_server(database_url, TOKEN)
    port = urlsplit(server.url).port
    load = Load.prepare(server.url, TOKEN, kiosks=KIOSKS, per_kiosk=PER_KIOSK)
    total = load.total
    # Slowed a little so that the kill lands in the middle of the load, not after it. The
    # deadline only bounds a broken run: on an idle machine all of it takes a few seconds.
    running = threading.Thread(target=load.run, kwargs={"deadline_s": 240, "pause_s": 0.02})
    running.start()
    while len(load.acks) < total // 3 and running.is_alive():
        time.sleep(0.01)
    server.process.kill()  # SIGKILL: no shutdown, no flush, transactions cut where they are
    server.process.wait(timeout=15)
    killed_at = len(load.acks)
    start_server(database_url, TOKEN, port=port)
    running.join(timeout=300)

    assert not running.is_alive()
    assert len(load.acks) == total, f"{len(load.acks)} of {total} acknowledged"
    assert killed_at < total, "the kill came after the load: nothing was tested"
    assert load.failures > 0, "no kiosk ever met the dead server"
    stored = arrivals(database_url)
    keys = Counter(key for key, _, _ in stored)
    people = Counter((meeting, person) for _, meeting, person in stored)
    assert [k for k, n in keys.items() if n > 1] == []
    assert [p for p, n in people.items() if n > 1] == []
    assert {a.stored_key for a in load.acks} <= set(keys)
    assert len(stored) == total
