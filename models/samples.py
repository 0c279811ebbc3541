"""Sample images shipped with insightface: the group photo the demo and benchmarks use."""

from __future__ import annotations

from pathlib import Path

import insightface


def group_photo() -> Path:
    """insightface's t1.jpg: six people in a row, 1280x886."""
    return Path(insightface.__file__).parent / "data" / "images" / "t1.jpg"
