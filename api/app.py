"""The FastAPI application factory."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from api import vote_page
from api.docs_pages import install_docs
from api.errors import install_error_handlers
from api.headers import AllowedHosts, SecurityHeaders
from api.limits import BodyLimit
from api.metrics import process_ended
from api.openapi import DocumentedAPI
from api.request_metrics import RequestMetrics
from api.routes import (
    accounts,
    assignments,
    audit,
    checkin_batch,
    checkins,
    class_photo,
    classes,
    conclusion_notice,
    consents,
    document_pages,
    documents,
    gate,
    identify,
    kiosk,
    meetings,
    metrics,
    people,
    polls,
    presence,
    school_reports,
    students,
    timetable,
    tokens,
    voting,
    webhooks,
)
from api.services import PipelineFactory, Services, load_pipeline
from api.web import (
    account_pages,
    agenda_pages,
    audit_pages,
    auth_pages,
    board_pages,
    class_pages,
    class_photo_pages,
    consent_pages,
    meeting_pages,
    notice_pages,
    participant_pages,
    people_pages,
    person_manage_pages,
    poll_pages,
    proxy_pages,
    review_pages,
    roster_pages,
    school_report_pages,
    staff_pages,
    student_pages,
    timetable_pages,
    webhook_pages,
)
from api.web import (
    document_pages as document_web_pages,
)
from api.web.render import HERE as WEB_DIR
from attendance.db import engine_of, make_session_factory, unit_of_work
from attendance.documents import sweeping
from attendance.job_leases import JobLeases
from attendance.migrate import upgrade
from attendance.retention import retention_job
from attendance.review.retention import purge_stale_reviews
from attendance.scheduler import Job, Scheduler
from attendance.schools.cutoff import cutoff_job
from attendance.settings import ADMIN_TOKEN_MIN_LENGTH, Settings, get_settings, weak_admin_token
from attendance.shared_throttle import SharedAccountLocks, SharedThrottle
from attendance.template_crypto import TemplateKeys
from attendance.throttle import StreamSlots
from attendance.tokens import ensure_admin_token
from attendance.webhooks.delivery import delivery_job
from attendance.webhooks.purge import purge_job

logger = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    pipeline_factory: PipelineFactory = load_pipeline,
    warm_up: bool = True,
    on_admin_token: Callable[[str], None] | None = None,
    clock: Callable[[], float] = time.time,
) -> FastAPI:
    """Build the app; nothing touches the database or the models until it starts.
    `clock` drives the failed-attempt throttle and the account locks (seconds, the same on
    every worker; tests pass one they can move)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        config = settings or get_settings()
        template_keys = TemplateKeys.from_settings(config)
        # The keyring is read (its file created 0600) now: a key that cannot be had stops the
        # start with what to set, not the first enrollment.
        await run_in_threadpool(template_keys.keyset)
        if config.auto_migrate:
            await run_in_threadpool(upgrade, config.db_url, template_keys=template_keys)
        engine = engine_of(config)
        sessions = make_session_factory(engine, template_keys=template_keys)
        limits = config.throttle
        services = Services(
            settings=config,
            engine=engine,
            sessions=sessions,
            pipeline_factory=pipeline_factory,
            # Counted in the database: every worker on it refuses together.
            throttle=SharedThrottle(
                sessions,
                failures=limits.failures,
                window_seconds=limits.window_seconds,
                clock=clock,
            ),
            streams=StreamSlots(per_key=config.streams.per_key, total=config.streams.total),
            account_locks=SharedAccountLocks(
                sessions,
                failures=limits.account_failures,
                window_seconds=limits.account_window_seconds,
                lock_seconds=limits.account_lock_seconds,
                max_lock_seconds=limits.account_max_lock_seconds,
                clock=clock,
            ),
        )
        _warn_weak_admin_token(config)
        with unit_of_work(services.sessions) as session:
            token = ensure_admin_token(session, configured=config.admin_token)
            # Face crops of review items nobody resolved go once their meeting is a day old.
            purge_stale_reviews(session)
        if token is not None:
            (on_admin_token or _announce_admin_token)(token)
        scheduler = _scheduler(services)
        scheduler.start()
        if warm_up:
            await run_in_threadpool(lambda: services.gallery)  # load the models once, now
            await run_in_threadpool(services.warn_missing_second)
        try:
            yield {"services": services}
        finally:
            await run_in_threadpool(scheduler.stop)
            engine.dispose()
            process_ended()

    app = DocumentedAPI(
        title="Attendance",
        summary="Face-recognition meeting attendance and check-in",
        version="0.1.0",
        lifespan=lifespan,
        # Served by install_docs from an installed package instead of FastAPI's CDN pages.
        docs_url=None,
        redoc_url=None,
    )
    # An upload too large from the documents page goes back to that page (refused_upload).
    install_error_handlers(app, page_error=document_web_pages.refused_upload)

    app.add_middleware(BodyLimit, page_error=document_web_pages.refused_upload)
    app.add_middleware(AllowedHosts)
    app.add_middleware(RequestMetrics)  # counts what the inner ones refuse too
    app.add_middleware(SecurityHeaders)  # outermost: a refused Host gets the headers too

    # On the event loop, not the thread pool: uploads waiting there for a decode slot must
    # not make the server look dead.
    @app.get("/healthz", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.head("/healthz", include_in_schema=False)  # monitors that only ask whether it answers
    async def health_head() -> Response:
        return Response(status_code=200)

    # Browsers ask for /favicon.ico where a page names no icon (the API's JSON, a file):
    # the pages' own SVG, rather than a 404 in every log.
    @app.api_route("/favicon.ico", methods=["GET", "HEAD"], include_in_schema=False)
    async def favicon() -> FileResponse:
        return FileResponse(
            WEB_DIR / "static" / "favicon.svg",
            media_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    # Every route and page names the permission it needs (api/deps.need, the table in
    # attendance/permissions.py, docs/permissions.md; tests/api/test_permissions.py calls
    # every route with every kind of caller). A kiosk token reaches only its gallery, its
    # room's check-ins and uncertain faces, which check the room themselves; voting links
    # and board links open only their own routes.
    v1 = APIRouter(prefix="/api/v1")
    for api_router in (
        # First: a request is matched against the routes in order (twice, at each level),
        # and the kiosks' check-ins are most of them. No other route has their paths.
        checkins.router,
        checkin_batch.router,
        consents.router,  # before people's /people/{id}: /people/reconsent is not an id
        people.router,
        meetings.router,
        assignments.router,
        identify.router,
        checkins.sightings,
        class_photo.router,
        kiosk.admin,
        kiosk.sync,
        gate.router,
        polls.router,
        presence.router,
        audit.router,
        voting.router,
        voting.voter,
        documents.router,
        document_pages.router,  # the phone page's viewer
        accounts.router,
        tokens.router,
        school_reports.router,
        timetable.router,
        webhooks.router,
        classes.router,
        students.router,
        conclusion_notice.router,
    ):
        v1.include_router(api_router)
    app.include_router(v1)
    # A personal token is made with the account's password (HTTP Basic), not with a token.
    app.include_router(tokens.basic, prefix="/api/v1")
    app.include_router(vote_page.router)
    app.include_router(metrics.router)  # GET /metrics: Prometheus (docs/metrics.md)
    # The secretary's pages and the live board: signed-in staff, each page its permission.
    web = (
        auth_pages,
        account_pages,
        meeting_pages,
        participant_pages,
        audit_pages,
        roster_pages,
        people_pages,
        review_pages,
        board_pages,
        class_photo_pages,
    )
    more = (poll_pages, agenda_pages, proxy_pages, person_manage_pages, consent_pages, staff_pages)
    for pages in (*web, *more, class_pages, student_pages, timetable_pages, webhook_pages):
        app.include_router(pages.router)
    app.include_router(school_report_pages.router)
    app.include_router(document_web_pages.router)
    app.include_router(notice_pages.router)
    install_docs(app)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    return app


def _scheduler(services: Services) -> Scheduler:
    """The server's periodic jobs: the retention purge (docs/consent.md), the schools'
    absent cut-off (attendance/schools/cutoff.py), webhook deliveries (docs/webhooks.md) and
    the documents folder's sweep (docs/documents-operations.md)."""
    retention = services.settings.retention
    purge = retention_job(
        services.sessions,
        review_crop_days=retention.review_crop_days,
        also=services.pending_photos.expire,
    )
    marks = services.settings.cutoff
    hooks = services.settings.webhooks
    deliver = delivery_job(services.sessions, hooks)
    return Scheduler(
        [
            Job("retention", purge, retention.period_seconds, retention.first_run_seconds),
            Job(
                "absent_cutoff",
                cutoff_job(services.sessions),
                marks.period_seconds,
                marks.first_run_seconds,
            ),
            Job("webhooks", deliver, hooks.period_seconds),
            Job("outbox_purge", purge_job(services.sessions, keep_days=hooks.keep_days), 3600, 60),
            # Hourly, and at once when the server starts (first_after 0).
            Job(
                "documents_sweep",
                sweeping.sweep_job(services.sessions, services.documents.root),
                sweeping.PERIOD_SECONDS,
            ),
        ],
        # Several workers on one database: each job runs on one of them per turn.
        leases=JobLeases(services.sessions),
    )


def _warn_weak_admin_token(config: Settings) -> None:
    # Outside development the settings refuse it; here it is allowed, but not silently.
    weakness = weak_admin_token(config.admin_token) if config.admin_token else None
    if weakness is not None:
        logger.warning(
            "ATTEND_ADMIN_TOKEN is weak (%s): use at least %d random characters; "
            "it would be refused with ATTEND_ENV other than development",
            weakness,
            ADMIN_TOKEN_MIN_LENGTH,
        )


def prepare_database(settings: Settings) -> None:
    """What one process does before several workers start on the same database: read the
    keyring, migrate (when ATTEND_AUTO_MIGRATE), make the admin token (announced here, once).
    The workers then start with auto-migration off and find the token made."""
    template_keys = TemplateKeys.from_settings(settings)
    template_keys.keyset()
    if settings.auto_migrate:
        upgrade(settings.db_url, template_keys=template_keys)
    _warn_weak_admin_token(settings)
    engine = engine_of(settings)
    try:
        with unit_of_work(make_session_factory(engine, template_keys=template_keys)) as session:
            token = ensure_admin_token(session, configured=settings.admin_token)
        if token is not None:
            _announce_admin_token(token)
    finally:
        engine.dispose()


def _announce_admin_token(token: str) -> None:
    # Shown once: only its hash is stored. Printed, not logged, so it stays out of log files.
    print(
        "\n"
        "  Mã quản trị (chỉ hiện một lần) / Admin token (shown only once):\n"
        f"      {token}\n"
        "  Lưu lại ngay; có thể đặt ATTEND_ADMIN_TOKEN để tự chọn. "
        "Store it now; set ATTEND_ADMIN_TOKEN to choose your own.\n",
        flush=True,
    )
