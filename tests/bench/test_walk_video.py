"""The kiosk benchmark's video: frame count, who is in view, pairs on both sides; identities."""

from __future__ import annotations

import numpy as np
import pytest

from bench.walk_video import (
    BACKGROUND,
    FACES_DIR,
    FPS,
    HEIGHT,
    WIDTH,
    Head,
    groups_of,
    pick_identities,
    shown_at,
    walk_video,
)


def solid_head(value: int) -> Head:
    return Head(np.full((200, 160, 3), value, dtype=np.uint8), face_width=70.0)


def test_each_group_walks_in_stands_and_leaves_with_the_room_empty_between() -> None:
    heads = {"a": solid_head(10), "b": solid_head(200), "c": solid_head(250)}
    video = walk_video(heads, [["a"], ["b", "c"]], stand_s=1.0, gap_frames=4)
    per_group = 7 + round(1.0 * FPS) + 5
    assert len(video.frames) == len(video.in_view) == 3 + 2 * (per_group + 4)
    assert all(f.shape == (HEIGHT, WIDTH, 3) and f.dtype == np.uint8 for f in video.frames)
    assert video.in_view[:3] == [(), (), ()]
    assert video.in_view[3 : 3 + per_group] == [("a",)] * per_group
    assert video.in_view[3 + per_group : 7 + per_group] == [()] * 4
    assert all((video.frames[i] == BACKGROUND).all() for i in range(3 + per_group, 7 + per_group))
    standing = 7 + per_group + 7 + 10  # the pair, in the middle of standing
    assert video.in_view[standing] == ("b", "c")
    frame = video.frames[standing]
    assert (frame[HEIGHT // 2, 200] == 200).all()  # the one who came in from the left
    assert (frame[HEIGHT // 2, WIDTH - 200] == 250).all()
    assert not (frame[:, : WIDTH // 4] == 250).any() and not (frame[:, -WIDTH // 4 :] == 200).any()
    face = 130.0  # wide, where they stand
    assert shown_at(video, standing, (200 - face / 2, 100, face, face)) == "b"
    assert shown_at(video, standing, (440 - face / 2 + 10, 100, face - 10, face)) == "c"
    assert shown_at(video, standing, (300, 100, 30, 30)) == "(background)"
    assert shown_at(video, standing, (170, 100, 40, 40)) == "(background)"  # too small for b
    assert shown_at(video, 0, (300, 100, face, face)) == "(nobody)"


def test_groups_are_alone_and_in_pairs_by_turns_and_repeatable() -> None:
    names = [f"p{i}" for i in range(8)]
    groups = groups_of(names, seed=3)
    assert [len(g) for g in groups] == [1, 2, 1, 2, 1, 1]
    assert sorted(n for g in groups for n in g) == names
    assert groups == groups_of(names, seed=3)


def test_identities_show_a_different_photo_than_the_one_enrolled() -> None:
    if not (FACES_DIR / "lfw-dev.csv").is_file():
        pytest.skip(f"no real photos: {FACES_DIR} is absent")
    identities = pick_identities(FACES_DIR, lfw_count=5, seed=7)
    assert identities == pick_identities(FACES_DIR, lfw_count=5, seed=7)
    assert len({i.name for i in identities}) == len(identities)
    assert all(i.enroll_photo != i.shown_photo for i in identities)
    assert all(i.enroll_photo.is_file() and i.shown_photo.is_file() for i in identities)
