"""Configuration from the environment (ATTEND_ prefix, nested sections with __)."""

from __future__ import annotations

import ipaddress
from datetime import time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from attendance.checkin_window import CheckinRules
from attendance.data_dir import (
    DB_FILE,
    default_data_dir,
    default_key_file,
    default_template_key_file,
    env_files,
)

# Shorter, or with fewer distinct characters, an admin token can be guessed or remembered.
ADMIN_TOKEN_MIN_LENGTH = 24
ADMIN_TOKEN_MIN_DISTINCT = 8
METRICS_ALLOW_DEFAULT = ("127.0.0.0/8", "::1")


class MatchSettings(BaseModel):
    """When a face is accepted as someone (docs/benchmarks.md, thresholds that know the room).

    By default the cosine threshold follows the number of people searched (a meeting's
    roster, a kiosk's room, everyone enrolled) so that a stranger is accepted with the
    same rate `fpir` whatever their number, from the model's calibration. A `threshold`
    set here is used for every search instead (and for packs with no calibration: 0.476,
    FPIR 1% against 826 people of LFW with the default pack)."""

    threshold: float | None = Field(None, ge=-1, le=1)
    fpir: float = Field(0.01, gt=0, lt=1)
    margin: float = Field(0.05, ge=0, le=2)
    top_k: int = Field(5, ge=2, le=100)


class ModelSettings(BaseModel):
    pack: str = "sface"
    # Unless given, both are placed in the data folder (Settings._place_in_data_dir).
    dir: Path = Path("models")
    cache_dir: Path = Path("model-cache")
    max_side: int = Field(640, ge=64, le=4096, multiple_of=32)
    det_score: float = Field(0.6, gt=0, lt=1)
    flip: bool = False  # mirror averaging: better at FPIR 1%, worse at 0.1%, 1.5x slower
    refine_size: int = Field(192, ge=0, le=1024)  # 0: no second look at small faces
    threads: int = Field(0, ge=0, le=256)
    # A second recognizer (dlib, public domain) asked only on close calls and fused with the
    # first (attendance/fusion.py, docs/benchmarks.md, a second opinion). "auto": used when
    # its packages are installed (the `accurate` extra, which `make` installs); "on": refuse
    # to start without them; "off": never.
    second_opinion: Literal["auto", "on", "off"] = "auto"


class LimitSettings(BaseModel):
    max_upload_bytes: int = Field(15 * 1024 * 1024, ge=1024)
    max_pixels: int = Field(40_000_000, ge=10_000)
    # Uploads are decoded to at most this long side: detection sees 640 px, and face crops
    # and the quality gate gain nothing from more (docs/benchmarks.md, image memory).
    max_decode_side: int = Field(2560, ge=320, le=16384)
    # Memory one decode may take, counted from the header before decoding (RGB and RGBA are
    # 4 bytes a pixel in memory); at most decode_concurrency decodes run at once.
    max_decode_bytes: int = Field(160_000_000, ge=1_000_000)
    decode_concurrency: int = Field(2, ge=1, le=64)
    # Faces one photo may have (a class or hall from the front; a check-in or /identify
    # photo has a few): past it, 422 TOO_MANY_FACES before any face is embedded.
    max_faces_per_photo: int = Field(120, ge=1, le=2000)
    # Whole-photo analyses (detect every face, embed them) at once, server-wide; another
    # waits `analysis_wait_seconds`, then gets 429 with Retry-After.
    analysis_concurrency: int = Field(2, ge=1, le=64)
    analysis_wait_seconds: float = Field(5.0, ge=0, le=120)
    # Pending (unconfirmed, unexpired) class photos one meeting may hold; one more is 409.
    class_photo_pending: int = Field(10, ge=1, le=1000)


class DocumentSettings(BaseModel):
    """A meeting's documents (attendance/documents/): where the files lie and how big."""

    # Unless given, "documents" in the data folder (Settings._place_in_data_dir).
    dir: Path = Path("documents")
    # One file, and all the files of one meeting with every version, in MiB.
    max_file_mb: int = Field(50, ge=1, le=2048)
    max_meeting_mb: int = Field(500, ge=1, le=1_000_000)
    # A PDF with more pages is refused (each page is drawn for a phone on request).
    max_pdf_pages: int = Field(2000, ge=1, le=100_000)


