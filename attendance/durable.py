"""Writes that survive a power cut: a file's bytes, or a rename in a folder, are on the disk
only once fsynced. One place for the backups, the restore and the documents folder."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(path: Path) -> None:
    """A rename (or a file moved in) is durable once its folder is synced."""
    fsync_file(path)
