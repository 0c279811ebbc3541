"""The server's accept threshold in tests: it follows the number of people searched."""

from __future__ import annotations

from attendance.matching import match_policy
from attendance.review.service import GREY_ZONE
from attendance.settings import KioskSettings, MatchSettings
from models.packs import SFACE_FILE, SFACE_SHA256, YUNET_FILE, YUNET_SHA256
from models.types import ModelFile, ModelIdentity

# The identity the default pack stamps (models/packs.py load_sface, refinement at 192 px).
DEFAULT_KEY = ModelIdentity(
    pack="sface",
    files=(ModelFile(YUNET_FILE, YUNET_SHA256), ModelFile(SFACE_FILE, SFACE_SHA256)),
    dim=128,
    variant="refine192",
).key


def default_threshold(people: int, *, kiosk: bool = False) -> float:
    """The default settings' threshold for a search among `people` (a roster, a room), as the
    server decides a photo, or as a kiosk decides (at the kiosks' stricter rate)."""
    fpir = KioskSettings().fpir if kiosk else None
    return match_policy(MatchSettings(), model_key=DEFAULT_KEY, fpir=fpir).threshold_for(people)


def grey_similarity(people: int, *, kiosk: bool = False) -> float:
    """A similarity in the review queue's grey zone for a roster of `people`."""
    return round(default_threshold(people, kiosk=kiosk) - GREY_ZONE / 2, 2)