class KioskSettings(BaseModel):
    # A kiosk holds the faces of the people invited to today's meetings in its room. With
    # this above 0 it also gets everyone else enrolled (when they are at most this many), so
    # it can tell them "not on this meeting's list" instead of not knowing them. Off by
    # default: a kiosk should hold no more biometric data than its room needs.
    others_limit: int = Field(0, ge=0, le=1_000_000)
    # How long a greeting card stays on the kiosk's screen (up to three show at once).
    card_seconds: float = Field(5.0, ge=1, le=60)
    # The kiosk's target rate of strangers taken for an invitee, per look. A camera sees each
    # face in tens of frames, each one a chance: at 1% (a photo's rate) 2 of 44 strangers
    # walking past were checked in across four seeded videos, at 0.1% none, and every one of
    # the 88 invitees still was (docs/benchmarks.md, kiosk decisions).
    fpir: float = Field(0.001, gt=0, lt=1)
    # How often a kiosk asks who is present (GET /kiosk/arrivals, a 304 while nothing
    # changed): someone checked in at the desk is greeted "already checked in" at the door
    # after this, and a revoked token stops the kiosk within it.
    arrivals_seconds: float = Field(3.0, ge=0.5, le=300)
    # A school gate's kiosk (a token made with a gate): a student seen before this local time
    # arrives (their first session of the day not yet ended), after it leaves (the last
    # session they arrived at). ATTEND_KIOSK__GATE_CHECKOUT_AFTER="11:30".
    gate_checkout_after: time = time(11, 0)


class CheckinSettings(BaseModel):
    # Check-in opens this long before a meeting starts and closes when it ends (everyone:
    # kiosks, the API, the pages). A kiosk's clock is trusted this far ahead, no further.
    opens_before_minutes: int = Field(60, ge=0, le=24 * 60)
    max_clock_skew_seconds: int = Field(120, ge=0, le=3600)
    # A kiosk that was offline delivers its outbox late: its check-ins (timed inside the
    # window) are still taken this long after the meeting ends, then refused.
    kiosk_delivery_hours: int = Field(24, ge=0, le=24 * 31)

    def rules(self) -> CheckinRules:
        return CheckinRules(
            opens_before=timedelta(minutes=self.opens_before_minutes),
            max_skew=timedelta(seconds=self.max_clock_skew_seconds),
            kiosk_delivery=timedelta(hours=self.kiosk_delivery_hours),
        )


class EnrollSettings(BaseModel):
    min_face_px: int = Field(60, ge=16)
    # Variance of the Laplacian at the face's own size. Gaussian blur of sigma 2 on t1's faces
    # gives 24-38 and embeddings 0.90-0.92 from the sharp photo's; sigma 3 gives 12-15 and
    # 0.75-0.81. The blurriest first photo of lfw-dev (23) matches its own others at 0.59+.
    min_sharpness: float = Field(20.0, ge=0)
    min_brightness: float = Field(40.0, ge=0, le=255)
    max_yaw: float = Field(3.0, gt=0, le=5)
    # The subject's prominence (area x centrality) over the next whole face's (quality_gate).
    dominance: float = Field(2.0, ge=1)
    # The detector's score on a second, closer look; a dog's face scored 0.881, the lowest
    # human subject of lfw-dev 0.879 (1 of 4,221) and of people/ 0.927 (docs/benchmarks.md).
    min_confidence: float = Field(0.885, ge=0, le=1)
    # A new photo whose face matches someone else enrolled at this rate's threshold (for the
    # number enrolled) is refused as DUPLICATE_PERSON unless confirmed (docs/benchmarks.md).
    duplicate_fpir: float = Field(0.001, gt=0, lt=1)
    # Children's faces change: a student whose newest template is older than this is flagged
    # for re-enrollment on the class page (a school year).
    reenroll_after_days: int = Field(365, ge=1, le=3650)


class RetentionSettings(BaseModel):
    """How long biometric leftovers are kept, and how often the server purges them
    (attendance/retention.py; docs/consent.md)."""

    # A review item's face crop (a grey-zone or unknown face) goes after this many days, or
    # a day after its meeting ends, whichever comes first.
    review_crop_days: int = Field(1, ge=1, le=3650)
    # A class photo waiting to be confirmed (its faces and unknown faces' crops) is erased
    # this many hours after it was taken, or when it is confirmed (attendance/class_photo).
    class_photo_hours: int = Field(4, ge=1, le=72)
    # Templates that have not recognised their person for this long are listed for
    # re-consent (GET /api/v1/people/reconsent); never deleted on their own.
    template_unused_days: int = Field(730, ge=1, le=36500)
    # The purge job: first run this soon after start, then every `period_seconds`.
    period_seconds: float = Field(300.0, ge=0.05, le=7 * 86400)
    first_run_seconds: float = Field(10.0, ge=0, le=86400)


