"""The `attendance` command line."""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from api.services import Services
from attendance.settings import get_settings

app = typer.Typer(
    help="Điểm danh bằng khuôn mặt / Face-recognition attendance.", no_args_is_help=True
)
models_app = typer.Typer(help="Model packs: list and verify.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
kiosk_token_app = typer.Typer(help="Kiosk tokens: create, list, revoke.", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(db_app, name="db")
app.add_typer(kiosk_token_app, name="kiosk-token")
console = Console()


def _setup_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Start the API server (migrates the database first)."""
    import uvicorn

    from api.app import create_app

    settings = get_settings()
    # The address it listens on is also where voting links point, unless ATTEND_PUBLIC_URL says.
    settings = settings.model_copy(
        update={"host": host or settings.host, "port": port or settings.port}
    )
    _setup_logging()
    if settings.public_url is None and settings.host in ("0.0.0.0", "::"):
        logging.getLogger(__name__).warning(
            "ATTEND_PUBLIC_URL is not set: voting links will name %s, which phones cannot open",
            settings.host,
        )
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="info",
        # Live-board streams would otherwise hold a shutdown open until they end.
        timeout_graceful_shutdown=5,
    )


@app.command()
def kiosk(
    server: Annotated[str, typer.Option(help="The attendance server, e.g. http://10.0.0.5:8000.")],
    token: Annotated[str, typer.Option(envvar="ATTEND_KIOSK_TOKEN", help="This kiosk's token.")],
    source: Annotated[
        str, typer.Option(help="Camera index, RTSP/HTTP URL, video file or folder of images.")
    ],
    room: Annotated[str | None, typer.Option(help="Room (only with an admin token).")] = None,
    outbox: Annotated[
        Path, typer.Option(help="Check-ins waiting for the server are kept in this file.")
    ] = Path("./data/kiosk-outbox.sqlite"),
    name: Annotated[
        str | None, typer.Option(help="This kiosk's name in idempotency keys (default: host).")
    ] = None,
    frame_interval: Annotated[
        float,
        typer.Option(
            min=0.0,
            help="Seconds between frames of a video file or folder (tests, demos); "
            "ignored for cameras and streams.",
        ),
    ] = 0.0,
    listen: Annotated[
        str,
        typer.Option(help="HOST:PORT of the kiosk's local page and /metrics; 0 turns it off."),
    ] = "127.0.0.1:8765",
) -> None:
    """Run a camera kiosk: recognise faces and check people in to today's meetings."""
    import socket

    from kiosk.command import run_kiosk

    _setup_logging()
    status = run_kiosk(
        get_settings(),
        server=server,
        token=token,
        source=source,
        room=room,
        outbox_path=outbox,
        name=name or socket.gethostname(),
        frame_interval_s=frame_interval,
        listen=listen,
    )
    raise typer.Exit(status)


@app.command()
def demo() -> None:
    """A one-minute tour without a camera: server, six people, a meeting, a kiosk on a video."""
    from api.demo import run_demo

    # Warnings only: the demo's own lines are the story; the server's and kiosk's logs are not.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    raise typer.Exit(run_demo(get_settings(), console))


def _local_services() -> Services:
    from attendance.db import make_engine, make_session_factory
    from attendance.migrate import upgrade

    settings = get_settings()
    upgrade(settings.db_url)
    engine = make_engine(settings.db_url)
    return Services(settings=settings, engine=engine, sessions=make_session_factory(engine))


@app.command()
def enroll(
    directory: Annotated[
        Path, typer.Argument(exists=True, file_okay=False, help="One sub-folder per person.")
    ],
) -> None:
    """Enroll people from a folder: each sub-folder's name is the person's full name."""
    from enrollment.folder import enroll_folder, find_photos

    photos = find_photos(directory)
    if not photos:
        console.print(f"[red]Không có ảnh nào trong {directory}. No photos found in {directory}.")
        raise typer.Exit(1)
    services = _local_services()
    rejected = []
    enrolled = 0
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()
    )
    with progress:
        task = progress.add_task("Đăng ký / Enrolling", total=len(photos))
        for result in enroll_folder(
            photos,
            sessions=services.sessions,
            pipeline=services.pipeline,
            gallery_cache=services.gallery,
            settings=services.settings,
        ):
            progress.advance(task)
            if result.ok:
                enrolled += 1
            else:
                rejected.append(result)
    people = len({name for name, _ in photos})
    console.print(
        f"Đã nhận {enrolled}/{len(photos)} ảnh của {people} người. "
        f"Accepted {enrolled}/{len(photos)} photos of {people} people."
    )
    if rejected:
        table = Table(title="Ảnh bị từ chối / Rejected photos")
        for column in ("Người / Person", "Ảnh / Photo", "Lý do / Reason", "Chi tiết / Detail"):
            table.add_column(column)
        for r in rejected:
            table.add_row(r.person, str(r.path.relative_to(directory)), r.reason, r.detail)
        console.print(table)
        counts = Counter(r.reason for r in rejected)
        console.print(", ".join(f"{reason}: {n}" for reason, n in counts.most_common()))


@app.command()
def identify(
    image: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    meeting: Annotated[
        int | None, typer.Option(help="Judge faces against this meeting's roster.")
    ] = None,
) -> None:
    """Identify the faces in an image (prints JSON, as the API's /identify answers)."""
    from api.convert import face_read
    from api.recognize import recognize_image
    from attendance.db import unit_of_work
    from attendance.errors import DomainError
    from models.images import ImageRejected

    services = _local_services()
    try:
        with unit_of_work(services.sessions) as session:
            faces = recognize_image(session, services, data=image.read_bytes(), meeting_id=meeting)
            out = [face_read(f).model_dump() for f in faces]
    except (DomainError, ImageRejected) as exc:
        console.print(f"[red]{exc}")
        raise typer.Exit(2) from exc
    typer.echo(json.dumps({"faces": out}, ensure_ascii=False, indent=2))


@app.command()
def export(
    meeting: Annotated[int, typer.Argument(help="The meeting's id.")],
    format: Annotated[str, typer.Option("--format", "-f", help="xlsx, csv or pdf.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help="File to write (default: named after the meeting).",
        ),
    ] = None,
) -> None:
    """Export a meeting's attendance (XLSX, CSV) or its report with draft minutes (PDF)."""
    from attendance.errors import DomainError
    from attendance.exports.service import export_meeting

    services = _local_services()
    try:
        with services.sessions() as session:
            exported = export_meeting(
                session, meeting_id=meeting, format=format, zone=services.settings.timezone
            )
    except DomainError as exc:
        console.print(f"[red]{exc.message}")
        raise typer.Exit(2) from exc
    # The ASCII name by default: it survives every file system, shell and zip tool.
    path = output or Path(exported.ascii_filename)
    try:
        path.write_bytes(exported.content)
    except OSError as exc:
        console.print(f"[red]Không ghi được tệp {path}: {exc.strerror}. Cannot write {path}.")
        raise typer.Exit(1) from exc
    console.print(f"Đã xuất cuộc họp {meeting} ra {path}. Exported meeting {meeting} to {path}.")


@models_app.command("list")
def models_list() -> None:
    """The model packs, whether their files are present, and which one is configured."""
    from api.services import pack_options
    from models.packs import PACKS, describe_pack_files

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
    from api.services import load_pipeline, pack_options
    from models.packs import ModelPackError, describe_pack_files, verify_file

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
    console.print(f"Database at {settings.db_url.split('@')[-1]} is at {revision}.")


@kiosk_token_app.command("create")
def kiosk_token_create(
    name: Annotated[str, typer.Option(help="A name for the kiosk, unique.")],
    room: Annotated[str, typer.Option(help="The room whose meetings it serves.")],
) -> None:
    """Issue a kiosk token (printed once): it reads its room's gallery and posts check-ins."""
    from attendance.db import unit_of_work
    from attendance.errors import DomainError
    from attendance.tokens import create_kiosk_token

    services = _local_services()
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

    services = _local_services()
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

    services = _local_services()
    try:
        with unit_of_work(services.sessions) as session:
            row = revoke_token(session, token_id=token_id)
            console.print(f"Đã thu hồi / revoked: #{row.id} {row.name!r}")
    except DomainError as exc:
        console.print(f"[red]{exc.message}")
        raise typer.Exit(2) from exc
