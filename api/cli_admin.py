"""Administration commands: model packs, the database schema, kiosk tokens."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from api.cli_support import console, database_in_use, domain_refusal, local_services
from attendance.settings import get_settings

models_app = typer.Typer(help="Model packs: list and verify.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
kiosk_token_app = typer.Typer(help="Kiosk tokens: create, list, revoke.", no_args_is_help=True)


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
    from usecases.pipeline import load_pipeline, pack_options

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
        console.print(f"[red]{exc}")
        raise typer.Exit(1) from exc
    console.print(f"loaded {pipeline.identity.key}")
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
    room: Annotated[str, typer.Option(help="The room whose meetings it serves.")],
) -> None:
    """Issue a kiosk token (printed once): it reads its room's gallery and posts check-ins."""
    from attendance.db import unit_of_work
    from attendance.errors import DomainError
    from attendance.tokens import create_kiosk_token

    services = local_services()
    try:
        with unit_of_work(services.sessions) as session:
            row, token = create_kiosk_token(session, name=name, room=room)
    except DomainError as exc:
        console.print(f"[red]{exc.message}")
        raise typer.Exit(2) from exc
    console.print(
        f"Kiosk #{row.id} {row.name!r}, phòng / room {row.room!r}. "
        "Mã (chỉ hiện một lần) / token (shown once):"
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
