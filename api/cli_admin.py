"""Administration commands: model packs, the database schema, kiosk tokens, staff accounts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cli_support import console, database_in_use, domain_refusal, local_services
from attendance.settings import Settings, get_settings

models_app = typer.Typer(help="Model packs: list and verify.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
kiosk_token_app = typer.Typer(help="Kiosk tokens: create, list, revoke.", no_args_is_help=True)
admin_app = typer.Typer(
    help="Staff accounts: create the first admin, list, reset a password.", no_args_is_help=True
)
# Who the audit log names for what is done here: whoever has the server's machine.
CLI_ACTOR = "command line"


@models_app.command("list")
def models_list() -> None:
    """The model packs, whether their files are present, and which one is configured."""
    from models.packs import PACKS, describe_pack_files
    from usecases.pipeline import pack_options

    settings = get_settings()
    options = pack_options(settings)
    table = Table()
    for column in ("pack", "configured", "files", "present"):
        table.add_column(column)
    for pack in PACKS:
        files = describe_pack_files(pack, options)
        table.add_row(
            pack,
            "*" if pack == settings.models.pack else "",
            "\n".join(str(p) for p, _, _ in files),
            "yes" if all(ok for _, _, ok in files) else "no",
        )
    console.print(table)


@models_app.command("verify")
def models_verify(
    pack: Annotated[
        str | None, typer.Argument(help="Pack to verify (default: configured).")
    ] = None,
) -> None:
    """Check the pack's file hashes, load it, and run it once on a test image."""
    from models.packs import ModelPackError, describe_pack_files, verify_file
    from usecases.pipeline import load_pipeline, pack_options, second_opinion_state

    settings = get_settings()
    if pack:
        settings = settings.model_copy(
            update={"models": settings.models.model_copy(update={"pack": pack})}
        )
    name = settings.models.pack
    ok = True
    for path, expected, present in describe_pack_files(name, pack_options(settings)):
        if not present:
            console.print(f"[red]missing[/] {path}")
            ok = False
            continue
        good, actual = verify_file(path, expected)
        ok &= good
        console.print(f"{'[green]ok[/]' if good else '[red]SHA-256 mismatch[/]'} {path} {actual}")
    try:
        pipeline = load_pipeline(settings)
    except ModelPackError as exc:
        # The message holds install hints such as "pip install -e '.[accurate]'": not markup.
        console.print(
            f"Không nạp được gói mô hình {name}: {exc} The model pack {name} cannot be loaded: "
            f"{exc}",
            style="red",
            soft_wrap=True,
            markup=False,
        )
        raise typer.Exit(1) from exc
    console.print(f"loaded {pipeline.identity.key}")
    state = second_opinion_state(settings, pipeline)
    console.print(state.text, soft_wrap=True, markup=False)
    console.print(
        "(theo cấu hình và biến môi trường của shell này, không phải của máy chủ đang chạy: "
        "xem attendance_second_opinion_enabled ở /metrics của máy chủ / "
        "from this shell's configuration and environment, not a running server's: see "
        "attendance_second_opinion_enabled on the server's /metrics)",
        soft_wrap=True,
        markup=False,
    )
    if state.on and pipeline.second is not None:
        missing = _missing_second(settings, pipeline.identity.key, pipeline.second.identity.key)
        if missing:
            console.print(missing, soft_wrap=True, markup=False)
    if not ok:
        raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply database migrations (Alembic) up to REVISION."""
    from attendance.migrate import upgrade

    settings = get_settings()
    upgrade(settings.db_url, revision)
    console.print(f"{database_in_use(settings)} Revision: {revision}.", soft_wrap=True)


@kiosk_token_app.command("create")
def kiosk_token_create(
    name: Annotated[str, typer.Option(help="A name for the kiosk, unique.")],
    room: Annotated[str | None, typer.Option(help="The room whose meetings it serves.")] = None,
    gate: Annotated[
        str | None,
        typer.Option(help="Instead of a room: the school whose gate it serves (students in/out)."),
    ] = None,
) -> None:
    """Issue a kiosk token (printed once): it reads its room's gallery and posts check-ins, or
    (--gate) its school's students of the day and their arrivals and departures at the gate."""
    from attendance.db import unit_of_work
    from attendance.errors import DomainError
    from attendance.tokens import create_kiosk_token

    services = local_services()
    try:
        with unit_of_work(services.sessions) as session:
            row, token = create_kiosk_token(session, name=name, room=room, gate=gate)
    except DomainError as exc:
        console.print(f"[red]{exc.message}")
        raise typer.Exit(2) from exc
    console.print(
        f"Kiosk #{row.id} {row.name!r}, "
        + (
            f"cổng trường / school gate {row.gate!r}. "
            if row.gate
            else f"phòng / room {row.room!r}. "
        )
        + "Mã (chỉ hiện một lần) / token (shown once):"
    )
    typer.echo(token)


