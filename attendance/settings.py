"""Configuration from the environment (ATTEND_ prefix, nested sections with __)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class MatchSettings(BaseModel):
    """Cosine thresholds for the default pack, calibrated on LFW (docs/benchmarks.md)."""

    threshold: float = Field(0.476, ge=-1, le=1)  # FPIR 1% on LFW dev, default pack
    margin: float = Field(0.05, ge=0, le=2)
    top_k: int = Field(5, ge=2, le=100)


class ModelSettings(BaseModel):
    pack: str = "sface"
    dir: Path = Path("./data/models")
    cache_dir: Path = Path("./data/model-cache")
    max_side: int = Field(640, ge=64, le=4096, multiple_of=32)
    det_score: float = Field(0.6, gt=0, lt=1)
    flip: bool = False  # mirror averaging: better at FPIR 1%, worse at 0.1%, 1.5x slower
    refine_size: int = Field(192, ge=0, le=1024)  # 0: no second look at small faces
    threads: int = Field(0, ge=0, le=256)


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


class KioskSettings(BaseModel):
    # A kiosk holds the faces of the people invited to today's meetings in its room. With
    # this above 0 it also gets everyone else enrolled (when they are at most this many), so
    # it can tell them "not on this meeting's list" instead of not knowing them. Off by
    # default: a kiosk should hold no more biometric data than its room needs.
    others_limit: int = Field(0, ge=0, le=1_000_000)


class EnrollSettings(BaseModel):
    min_face_px: int = Field(60, ge=16)
    min_sharpness: float = Field(40.0, ge=0)
    min_brightness: float = Field(40.0, ge=0, le=255)
    max_yaw: float = Field(3.0, gt=0, le=5)
    dominance: float = Field(2.0, ge=1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ATTEND_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    env: str = "development"
    db_url: str = "sqlite:///./data/attendance.db"
    admin_token: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    timezone: str = "Asia/Ho_Chi_Minh"
    # The address delegates' phones reach this server at, for voting links and QR codes.
    public_url: str | None = None
    auto_migrate: bool = True
    match: MatchSettings = MatchSettings()
    models: ModelSettings = ModelSettings()
    limits: LimitSettings = LimitSettings()
    enroll: EnrollSettings = EnrollSettings()
    kiosk: KioskSettings = KioskSettings()

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Settings:
        if (
            self.env != "development"
            and self.admin_token is not None
            and len(self.admin_token) < 24
        ):
            raise ValueError(
                "ATTEND_ADMIN_TOKEN is too short for a production deployment: use at least "
                "24 random characters (python -c 'import secrets; print(secrets.token_urlsafe())')."
            )
        if self.match.margin > 0 and self.match.threshold + self.match.margin > 1:
            raise ValueError("ATTEND_MATCH__THRESHOLD + ATTEND_MATCH__MARGIN must stay below 1.")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
