"""`attendance backup`, `attendance restore`, `attendance db copy`: the commands over
attendance/backup.py, attendance/restore.py and attendance/db_copy.py."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from api.cli_admin import db_app
from api.cli_support import console, database_in_use, domain_refusal, require_database, warn
from attendance.errors import DomainError
from attendance.settings import Settings, get_settings

logger = logging.getLogger(__name__)


def _key_files(settings: Settings) -> tuple[Path, ...]:
    """The key files in use (a key given in the environment itself has no file to copy)."""
    files = []
    if settings.key is None:
        files.append(settings.key_file)
    if settings.secret_key is None:
        files.append(settings.secret_key_file)
    return tuple(files)


def backup_command(
    path: Annotated[Path, typer.Argument(help="A new folder to write the backup into.")],
    force: Annotated[
        bool,
        typer.Option(help="Replace PATH when it exists and is a backup (never another folder)."),
    ] = False,
    with_keys: Annotated[
        bool,
        typer.Option(
            help="Also copy the key files (templates.key, attendance.key) into PATH/keys: "
            "whoever has the backup can then read the faces. Keep such a backup as safe as "
            "the keys."
        ),
    ] = False,
) -> None:
    """A consistent copy of the database while the server runs (SQLite's online backup,
    pg_dump for PostgreSQL), with manifest.json naming what it holds and the keys it needs."""
    from attendance.backup import backup

    settings = get_settings()
    require_database(settings)
    keys = _key_files(settings) if with_keys else ()
    try:
        manifest = backup(
            settings.db_url,
            path,
            force=force,
            key_files=keys,
            documents_dir=settings.documents.dir,
        )
    except DomainError as exc:
        raise domain_refusal(exc, settings) from exc
    size = f"{manifest.bytes / 1e6:.1f} MB"
    console.print(f"Đã sao lưu vào {path} ({size}). Backed up to {path} ({size}).", soft_wrap=True)
    console.print(manifest.describe(), soft_wrap=True)
    if manifest.keys_included:
        names = ", ".join(manifest.keys_included)
        warn(
            f"Bản sao lưu này CÓ KÈM khóa ({names}): ai có nó đọc được mẫu khuôn mặt. "
            f"This backup HOLDS the keys ({names}): whoever has it can read the face templates."
        )
    else:
        console.print(
            "Không kèm khóa: khôi phục cần tệp khóa (ATTEND_KEY_FILE) có các khóa trên, giữ "
            "riêng. No keys included: a restore needs the key file (ATTEND_KEY_FILE) holding "
            "the keys above, kept apart.",
            soft_wrap=True,
        )
    if manifest.open_secret_polls:
        console.print(
            f"{manifest.open_secret_polls} cuộc biểu quyết kín đang mở: phiếu của chúng cần "
            f"khóa ATTEND_SECRET_KEY_FILE. {manifest.open_secret_polls} secret polls are open: "
            "their ballots need the ATTEND_SECRET_KEY_FILE key.",
            soft_wrap=True,
        )


def restore_command(
    path: Annotated[
        Path, typer.Argument(exists=True, file_okay=False, help="A folder `backup` wrote.")
    ],
    force: Annotated[
        bool, typer.Option(help="Replace a database that holds data (stop the server first).")
    ] = False,
    trust_unsigned: Annotated[
        bool,
        typer.Option(
            help="Restore a backup this installation's secret key did not sign (another "
            "installation's): only one you trust, its content is not checked for tampering."
        ),
    ] = False,
) -> None:
    """Bring a backup back into the configured database (stop the server first; refused while
    one runs): refused when it holds data unless --force, or when this installation did not
    sign it unless --trust-unsigned; checked (integrity, audit chain, row counts, schema)
    before it replaces anything."""
    from attendance.restore import restore

    settings = get_settings()
    if trust_unsigned:
        warn(
            "--trust-unsigned: chữ ký của manifest.json không được kiểm tra; chỉ dùng với bản "
            "sao lưu chắc chắn đáng tin. The manifest's signature is not checked; use only "
            "with a backup you surely trust."
        )
    try:
        report = restore(
            settings.db_url,
            path,
            force=force,
            trust_unsigned=trust_unsigned,
            documents_dir=settings.documents.dir,
        )
    except DomainError as exc:
        raise domain_refusal(exc, settings) from exc
    console.print(
        f"Đã khôi phục {path}. Restored {path}. {database_in_use(settings)}", soft_wrap=True
    )
    console.print(report.manifest.describe(), soft_wrap=True)
    console.print(
        f"integrity_check: {report.integrity}; chuỗi nhật ký nguyên vẹn đến mục "
        f"{report.audit_entries} / audit chain intact to entry {report.audit_entries}; "
        f"revision {report.revision}.",
        soft_wrap=True,
    )
    console.print(
        f"Tài liệu: {report.documents} tệp ghi vào {settings.documents.dir}, "
        f"{report.documents_removed} tệp cũ không còn dùng đã xóa. Documents: "
        f"{report.documents} files written into {settings.documents.dir}, "
        f"{report.documents_removed} old unused files removed.",
        soft_wrap=True,
    )
    _warn_missing_keys(settings, set(report.manifest.template_keys), path)


def _warn_missing_keys(settings: Settings, needed: set[str], path: Path) -> None:
    from attendance.template_crypto import TemplateKeys

    try:
        held = set(TemplateKeys.from_settings(settings).keyset().secrets)
    except DomainError as exc:
        warn(exc.message)
        return
    missing = sorted(needed - held)
    if missing:
        warn(
            f"Tệp khóa đang cấu hình không có khóa {', '.join(missing)}: mẫu khuôn mặt chưa đọc "
            f"được cho đến khi có (bản sao tệp khóa, hoặc {path / 'keys'} nếu đã sao kèm). "
            f"The configured key file lacks key(s) {', '.join(missing)}: face templates cannot "
            f"be read until it has them (the key file's backup, or {path / 'keys'} if included)."
        )


@db_app.command("copy")
def db_copy(
    to: Annotated[
        str, typer.Option("--to", help="An empty PostgreSQL database: postgresql://user@host/db.")
    ],
) -> None:
    """Copy the configured SQLite database, every table, into an empty PostgreSQL database
    (stop the server first); then point ATTEND_DB_URL at it. The documents folder is not
    copied: its files stay where they are (ATTEND_DOCUMENTS__DIR, in the data folder)."""
    from attendance.db_copy import copy_database
    from attendance.migrate import upgrade

    settings = get_settings()
    require_database(settings)
    try:
        upgrade(settings.db_url)
        report = copy_database(settings.db_url, to)
    except DomainError as exc:
        raise domain_refusal(exc, settings) from exc
    rows = sum(report.rows.values())
    tables = sum(1 for n in report.rows.values() if n)
    console.print(
        f"Đã chép {rows} dòng ({tables} bảng có dữ liệu), chuỗi nhật ký nguyên vẹn "
        f"({report.audit_entries} mục), revision {report.revision}. Copied {rows} rows "
        f"({tables} tables with data), audit chain intact ({report.audit_entries} entries). "
        "Đặt / set ATTEND_DB_URL=postgresql+psycopg://... và khởi động lại / and restart.",
        soft_wrap=True,
    )
    folder = settings.documents.dir
    console.print(
        f"Tệp tài liệu ({report.documents} tệp) KHÔNG được chép: chúng ở nguyên {folder}, "
        "máy chủ dùng PostgreSQL vẫn đọc chúng ở đó (cùng thư mục dữ liệu). Nếu máy chủ chạy "
        "trên máy khác, hoặc nhiều máy: chép thư mục này sang, mọi máy dùng cùng một thư mục. "
        f"Document files ({report.documents}) were NOT copied: they stay in {folder}, where "
        "the server on PostgreSQL reads them (the same data folder). If the server runs on "
        "another machine, or on several: move this folder along; every machine uses the same "
        "folder.",
        soft_wrap=True,
    )
