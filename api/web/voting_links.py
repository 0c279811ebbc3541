"""A voting link a staff check-in just earned, shown once on the page that made it."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from starlette.responses import Response

from api.convert_voting import qr_svg, voting_url
from api.link_reach import UnreachableLink, unreachable
from attendance.settings import Settings


@dataclass(frozen=True)
class IssuedLink:
    name: str
    url: str
    qr: Markup
    # Shown with the link when phones cannot open it (_link_reach.html).
    reach: UnreachableLink | None = None


def issued_link(settings: Settings, *, token: str, name: str) -> IssuedLink:
    url = voting_url(settings, token)
    # The QR code is our own SVG, drawn from the URL; nothing typed by a person is in it.
    return IssuedLink(name=name, url=url, qr=Markup(qr_svg(url)), reach=unreachable(url, settings))


def not_stored(response: Response) -> Response:
    """The link is a credential: no browser or proxy keeps the page that shows it."""
    response.headers["Cache-Control"] = "no-store"
    return response
