"""`attendance keys`: the face template keyring: which keys seal how many rows, rotation."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer
from rich.table import Table

from api.cli_support import console, domain_refusal, local_services
from attendance.errors import DomainError

keys_app = typer.Typer(
    help="Khóa mã hóa mẫu khuôn mặt / face template keys: status, rotate.", no_args_is_help=True
)


@keys_app.command("status")
def keys_status() -> None:
    """Each key: its id, whether it is current, and how many templates it seals."""
    from attendance.template_crypto import keys_of
    from attendance.template_rotation import keys_in_use

    services = local_services(create=False)
    try:
        with services.sessions() as session:
            keys = keys_of(session)
            held = keys.keyset()
            in_use = keys_in_use(session)
    except DomainError as exc:
        raise domain_refusal(exc, services.settings) from exc
    table = Table()
    for column in ("key", "current", "templates", "held"):
        table.add_column(column)
    for key_id in sorted(set(held.secrets) | set(in_use)):
        table.add_row(
            key_id,
            "*" if key_id == held.current else "",
            str(in_use.get(key_id, 0)),
            "yes" if key_id in held.secrets else "[red]no[/]",
        )
    console.print(table)
    where = f"ATTEND_KEY_FILE {keys.path}" if keys.path is not None else "ATTEND_KEY"
    console.print(f"Khóa ở / keys in: {where}", soft_wrap=True)
    missing = {k: n for k, n in in_use.items() if k not in held.secrets and n}
    if missing:
        console.print(
            f"[red]{sum(missing.values())} mẫu khuôn mặt được mã hóa bằng khóa không có ở đây "
            f"({', '.join(sorted(missing))}): không đọc được chúng cho đến khi có khóa đó (bản "
            "sao lưu của tệp khóa cũ). "
            f"{sum(missing.values())} face templates are sealed under keys not held here: "
            "they cannot be read until that key is back (the old key file's backup).",
            soft_wrap=True,
        )
        raise typer.Exit(1)


@keys_app.command("rotate")
def keys_rotate(
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="Rows per transaction.")] = 500,
) -> None:
    """A new key becomes current, every template is sealed again under it in short
    transactions (a running server keeps serving), and old keys no row uses leave the file."""
    from attendance.template_crypto import keys_of
    from attendance.template_rotation import rotate_keys

    services = local_services(create=False)
    with services.sessions() as session:
        keys = keys_of(session)
    try:
        report = rotate_keys(services.sessions, keys, actor=f"cli:{getpass.getuser()}", batch=batch)
    except DomainError as exc:
        raise domain_refusal(exc, services.settings) from exc
    console.print(
        f"Khóa hiện hành / current key: {report.new_key}; "
        f"đã mã hóa lại / sealed again: {report.resealed}."
    )
    console.print(
        "[bold]Hãy sao lưu khóa mới ngay (riêng với dữ liệu), và giữ bản sao lưu của khóa cũ "
        "cùng các bản sao lưu cơ sở dữ liệu làm trước hôm nay: chúng cần khóa cũ. "
        "Back the new key up now (apart from the data), and keep the old key's backup with "
        "the database backups made before today: they need the old key.[/]",
        soft_wrap=True,
    )
    if report.dropped:
        gone = ", ".join(report.dropped)
        if keys.path is not None:
            console.print(f"Đã bỏ khóa cũ / old keys dropped from {keys.path}: {gone}.")
        else:
            console.print(
                f"Không còn mẫu nào dùng khóa {gone}: có thể bỏ khỏi ATTEND_KEY. "
                f"No template uses {gone} now: remove it from ATTEND_KEY."
            )
    if report.kept:
        console.print(
            f"[red]Còn mẫu hỏng dưới khóa cũ / damaged templates still under old keys: "
            f"{report.kept} (ids {report.damaged[:20]}); giữ khóa / keys kept.",
            soft_wrap=True,
        )
        raise typer.Exit(1)
