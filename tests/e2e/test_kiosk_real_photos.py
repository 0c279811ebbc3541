"""`attendance kiosk` on a video made of real photos of real people, against `attendance serve`.

Four people are enrolled from one photo each; three of them are on the meeting's roster. The
video shows them, the fourth and two strangers walking in, standing and walking out, one or
two at a time, each from a *different* photo than the one enrolled. The fourth is invited
to a later meeting in the same room: the kiosk knows her face and tells her she is not on
this meeting's list. Only the three arrive.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2
import httpx
import numpy as np
import pytest
from e2e_server import StartServer
from test_kiosk_process import (
    KIOSK_SECONDS,
    ROOM,
    arrivals,
    kiosk_command,
    kiosk_env,
    outbox_states,
    write_video,
)
from test_server_process import TOKEN, arrived_events, ok

pytestmark = pytest.mark.slow

PEOPLE_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "faces" / "people"
INVITED = ("Angelina_Jolie", "Barack_Obama", "Mark_Zuckerberg")
NOT_INVITED = "Scarlett_Johansson"  # enrolled, but not on this meeting's roster
STRANGERS = ("Katy_Perry", "Jack_Dorsey")  # never enrolled
WIDTH, HEIGHT = 640, 480
BACKGROUND = 90
MAX_SIDE = 800  # photos are scaled down to this before the server or the video sees them


def photos(folder: str) -> list[Path]:
    found = sorted((PEOPLE_DIR / folder).glob("*.jpg"))
    if len(found) < 2:
        pytest.skip(f"{PEOPLE_DIR / folder} needs two photos or more")
    return found


def read_small(path: Path) -> np.ndarray:
    image = cv2.imread(str(path))
    assert image is not None, path
    scale = MAX_SIDE / max(image.shape[:2])
    if scale < 1:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return image


def encode(image: np.ndarray) -> bytes:
    done, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert done
    return data.tobytes()


def largest_face(api: httpx.Client, image: np.ndarray) -> tuple[float, float, float, float]:
    found = ok(api.post("/api/v1/identify", files={"file": ("p.jpg", encode(image))}))
    boxes = [tuple(face["box"]) for face in found["faces"]]
    assert boxes, "no face found in a photo"
    x, y, w, h = max(boxes, key=lambda box: box[2] * box[3])
    return float(x), float(y), float(w), float(h)


@dataclass(frozen=True)
class Head:
    """A head-and-shoulders cut of a photo on the plain background, and its face's width."""

    image: np.ndarray
    face_width: float


def cut_head(image: np.ndarray, box: tuple[float, float, float, float]) -> Head:
    x, y, w, h = box
    pad = round(2 * max(w, h))
    padded = cv2.copyMakeBorder(
        image, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(BACKGROUND,) * 3
    )
    left, top = round(x - 0.6 * w) + pad, round(y - 0.6 * h) + pad
    right, bottom = round(x + 1.6 * w) + pad, round(y + 1.8 * h) + pad
    return Head(padded[top:bottom, left:right].copy(), w)


