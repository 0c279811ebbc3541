"""The `attendance` command line."""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from api.cli_admin import admin_app, db_app, kiosk_token_app, models_app
from api.cli_audit import audit_app
from api.cli_backup import backup_command, restore_command
from api.cli_consent import Purpose, folder_consent
from api.cli_keys import keys_app
from api.cli_support import (
    console,
    database_in_use,
    domain_refusal,
    kiosk_outbox,
    local_services,
    refuse,
    setup_logging,
)
from api.cli_templates import templates_app
from attendance.leftovers import kiosk_leftovers, server_leftovers
from attendance.settings import Settings, get_settings

logger = logging.getLogger(__name__)

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

app = typer.Typer(
    help="Điểm danh bằng khuôn mặt / Face-recognition attendance.", no_args_is_help=True
)


@app.callback()
def _settings_readable() -> None:
    # A malformed setting (ATTEND_MODELS__SECOND_OPINION=bogus) would otherwise end every
    # command in a pydantic traceback: say which variable and what it accepts, exit 2.
    from pydantic import ValidationError

    from attendance.data_dir import env_files

    try:
        Settings(_env_file=env_files())  # not get_settings(): its cache is the commands'
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = "ATTEND_" + "__".join(str(part) for part in error["loc"]).upper()
            lines.append(
                f"Giá trị không hợp lệ của {name} (trong môi trường hoặc tệp .env). "
                f"Invalid value of {name} (in the environment or a .env file): {error['msg']}."
            )
        raise refuse(" ".join(lines)) from exc


app.add_typer(models_app, name="models")
app.add_typer(db_app, name="db")
app.add_typer(kiosk_token_app, name="kiosk-token")
app.add_typer(audit_app, name="audit")
app.add_typer(keys_app, name="keys")
app.add_typer(admin_app, name="admin")
app.add_typer(templates_app, name="templates")
app.command("backup")(backup_command)
app.command("restore")(restore_command)


WORKER_HEALTHCHECK_SECONDS = 120


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes sharing the port and the database (PostgreSQL for more "
            "than one; see README, 'Several workers').",
        ),
    ] = 1,
) -> None:
    """Start the API server (migrates the database first)."""
    import uvicorn

    from api.app import create_app, prepare_database
    from api.metrics import prepare_multiprocess_dir

    settings = get_settings()
    # The address it listens on is also where voting links point, unless ATTEND_PUBLIC_URL says.
    settings = settings.model_copy(
        update={"host": host or settings.host, "port": port or settings.port}
    )
    setup_logging()
    for warning in server_leftovers(settings):
        logger.warning("%s", warning)
    logger.info("%s", database_in_use(settings))
    warn_unreachable_links(settings)
    # Live-board streams would otherwise hold a shutdown open until they end.
    common: dict[str, Any] = {"log_level": "info", "timeout_graceful_shutdown": 5}
    if workers == 1:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, **common)
        return
    if settings.db_url.startswith("sqlite"):
        logger.warning(
            "%d workers on SQLite: they share one file and write one at a time; PostgreSQL "
            "is the backend for several workers (README, 'Several workers')",
            workers,
        )
    # Migrated, and the admin token made, once, here: not by N workers racing each other.
    prepare_database(settings)
    # The workers read their settings from the environment (and the .env files) as this
    # process did; the options given here travel with it.
    os.environ["ATTEND_HOST"] = settings.host
    os.environ["ATTEND_PORT"] = str(settings.port)
    os.environ["ATTEND_AUTO_MIGRATE"] = "false"
    # Each worker writes its metrics there; a scrape of any worker sums them (docs/metrics.md).
    # One folder per port: two servers on one data folder do not empty each other's.
    prepare_multiprocess_dir(settings.data_dir / "metrics" / str(settings.port))
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        # uvicorn pings each worker and restarts one silent for this long. Its default, 5 s,
        # is shorter than a worker's start on a busy machine (imports, the models folded and
        # loaded with the GIL held): the workers were killed and restarted without end.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        **common,
    )


