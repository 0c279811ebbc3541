"""The server's Prometheus metrics (docs/metrics.md): what each worker counts, and the text a
scrape of /metrics gets, summed over every worker when they share PROMETHEUS_MULTIPROC_DIR."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from attendance.errors import DomainError
from attendance.outbound import OutboundEvent
from attendance.webhooks.tables import PENDING, WebhookDelivery

logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# Sources a check-in label names (by their leading word: a kiosk's "kiosk:<name>" or "kiosk-1"
# counts as "kiosk"); any other (free text from a client) is "other", so that no caller can
# grow the label set.
SOURCES = frozenset(
    {"kiosk", "manual", "upload", "photo", "class_photo", "gate", "review", "face", "api"}
)
LEADING_WORD = re.compile(r"[a-z_]+")
RECORDED, DUPLICATE = "recorded", "duplicate"
# Detect + embed + search of one photo: tens of milliseconds for a face, seconds for a hall.
RECOGNITION_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# One call of the second model on a photo's close calls: ~75 ms a face on two cores.
SECOND_OPINION_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


# The methods a label names; any other (h11 takes any token as a method) is "other", so that
# no caller can add series by inventing methods (attack report 13, F1).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def method_label(method: str) -> str:
    return method if method in METHODS else "other"


def status_label(status: int) -> str:
    return str(status) if 100 <= status <= 599 else "other"


def source_label(source: str) -> str:
    found = LEADING_WORD.match(source.strip().lower())
    name = found.group(0) if found else ""
    return name if name in SOURCES else "other"


def multiprocess_dir() -> str | None:
    """The folder the workers' metrics are written to, when several processes serve."""
    return os.environ.get(MULTIPROC_ENV) or None


def prepare_multiprocess_dir(folder: Path) -> None:
    """Before the workers start: the folder made, and emptied of an earlier run's files (their
    counts would otherwise be added to this run's), then named in the environment they inherit."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.db"):
        old.unlink()
    os.environ[MULTIPROC_ENV] = str(folder)


class Metrics:
    """One app's metrics, in a registry of its own (each test's app counts from zero). With
    PROMETHEUS_MULTIPROC_DIR set, prometheus_client writes every value to that folder as well,
    per process, and a scrape reads the folder instead of this registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "attendance_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "attendance_http_request_duration_seconds",
            "Time to the response's status line, by route template and method.",
            ["route", "method"],
            registry=r,
        )
        self.checkins = Counter(
            "attendance_checkins",
            "Check-ins by source and decision (recorded, duplicate, or the refusal's code).",
            ["source", "decision"],
            registry=r,
        )
        self.recognition = Histogram(
            "attendance_recognition_seconds",
            "Detect, embed and search of one photo (identify, photo check-in).",
            buckets=RECOGNITION_BUCKETS,
            registry=r,
        )
        self.gallery = Gauge(
            "attendance_gallery_size",
            "People in the gallery of a consent purpose, as last loaded.",
            ["purpose"],
            registry=r,
            multiprocess_mode="livemostrecent",
        )
        self.second_faces = Counter(
            "attendance_second_opinion_faces",
            "Faces searched with a second opinion on, by whether the second model was asked.",
            ["asked"],
            registry=r,
        )
        self.second_seconds = Histogram(
            "attendance_second_opinion_seconds",
            "The second model's embedding of one photo's close calls.",
            buckets=SECOND_OPINION_BUCKETS,
            registry=r,
        )
        self.second_enabled = Gauge(
            "attendance_second_opinion_enabled",
            "1 when this server's recognizer asks a second model about close calls, else 0.",
            registry=r,
            multiprocess_mode="livemax",
        )
        self.rate_limited = Counter(
            "attendance_rate_limited",
            "Requests refused with 429, by the refusal's code.",
            ["code"],
            registry=r,
        )
        self._per_request: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        # The labelled pair kept per (route, method, status): labels() validates and locks,
        # half the cost of a request's metrics (bench/metrics_overhead.py). Routes are templates,
        # so the dict stays as small as the app's routes; methods and statuses are bounded too.
        method = method_label(method)
        key = (route, method, status)
        pair = self._per_request.get(key)
        if pair is None:
            pair = (
                self.requests.labels(route, method, status_label(status)),
                self.latency.labels(route, method),
            )
            self._per_request[key] = pair
        pair[0].inc()
        pair[1].observe(seconds)

    def checked_in(self, source: str, *, created: bool) -> None:
        self.checkins.labels(source_label(source), RECORDED if created else DUPLICATE).inc()

    @contextmanager
    def refusals(self, source: str) -> Iterator[None]:
        """Around a check-in: a refusal (a domain error) is counted by its code, then raised."""
        try:
            yield
        except DomainError as error:
            self.checkin_refused(source, error.code)
            raise

    def checkin_refused(self, source: str, code: str) -> None:
        self.checkins.labels(source_label(source), code).inc()

    def recognized(self, seconds: float) -> None:
        self.recognition.observe(seconds)

    def second_opinion_counted(self, asked: int, searched: int) -> None:
        self.second_faces.labels("yes").inc(asked)
        self.second_faces.labels("no").inc(searched - asked)

    def second_opinion_timed(self, seconds: float) -> None:
        self.second_seconds.observe(seconds)

    def second_opinion_enabled(self, on: bool) -> None:
        self.second_enabled.set(1 if on else 0)

    def gallery_loaded(self, purpose: str, size: int) -> None:
        self.gallery.labels(purpose).set(size)

    def refused(self, code: str) -> None:
        self.rate_limited.labels(code).inc()

    def exposition(self, sessions: sessionmaker[Session]) -> bytes:
        """The text a scrape gets: every worker's counts (or this app's), and the queue depths
        read from the database now."""
        folder = multiprocess_dir()
        counted: Collector = MultiProcessCollector(None, path=folder) if folder else self.registry
        return generate_latest(_Together([counted, QueueDepths(sessions)]))


def process_ended() -> None:
    """A worker stopping: its live gauges (the gallery sizes) leave the sum. Its counters stay,
    as counters should; a killed worker's gauges stay until the next `attendance serve`."""
    folder = multiprocess_dir()
    if folder:
        mark_process_dead(os.getpid(), folder)


class QueueDepths(Collector):
    """Gauges read from the database at scrape time: one cheap COUNT each, whichever worker
    answers the scrape (the database is the one truth for every worker)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def collect(self) -> Iterable[Metric]:
        try:
            with self.sessions() as session:
                outbox = session.scalar(select(func.count()).select_from(OutboundEvent)) or 0
                pending = session.scalar(
                    select(func.count())
                    .select_from(WebhookDelivery)
                    .where(WebhookDelivery.status == PENDING)
                )
        except SQLAlchemyError:
            logger.warning("metrics: the queue depths could not be read", exc_info=True)
            return []
        return [
            GaugeMetricFamily(
                "attendance_outbox_depth",
                "Outbound events held in the outbox (kept until purged, docs/webhooks.md).",
                value=outbox,
            ),
            GaugeMetricFamily(
                "attendance_webhook_queue_depth",
                "Webhook deliveries pending (not yet answered 2xx, not given up).",
                value=pending or 0,
            ),
        ]


class _Together(Collector):
    def __init__(self, parts: list[Collector]) -> None:
        self.parts = parts

    def collect(self) -> Iterable[Metric]:
        for part in self.parts:
            yield from part.collect()
