"""Rendering pages: one Jinja environment (autoescaped), the language, the shared context."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from api.web.texts import TEXTS, Translator
from attendance.permissions import Permission, Principal, may

HERE = Path(__file__).parent
LANG_COOKIE = "attend_lang"
LANGS = ("vi", "en")


@cache
def environment() -> Environment:
    # Autoescape every template: names and notes are typed by people, never trusted as HTML.
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def pick_lang(request: Request) -> str:
    """?lang= wins (and is remembered in a cookie), then the cookie, then Vietnamese."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return asked if asked in LANGS else "vi"


def lang_param(request: Request) -> str:
    """`&lang=..` to carry a language asked for in this address on to a redirect's."""
    lang = request.query_params.get("lang")
    return f"&lang={lang}" if lang in LANGS else ""


def render(
    request: Request,
    template: str,
    *,
    staff: Principal | None,
    status_code: int = 200,
    zone: str | None = None,
    **context: Any,
) -> HTMLResponse:
    lang = pick_lang(request)
    zone = zone or request.state.services.settings.timezone
    tz = ZoneInfo(zone)

    def clock(at: datetime | None, with_date: bool = False) -> str:
        if at is None:
            return ""
        local = at.astimezone(tz)
        return local.strftime("%d/%m/%Y %H:%M" if with_date else "%H:%M")

    def allowed(permission: str) -> bool:
        # Buttons the signed-in role may not use are not shown; the server refuses them too.
        return staff is not None and may(staff.role, Permission(permission))

    other = "en" if lang == "vi" else "vi"
    translate = Translator(lang)
    done = request.query_params.get("ok", "")
    context.setdefault("flash", translate("ok_" + done) if "ok_" + done in TEXTS else None)
    body = (
        environment()
        .get_template(template)
        .render(
            t=translate,
            lang=lang,
            other_lang=other,
            other_lang_url=str(request.url.include_query_params(lang=other)),
            staff=staff,
            may=allowed,
            path=request.url.path,
            clock=clock,
            zone=zone,
            **context,
        )
    )
    response = HTMLResponse(body, status_code=status_code)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    response.headers["Cache-Control"] = "no-store"  # pages show names; do not cache them
    return response


__all__ = ["LANGS", "TEXTS", "lang_param", "pick_lang", "render"]