class CutoffSettings(BaseModel):
    """The schools' absent cut-off job (attendance/schools/cutoff.py): first run this soon
    after start (sessions whose cut-off passed while the server was down), then every
    `period_seconds`; an absence is marked at most this late after its cut-off."""

    period_seconds: float = Field(30.0, ge=0.05, le=3600)
    first_run_seconds: float = Field(1.0, ge=0, le=3600)


class WebhookSettings(BaseModel):
    """How the server delivers outbound events to webhooks (attendance/webhooks/delivery.py;
    docs/webhooks.md)."""

    # The delivery job: new events fanned out and due deliveries sent this often.
    period_seconds: float = Field(2.0, ge=0.05, le=3600)
    # One attempt, connect to status line, takes at most this long; then it counts as failed.
    timeout_seconds: float = Field(5.0, gt=0, le=60)
    # Waits after the 1st, 2nd, ... failed attempt; the last one repeats (capped).
    retry_seconds: tuple[Annotated[float, Field(gt=0, le=86400)], ...] = Field(
        (10.0, 30.0, 120.0, 600.0, 1800.0, 3600.0), min_length=1
    )
    # Given up (status failed) after this many attempts or this long after the event.
    max_attempts: int = Field(30, ge=1, le=1000)
    give_up_hours: float = Field(24.0, gt=0, le=24 * 30)
    # At most this many deliveries sent per run, so other jobs get their turn.
    batch: int = Field(20, ge=1, le=1000)
    # Outbound events (and their deliveries) older than this, none still pending, are
    # deleted by an hourly job: a district's schools publish thousands a day.
    keep_days: int = Field(30, ge=1, le=3650)


class ThrottleSettings(BaseModel):
    # Failed attempts per client address and credential kind within the window; then 429.
    failures: int = Field(10, ge=1, le=100_000)
    window_seconds: int = Field(60, ge=1, le=86_400)
    # Wrong passwords for one username, from any address, within the account window lock
    # that username for account_lock_seconds, doubling each time up to the maximum.
    account_failures: int = Field(5, ge=1, le=1_000)
    account_window_seconds: int = Field(900, ge=1, le=86_400)
    account_lock_seconds: int = Field(60, ge=1, le=86_400)
    account_max_lock_seconds: int = Field(900, ge=1, le=86_400)


class StreamSettings(BaseModel):
    # Live-board streams open at once: on one board link or session, and in all.
    per_key: int = Field(5, ge=1, le=10_000)
    total: int = Field(100, ge=1, le=100_000)
    # How often an open stream checks that its board link or session still holds.
    recheck_seconds: float = Field(5.0, gt=0, le=300)