def paste(frame: np.ndarray, head: Head, face_width: float, center_x: float) -> None:
    """`head` scaled to a face `face_width` wide, centred on `center_x`, cut by the edges."""
    scale = face_width / head.face_width
    small = cv2.resize(head.image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = small.shape[:2]
    left, top = round(center_x - w / 2), round(HEIGHT * 0.45 - h * 0.35)
    x0, y0 = max(0, left), max(0, top)
    x1, y1 = min(WIDTH, left + w), min(HEIGHT, top + h)
    if x1 > x0 and y1 > y0:
        frame[y0:y1, x0:x1] = small[y0 - top : y1 - top, x0 - left : x1 - left]


def walk(enter_from: float, stand_at: float) -> list[tuple[float, float]]:
    """(face width, centre x) for each frame: in from an edge small and growing, standing a
    while, then out through the same edge."""
    steps: list[tuple[float, float]] = []
    for i in range(7):  # walking in: 60 px wide at the edge, 130 px where they stand
        t = i / 6
        steps.append((60 + 70 * t, enter_from + (stand_at - enter_from) * t))
    steps += [(130.0, stand_at)] * 10  # standing in front of the kiosk
    for i in range(1, 6):  # walking out
        t = i / 5
        steps.append((130 - 50 * t, stand_at + (enter_from - stand_at) * t))
    return steps


def real_photos_video(path: Path, groups: list[list[Head]]) -> None:
    """Each group walks in together (one from the left, one from the right), stands and
    leaves; empty room before, between and after."""
    empty = np.full((HEIGHT, WIDTH, 3), BACKGROUND, dtype=np.uint8)
    frames = [empty.copy() for _ in range(3)]
    for group in groups:
        paths = [walk(30, 200), walk(WIDTH - 30, WIDTH - 200)][: len(group)]
        if len(group) == 1:
            paths = [walk(30, WIDTH / 2)]
        for steps in zip(*paths):
            frame = empty.copy()
            for head, (face_width, center_x) in zip(group, steps):
                paste(frame, head, face_width, center_x)
            frames.append(frame)
        frames += [empty.copy() for _ in range(4)]
    write_video(path, frames)


def not_open_today(now: datetime, meeting: dict[str, str]) -> dict[str, str]:
    """A meeting in the same room, on the same local day, that is not open now: later today
    when there is time left, else earlier today."""
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    local = now.astimezone(zone)
    later = local + timedelta(hours=3)
    if later.date() == local.date() and later + timedelta(minutes=30) < local.replace(
        hour=23, minute=59
    ):
        start, end = later, later + timedelta(minutes=30)
    else:
        start, end = local - timedelta(hours=3), local - timedelta(hours=2)
    return {
        **meeting,
        "title": "Họp chi bộ",
        "starts_at": start.isoformat(),
        "ends_at": end.isoformat(),
    }


def test_kiosk_checks_in_exactly_the_invited_people_from_real_photos(
    database_url: str, start_server: StartServer, tmp_path: Path, model_cache: Path
) -> None:
    if not PEOPLE_DIR.is_dir():
        pytest.skip(f"no real photos: {PEOPLE_DIR} is absent")
    everyone = (*INVITED, NOT_INVITED, *STRANGERS)
    chosen = {name: photos(name) for name in everyone}
    server = start_server(database_url, TOKEN)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    heads: dict[str, Head] = {}
    ids: dict[str, int] = {}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as api:
        for name in everyone:  # the second photo (sorted) goes into the video
            shown = read_small(chosen[name][1])
            heads[name] = cut_head(shown, largest_face(api, shown))
        for name in (*INVITED, NOT_INVITED):  # the first photo (sorted) is enrolled
            enrolled = read_small(chosen[name][0])
            x, y, w, h = largest_face(api, enrolled)
            portrait = enrolled[
                max(0, round(y - h)) : round(y + 2 * h), max(0, round(x - w)) : round(x + 2 * w)
            ]
            full_name = name.replace("_", " ")
            person = ok(api.post("/api/v1/people", json={"full_name": full_name}), 201)
            files = {"file": ("portrait.jpg", encode(portrait), "image/jpeg")}
            consent = {"given_by": full_name, "relation": "self", "purposes": ["meetings"]}
            consent["method"] = "paper_form"
            ok(api.post(f"/api/v1/people/{person['id']}/consents", json=consent), 201)
            ok(api.post(f"/api/v1/people/{person['id']}/photos", files=files), 201)
            ids[name] = person["id"]
        kiosk_token = ok(
            api.post("/api/v1/kiosk-tokens", json={"name": "cửa-1", "room": ROOM}), 201
        )["token"]
        now = datetime.now(timezone.utc)
        meeting = {
            "title": "Họp giao ban",
            "room": ROOM,
            "starts_at": (now - timedelta(minutes=5)).isoformat(),
            "ends_at": (now + timedelta(hours=2)).isoformat(),
        }
        meeting_id = ok(api.post("/api/v1/meetings", json=meeting), 201)["id"]
        roster = sorted(ids[name] for name in INVITED)
        ok(api.put(f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": roster}))
        # She is invited to another meeting in this room today, not to the open one: the
        # kiosk knows her face, and must say she is not on this meeting's list.
        other = ok(api.post("/api/v1/meetings", json=not_open_today(now, meeting)), 201)["id"]
        ok(
            api.put(
                f"/api/v1/meetings/{other}/participants", json={"person_ids": [ids[NOT_INVITED]]}
            )
        )

    video = tmp_path / "real-photos.avi"
    groups = [
        [heads["Angelina_Jolie"]],
        [heads["Katy_Perry"], heads["Barack_Obama"]],
        [heads[NOT_INVITED]],
        [heads["Mark_Zuckerberg"], heads["Jack_Dorsey"]],
    ]
    real_photos_video(video, groups)
    outbox = tmp_path / "outbox.sqlite"
    done = subprocess.run(
        kiosk_command(server.url, kiosk_token, video, outbox),
        cwd=tmp_path,
        env=kiosk_env(model_cache),
        capture_output=True,
        text=True,
        timeout=KIOSK_SECONDS,
    )
    (tmp_path / "kiosk-stderr.txt").write_text(done.stderr)
    assert done.returncode == 0, done.stderr[-3000:]
    arrived = arrivals(database_url, meeting_id)
    assert arrived == roster, done.stderr[-3000:]  # once each: arrivals lists every event
    assert ids[NOT_INVITED] not in arrived
    assert arrived_events(database_url) == 3  # nobody else, in any meeting
    assert outbox_states(outbox) == {"sent": 3}
    # Invited to the other meeting only: told she is not on this one's list, not checked in.
    assert f"person {ids[NOT_INVITED]} is on no open meeting's list" in done.stderr
    for name in INVITED:
        assert f"person {ids[name]} is on no open" not in done.stderr
