"""Real photos enrolled through the API: the database file holds no embedding a kiosk gets."""

from __future__ import annotations

import base64
import sqlite3

import numpy as np
from api_support import create_meeting, query
from db_backends import sqlite_file
from fastapi.testclient import TestClient
from test_api_kiosk import ROOM, kiosk_headers, today_at


def test_the_template_column_read_raw_holds_no_float32_embedding(
    client: TestClient,
    enrolled: list[int],
    database_url: str,
) -> None:
    create_meeting(
        client, enrolled[:3], room=ROOM, starts_at=today_at(0), ends_at=today_at(23, minute=59)
    )
    headers = kiosk_headers(client)
    ids = [
        t["id"] for t in client.get("/api/v1/kiosk/gallery", headers=headers).json()["templates"]
    ]
    sent = client.post("/api/v1/kiosk/templates", json={"ids": ids}, headers=headers).json()
    # Over the wire, as before: each kiosk gets the plain float32 unit vector.
    wire = [base64.b64decode(t["embedding"]) for t in sent["templates"]]
    vectors = np.stack([np.frombuffer(w, dtype="<f4") for w in wire])
    assert vectors.shape == (3, 128)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    client.__exit__(None, None, None)  # the server stops: everything is in the file now
    raw = [bytes(r[0]) for r in query(database_url, "SELECT embedding FROM face_templates")]
    assert len(raw) == len(enrolled) == 6
    for blob in raw:
        assert len(blob) != 128 * 4
        if len(blob) % 4 == 0:  # whatever 4-byte-aligned reading of it is no unit vector
            assert abs(float(np.linalg.norm(np.frombuffer(blob, "<f4")[:128])) - 1) > 1e-2
    if not database_url.startswith("sqlite"):
        return  # PostgreSQL's own files are not read here; the column above is what it stores
    path = sqlite_file(database_url)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    whole = path.read_bytes()
    for piece in wire:  # no run of 4 floats of any embedding, anywhere in the file
        assert not any(piece[i : i + 16] in whole for i in range(0, len(piece) - 16, 4))