@kiosk_token_app.command("list")
def kiosk_token_list() -> None:
    """Every token: id, name, role, room, revoked or not (never the token itself)."""
    from attendance.tokens import list_tokens

    services = local_services(create=False)
    table = Table()
    for column in ("id", "name", "role", "room", "revoked"):
        table.add_column(column)
    with services.sessions() as session:
        for row in list_tokens(session):
            revoked = row.revoked_at.isoformat(timespec="seconds") if row.revoked_at else ""
            table.add_row(str(row.id), row.name, row.role, row.room or "", revoked)
    console.print(table)


@kiosk_token_app.command("revoke")
def kiosk_token_revoke(token_id: Annotated[int, typer.Argument()]) -> None:
    """Revoke a kiosk token: it stops working at once."""
    from attendance.db import unit_of_work
    from attendance.errors import DomainError
    from attendance.tokens import revoke_token

    services = local_services(create=False)
    try:
        with unit_of_work(services.sessions) as session:
            row = revoke_token(session, token_id=token_id)
            console.print(f"Đã thu hồi / revoked: #{row.id} {row.name!r}")
    except DomainError as exc:
        raise domain_refusal(exc, services.settings) from exc


def _read_password(password_file: Path | None) -> str:
    """From the file's first line, or typed twice (never echoed, never an argument)."""
    if password_file is not None:
        try:
            lines = password_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise typer.BadParameter(f"{password_file}: {exc.strerror}") from exc
        return lines[0] if lines else ""
    password: str = typer.prompt(
        "Mật khẩu / Password",
        hide_input=True,
        confirmation_prompt="Nhập lại mật khẩu / Repeat the password",
    )
    return password


@admin_app.command("create")
def admin_create(
    username: Annotated[str, typer.Argument(help="3-64 of a-z, 0-9, '.', '_', '-'.")],
    display_name: Annotated[str, typer.Option(help="The name pages and the log show.")] = "",
    role: Annotated[str, typer.Option(help="admin, secretary, teacher or viewer.")] = "admin",
    password_file: Annotated[
        Path | None, typer.Option(help="Read the password from this file's first line.")
    ] = None,
) -> None:
    """Create a staff account (the first admin); asks for the password twice."""
    from attendance.db import unit_of_work
    from attendance.errors import DomainError
    from attendance.staff.accounts import create_account

    password = _read_password(password_file)
    services = local_services()
    try:
        with unit_of_work(services.sessions) as session:
            account = create_account(
                session,
                username=username,
                display_name=display_name,
                role=role,
                password=password,
                actor=CLI_ACTOR,
            )
            console.print(
                f"Đã tạo tài khoản / account created: #{account.id} {account.username!r} "
                f"({account.role})"
            )
    except DomainError as exc:
        raise domain_refusal(exc, services.settings) from exc


@admin_app.command("list")
def admin_list() -> None:
    """Every staff account: id, username, name, role, disabled or not."""
    from attendance.staff.accounts import list_accounts

    services = local_services(create=False)
    table = Table()
    for column in ("id", "username", "display name", "role", "disabled"):
        table.add_column(column)
    with services.sessions() as session:
        for account in list_accounts(session):
            off = account.disabled_at.isoformat(timespec="seconds") if account.disabled_at else ""
            table.add_row(
                str(account.id), account.username, account.display_name, account.role, off
            )
    console.print(table)


@admin_app.command("reset-password")
def admin_reset_password(
    username: Annotated[str, typer.Argument()],
    password_file: Annotated[
        Path | None, typer.Option(help="Read the password from this file's first line.")
    ] = None,
) -> None:
    """Set a new password (a locked-out admin's way back): ends the account's sessions and
    lifts a lock from wrong passwords."""
    from attendance.db import unit_of_work
    from attendance.errors import DomainError, NotFound
    from attendance.staff.accounts import find_account, update_account

    password = _read_password(password_file)
    services = local_services(create=False)
    try:
        with unit_of_work(services.sessions) as session:
            account = find_account(session, username=username)
            if account is None:
                raise NotFound(f"Không có tài khoản {username!r}. No account named {username!r}.")
            update_account(session, account_id=account.id, actor=CLI_ACTOR, password=password)
            console.print(
                f"Đã đặt mật khẩu mới / password set: {account.username!r}; "
                "các phiên đăng nhập đã kết thúc / its sessions have ended."
            )
    except DomainError as exc:
        raise domain_refusal(exc, services.settings) from exc


def _missing_second(settings: Settings, primary_key: str, second_key: str) -> str:
    """The warning about faces without a second-model template in the configured database;
    empty when there are none or the database cannot be read (verify checks the models)."""
    from sqlalchemy.exc import SQLAlchemyError

    from attendance.data_dir import sqlite_file
    from attendance.db import make_engine, make_session_factory
    from enrollment.second_templates import count_missing_second

    path = sqlite_file(settings.db_url)
    if path is not None and not path.exists():
        return ""  # no database yet: nothing enrolled, and verify creates none
    engine = make_engine(settings.db_url)
    try:
        with make_session_factory(engine)() as session:
            missing = count_missing_second(session, primary_key=primary_key, second_key=second_key)
    except SQLAlchemyError:
        return ""
    finally:
        engine.dispose()
    return missing.warning()
