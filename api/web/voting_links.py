"""A voting link a page just issued: held (api/web/held_links.py) while the form post
redirects, then shown once, with whose it is, on the page the redirect opens."""

from __future__ import annotations

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.convert_voting import qr_svg, voting_url
from api.link_reach import unreachable
from api.services import Services
from api.web.held_links import HeldLink, IssuedLink
from api.web.render import lang_param
from attendance.orm import Person
from attendance.permissions import Principal
from attendance.settings import Settings

# The address parameter naming the held link: a key to it, never the link itself.
PARAM = "link"


def issued_link(settings: Settings, *, token: str) -> IssuedLink:
    url = voting_url(settings, token)
    # The QR code is our own SVG, drawn from the URL; nothing typed by a person is in it.
    return IssuedLink(url=url, qr=Markup(qr_svg(url)), reach=unreachable(url, settings))


def show_once(
    request: Request,
    services: Services,
    staff: Principal,
    *,
    page: str,
    meeting_id: int,
    person: Person,
    token: str | None,
    checked_in: bool,
) -> Response:
    """Hold the link (or, with no token, the word that the earlier one still works) and
    send the browser to `page`, a GET page that shows it once: a reload posts nothing."""
    link = None if token is None else issued_link(services.settings, token=token)
    held = HeldLink(
        meeting_id=meeting_id,
        person_id=person.id,
        name=person.full_name,
        title=person.title,
        unit=person.unit,
        link=link,
        checked_in=checked_in,
        earlier=token is None,
    )
    key = services.held_links.keep(held, owner=owner_of(staff))
    language = lang_param(request)
    return RedirectResponse(f"{page}?{PARAM}={key}{language}#issued-link", status_code=303)


def held_for_page(
    request: Request, services: Services, staff: Principal, *, meeting_id: int
) -> tuple[HeldLink | None, bool]:
    """The held link this address names, and whether it named one that is gone (expired,
    another worker's, or after a restart), so the page can say to issue a new one."""
    key = request.query_params.get(PARAM)
    if not key:
        return None, False
    held = services.held_links.take(key, owner=owner_of(staff), meeting_id=meeting_id)
    return held, held is None


def owner_of(staff: Principal) -> str:
    """Whose a held link is: the browser's sign-in (two secretaries may share one token)."""
    return f"session:{staff.session_id}" if staff.session_id else f"token:{staff.token_id}"