def weak_admin_token(token: str) -> str | None:
    """Why this admin token is too weak, or None."""
    if len(token) < ADMIN_TOKEN_MIN_LENGTH:
        return f"it has {len(token)} characters, fewer than {ADMIN_TOKEN_MIN_LENGTH}"
    if len(set(token)) < ADMIN_TOKEN_MIN_DISTINCT:
        return f"it has fewer than {ADMIN_TOKEN_MIN_DISTINCT} different characters"
    return None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ATTEND_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
        # A refused setting's message must not echo the admin token into a log.
        hide_input_in_errors=True,
    )

    env: str = "development"
    # Everything the server and the command line keep: the database, the model caches, a
    # kiosk's outbox. Not the current folder: every command finds the same data wherever
    # it runs (attendance/data_dir.py).
    data_dir: Path = Field(default_factory=default_data_dir)
    # Empty: SQLite in the data folder.
    db_url: str = ""
    # PostgreSQL connections each process keeps open, and how many more it may open at a
    # peak: the server's max_connections must exceed workers x (both added), plus the
    # command-line tools and a margin (docs/deployment.md). SQLite ignores both.
    db_pool_size: int = Field(5, ge=1, le=1_000)
    db_max_overflow: int = Field(10, ge=0, le=1_000)
    admin_token: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    timezone: str = "Asia/Ho_Chi_Minh"
    # The address delegates' phones reach this server at, for voting links and QR codes.
    public_url: str | None = None
    # Host names the server answers to (comma-separated); by default localhost, the host of
    # ATTEND_PUBLIC_URL and ATTEND_HOST (api/headers.py). "*" answers to any.
    allowed_hosts: Annotated[list[str] | None, NoDecode] = None
    auto_migrate: bool = True
    # GET /metrics (docs/metrics.md): readable with the admin token, with this token of its own
    # (for a Prometheus elsewhere), or from these client addresses (IPs or CIDRs, comma-
    # separated; by default this machine only, where a Prometheus usually runs; empty: none).
    metrics_token: SecretStr | None = None
    metrics_allow: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(METRICS_ALLOW_DEFAULT)
    )
    # Secret ballots are sealed under this master key while their poll is open. It must not
    # live in the data folder: a copy of that folder alone then holds no readable ballot.
    # Either the key itself (at least 32 characters) or a file, created 0600 if missing;
    # read on first use (attendance/voting/master_key.py).
    secret_key: SecretStr | None = None
    secret_key_file: Path = Field(default_factory=default_key_file)
    # Face templates are sealed (AES-256-GCM) under a keyring, also outside the data folder:
    # ATTEND_KEY gives the key itself (at least 32 characters; "new,old" while rotating),
    # else the file ATTEND_KEY_FILE, created 0600 on first start (attendance/template_crypto.py).
    key: SecretStr | None = None
    key_file: Path = Field(default_factory=default_template_key_file)
    match: MatchSettings = MatchSettings()
    models: ModelSettings = ModelSettings()
    limits: LimitSettings = LimitSettings()
    enroll: EnrollSettings = EnrollSettings()
    kiosk: KioskSettings = KioskSettings()
    throttle: ThrottleSettings = ThrottleSettings()
    streams: StreamSettings = StreamSettings()
    checkin: CheckinSettings = CheckinSettings()
    retention: RetentionSettings = RetentionSettings()
    cutoff: CutoffSettings = CutoffSettings()
    webhooks: WebhookSettings = WebhookSettings()
    documents: DocumentSettings = DocumentSettings()

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [h.strip().lower() for h in value.split(",") if h.strip()] or None
        return value

    @field_validator("metrics_allow", mode="before")
    @classmethod
    def _split_networks(cls, value: object) -> object:
        if isinstance(value, str):
            value = [n.strip() for n in value.split(",") if n.strip()]
        if isinstance(value, list):
            for network in value:
                try:
                    ipaddress.ip_network(str(network), strict=False)
                except ValueError:
                    raise ValueError(
                        f"ATTEND_METRICS_ALLOW: {str(network)[:50]!r} is no IP address or "
                        "network (e.g. 10.0.0.7 or 10.0.0.0/24)."
                    ) from None
        return value

    @field_validator("data_dir", mode="after")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        # A relative ATTEND_DATA_DIR is read once, against the folder the command starts in.
        return value.expanduser().absolute()

    @model_validator(mode="after")
    def _place_in_data_dir(self) -> Settings:
        """What is not configured on its own goes into the data folder."""
        if not self.db_url:
            self.db_url = f"sqlite:///{self.data_dir / DB_FILE}"
        placed = {
            name: self.data_dir / ModelSettings.model_fields[name].default
            for name in ("dir", "cache_dir")
            if name not in self.models.model_fields_set
        }
        if placed:
            self.models = self.models.model_copy(update=placed)
        if "dir" not in self.documents.model_fields_set:
            self.documents = self.documents.model_copy(update={"dir": self.data_dir / "documents"})
        return self

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Settings:
        weakness = weak_admin_token(self.admin_token) if self.admin_token is not None else None
        if self.env != "development" and weakness is not None:
            raise ValueError(
                f"ATTEND_ADMIN_TOKEN is too weak for a production deployment ({weakness}): "
                f"use at least {ADMIN_TOKEN_MIN_LENGTH} random characters "
                "(python -c 'import secrets; print(secrets.token_urlsafe())')."
            )
        metrics = self.metrics_token.get_secret_value() if self.metrics_token else None
        if self.env != "development" and metrics is not None and weak_admin_token(metrics):
            raise ValueError(
                f"ATTEND_METRICS_TOKEN is too weak for a production deployment: use at least "
                f"{ADMIN_TOKEN_MIN_LENGTH} random characters."
            )
        threshold = self.match.threshold
        if self.match.margin > 0 and threshold is not None and threshold + self.match.margin > 1:
            raise ValueError("ATTEND_MATCH__THRESHOLD + ATTEND_MATCH__MARGIN must stay below 1.")
        return self


@lru_cache
def get_settings() -> Settings:
    """The environment, then the .env files (attendance/data_dir.py env_files)."""
    return Settings(_env_file=env_files())