def warn_unreachable_links(settings: Settings) -> None:
    """Voting links and their QR codes name ATTEND_PUBLIC_URL, else the listening address."""
    from api.convert_voting import voting_url
    from api.link_reach import unreachable

    reach = unreachable(voting_url(settings, ""), settings)
    if reach is not None:
        logger.warning("%s", reach.bilingual())
    elif settings.host in LOOPBACK_HOSTS:
        logger.warning(
            "ATTEND_PUBLIC_URL is %s but the server listens on %s only: right behind a reverse "
            "proxy on this machine; otherwise phones cannot reach it (attendance serve --host "
            "0.0.0.0)",
            settings.public_url,
            settings.host,
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
        Path | None,
        typer.Option(
            help="Check-ins waiting for the server are kept in this file "
            "(default: kiosk-outbox.sqlite in the data folder, ATTEND_DATA_DIR)."
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            help="This kiosk's name in idempotency keys, check-ins and reviews "
            "(default: its token's name; the host's with the admin token)."
        ),
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
    from kiosk.shutdown import exit_past_stuck_threads

    setup_logging()
    settings = get_settings()
    outbox = kiosk_outbox(settings, outbox)
    for warning in kiosk_leftovers(settings, outbox):
        logger.warning("%s", warning)
    status = run_kiosk(
        settings,
        server=server,
        token=token,
        source=source,
        room=room,
        outbox_path=outbox,
        name=name,
        host_name=socket.gethostname(),
        frame_interval_s=frame_interval,
        listen=listen,
    )
    exit_past_stuck_threads(status)
    raise typer.Exit(status)


@app.command()
def demo() -> None:
    """A one-minute tour without a camera: server, six people, a meeting, a kiosk on a video."""
    from api.demo import run_demo

    # Warnings only: the demo's own lines are the story; the server's and kiosk's logs are not.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    raise typer.Exit(run_demo(get_settings(), console))


@app.command()
def enroll(
    directory: Annotated[
        Path, typer.Argument(exists=True, file_okay=False, help="One sub-folder per person.")
    ],
    consent_recorded_by: Annotated[
        str | None,
        typer.Option(help="Who recorded the people's signed consent forms (your name)."),
    ] = None,
    consent_reference: Annotated[
        str | None, typer.Option(help="The consent forms' reference (a number or a file).")
    ] = None,
    consent_purpose: Annotated[
        Purpose, typer.Option(help="What the faces are enrolled for.")
    ] = Purpose.meetings,
) -> None:
    """Enroll people from a folder: each sub-folder's name is the person's full name.

    Each person needs a recorded consent: give --consent-recorded-by and --consent-reference
    (their signed paper forms) to record it for those who have none."""
    from enrollment.folder import enroll_folder, find_photos

    photos = find_photos(directory)
    if not photos:
        console.print(f"[red]Không có ảnh nào trong {directory}. No photos found in {directory}.")
        raise typer.Exit(1)
    services = local_services()
    consent = folder_consent(
        services.sessions,
        [name for name, _ in photos],
        recorded_by=consent_recorded_by,
        reference=consent_reference,
        purpose=consent_purpose.value,
    )
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
            consent=consent,
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
    console.print(database_in_use(services.settings), soft_wrap=True)
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

    services = local_services(create=False)
    try:
        with unit_of_work(services.sessions) as session:
            faces = recognize_image(session, services, data=image.read_bytes(), meeting_id=meeting)
            out = [face_read(f).model_dump() for f in faces]
    except DomainError as exc:
        raise domain_refusal(exc, services.settings) from exc
    except ImageRejected as exc:
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

    services = local_services(create=False)
    try:
        with services.sessions() as session:
            exported = export_meeting(
                session, meeting_id=meeting, format=format, zone=services.settings.timezone
            )
    except DomainError as exc:
        raise domain_refusal(exc, services.settings) from exc
    # The ASCII name by default: it survives every file system, shell and zip tool.
    path = output or Path(exported.ascii_filename)
    try:
        path.write_bytes(exported.content)
    except OSError as exc:
        console.print(f"[red]Không ghi được tệp {path}: {exc.strerror}. Cannot write {path}.")
        raise typer.Exit(1) from exc
    console.print(f"Đã xuất cuộc họp {meeting} ra {path}. Exported meeting {meeting} to {path}.")
