"""IoU tracking with fake boxes: a face keeps its track while it moves a little."""

from __future__ import annotations

import numpy as np

from kiosk.tracker import IouTracker, iou_matrix


def test_iou_of_identical_disjoint_and_half_overlapping_boxes() -> None:
    a = np.array([[0, 0, 10, 10]], dtype=np.float64)
    b = np.array([[0, 0, 10, 10], [20, 20, 10, 10], [5, 0, 10, 10]], dtype=np.float64)
    assert np.allclose(iou_matrix(a, b), [[1.0, 0.0, 50 / 150]])


def test_moving_faces_keep_their_tracks_and_a_new_face_gets_a_new_one() -> None:
    tracker = IouTracker()
    first = tracker.update([(0, 0, 100, 100), (300, 0, 100, 100)])
    assert len(set(first.track_ids)) == 2
    # Listed in the other order and shifted a little: each still follows its own track.
    second = tracker.update([(305, 4, 100, 100), (6, 3, 98, 98), (600, 0, 80, 80)])
    assert second.track_ids[:2] == [first.track_ids[1], first.track_ids[0]]
    assert second.track_ids[2] not in first.track_ids
    assert second.ended == []


def test_track_ends_after_too_many_missed_frames_and_a_return_is_a_new_track() -> None:
    tracker = IouTracker(max_missed=2)
    (track,) = tracker.update([(0, 0, 50, 50)]).track_ids
    assert tracker.update([]).ended == []
    assert tracker.update([]).ended == []
    assert tracker.update([]).ended == [track]
    (again,) = tracker.update([(0, 0, 50, 50)]).track_ids
    assert again != track


def test_two_boxes_never_share_a_track() -> None:
    tracker = IouTracker()
    (track,) = tracker.update([(0, 0, 100, 100)]).track_ids
    update = tracker.update([(2, 2, 100, 100), (4, 4, 100, 100)])
    assert track in update.track_ids and len(set(update.track_ids)) == 2
