"""The server's accept threshold in tests: it follows the number of people searched."""

from __future__ import annotations

from attendance.matching import MatchPolicy, match_policy
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


def default_policy(*, kiosk: bool = False) -> MatchPolicy:
    """The default settings' rule, as the server decides a photo, or as a kiosk decides (at
    the kiosks' stricter rate)."""
    fpir = KioskSettings().fpir if kiosk else None
    return match_policy(MatchSettings(), model_key=DEFAULT_KEY, fpir=fpir)


def default_threshold(people: int, *, kiosk: bool = False) -> float:
    """The threshold for a search among `people` (a roster, a room)."""
    return default_policy(kiosk=kiosk).threshold_for(people)


def grey_similarity(people: int, *, kiosk: bool = False) -> float:
    """A similarity in the middle of the review queue's grey zone for a roster of `people`."""
    policy = default_policy(kiosk=kiosk)
    return round((policy.review_floor_for(people) + policy.threshold_for(people)) / 2, 3)
