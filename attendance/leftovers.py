"""Data that earlier versions kept in the current folder (./data, ./keys), found and named.

Before the data folder (attendance/data_dir.py) the database, the model packs and a
kiosk's outbox lived in ./data of whatever folder a command ran in, and the master key in
./keys. Such a folder is not used any more, and must not be ignored in silence: each
finding is a warning, in both languages, that says how to keep using it.
"""

from __future__ import annotations

from pathlib import Path

from attendance.data_dir import DB_FILE, KEY_FILE, OUTBOX_FILE, describe_database, sqlite_file
from attendance.settings import Settings

OLD_DATA = Path("data")
OLD_KEY = Path("keys") / KEY_FILE


def _unused(old: Path, current: Path | None) -> bool:
    return old.exists() and (current is None or old.resolve() != current.resolve())


def _here(cwd: Path | None) -> Path:
    return (cwd or Path.cwd()).absolute()


def old_database(settings: Settings, cwd: Path | None = None) -> str | None:
    old = _here(cwd) / OLD_DATA / DB_FILE
    if not _unused(old, sqlite_file(settings.db_url)):
        return None
    folder, using = old.parent, describe_database(settings.db_url)
    return (
        f"Thư mục này có cơ sở dữ liệu cũ {old}, nhưng lệnh này dùng {using}. Để dùng tiếp "
        f"dữ liệu cũ: đặt ATTEND_DATA_DIR={folder}, hoặc dừng máy chủ rồi chuyển các tệp trong "
        f"{folder} vào {settings.data_dir}. "
        f"This folder holds an older database, {old}, but this command uses {using}. To "
        f"keep using it, set ATTEND_DATA_DIR={folder}, or stop the server and move the files "
        f"in {folder} to {settings.data_dir}."
    )


def old_models(settings: Settings, cwd: Path | None = None) -> str | None:
    old, current = _here(cwd) / OLD_DATA / "models", settings.models.dir
    if not _unused(old, current) or not old.is_dir() or not any(old.iterdir()):
        return None
    return (
        f"Các gói mô hình trong {old} không được dùng; mô hình được tìm ở {current}: chuyển "
        f"chúng sang đó hoặc đặt ATTEND_MODELS__DIR. "
        f"The model packs in {old} are not used; models are looked for in {current}: move "
        f"them there or set ATTEND_MODELS__DIR."
    )


def old_key(settings: Settings, cwd: Path | None = None) -> str | None:
    old, current = _here(cwd) / OLD_KEY, settings.secret_key_file
    if settings.secret_key is not None or not _unused(old, current):
        return None
    return (
        f"Có khóa chính cũ {old}; khóa đang dùng là {current}. Phiếu kín của cuộc biểu quyết "
        f"còn mở chỉ mở được bằng khóa cũ: chuyển tệp đó sang {current} hoặc đặt "
        f"ATTEND_SECRET_KEY_FILE={old}. "
        f"An older master key is at {old}; the key in use is {current}. Secret ballots of a "
        f"poll still open need the old one: move it to {current} or set "
        f"ATTEND_SECRET_KEY_FILE={old}."
    )


def old_outbox(outbox: Path, cwd: Path | None = None) -> str | None:
    old = _here(cwd) / OLD_DATA / OUTBOX_FILE
    if not _unused(old, outbox):
        return None
    return (
        f"Hộp thư chờ cũ {old} có thể còn lượt điểm danh chưa gửi; kiosk này dùng {outbox}. "
        f"Chạy kiosk một lần với --outbox {old} để gửi nốt. "
        f"An older outbox, {old}, may still hold check-ins not yet delivered; this kiosk "
        f"uses {outbox}. Run the kiosk once with --outbox {old} to deliver them."
    )


def server_leftovers(settings: Settings, cwd: Path | None = None) -> list[str]:
    """What the server and the command line warn of: database, model packs, master key."""
    found = (old_database(settings, cwd), old_models(settings, cwd), old_key(settings, cwd))
    return [warning for warning in found if warning]


def kiosk_leftovers(settings: Settings, outbox: Path, cwd: Path | None = None) -> list[str]:
    """What a kiosk warns of: its model packs and its outbox."""
    found = (old_models(settings, cwd), old_outbox(outbox, cwd))
    return [warning for warning in found if warning]
