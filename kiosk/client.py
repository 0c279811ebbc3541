"""The kiosk's side of the HTTP API: gallery manifest, templates, check-ins and sightings."""

from __future__ import annotations

import logging

import httpx

from kiosk.outbox import CheckinEvent, Outcome, SendResult
from kiosk.sighting_outbox import SightingEvent
from wire.kiosk import KioskArrivalsRead, KioskGalleryRead, TemplatesRead

logger = logging.getLogger(__name__)

# Refusals that pass: a timed-out request, a rate limit. Delivery tries again later.
_RETRY_STATUSES = {408, 425, 429}
# Refusals of the kiosk itself (its token, its room, what it asks for): the same request can
# never succeed, whatever the event. 403 and 422 on a single check-in are about that event
# (another meeting's window, a time out of range) and only that event is rejected.
_REFUSED_GALLERY = frozenset({401, 403, 422})
# A template that left the room between the manifest and this fetch answers 403: the next
# manifest no longer lists it, so only the token and the request itself are for good here.
_REFUSED_TEMPLATES = frozenset({401, 422})
_REFUSED_DELIVERY = frozenset({401})


class KioskRefused(Exception):
    """The server refuses this kiosk for good (a wrong room, a request it cannot take):
    retrying cannot help, a person must change the kiosk's settings and start it again."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class TokenRefused(KioskRefused):
    """The server does not know this kiosk's token (revoked, mistyped): it will not come back."""

    def __init__(self, status: int) -> None:
        super().__init__(
            status,
            f"Máy chủ từ chối mã kiosk (HTTP {status}: đã thu hồi hoặc sai); hãy tạo mã mới bằng "
            "'attendance kiosk-token create' và chạy lại kiosk với mã đó. "
            f"The server refused this kiosk's token (HTTP {status}: revoked or wrong); create "
            "a new one with 'attendance kiosk-token create' and run the kiosk with it.",
        )


def refusal(response: httpx.Response) -> KioskRefused:
    """The exception for a refusal of the kiosk itself, with the server's own reason."""
    if response.status_code == 401:
        return TokenRefused(response.status_code)
    reason, detail = "", response.text.strip()[:300]
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        reason = str(body.get("reason") or "")
        detail = str(body.get("detail") or detail)[:300]
    status = f"HTTP {response.status_code}" + (f" {reason}" if reason else "")
    return KioskRefused(
        response.status_code,
        f"Máy chủ từ chối kiosk này ({status}); thử lại cũng không được: hãy sửa mã kiosk hoặc "
        "--room rồi chạy lại. "
        f"The server refuses this kiosk ({status}); retrying cannot help: fix its token or "
        f"--room and start it again. Máy chủ nói / the server says: {detail}",
    )


def failure_text(exc: Exception) -> str:
    """A passing failure in a few words for the log (httpx's own text carries a web link)."""
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}: {exc.response.text.strip()[:200]}"
    if isinstance(exc, httpx.TransportError):
        return f"server unreachable ({type(exc).__name__})"
    return f"{type(exc).__name__}: {exc}"


def _refuse(response: httpx.Response, statuses: frozenset[int]) -> None:
    if response.status_code in statuses:
        raise refusal(response)


class KioskClient:
    """One kiosk token talking to one server; every call is bounded by `timeout_s`."""

    def __init__(
        self,
        server: str,
        token: str,
        *,
        room: str | None = None,
        source: str = "kiosk",
        timeout_s: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.room = room
        self.source = source[:100]
        # A school gate's kiosk, as the server's manifest says: its check-ins go to the gate.
        self.gate: str | None = None
        self._http = httpx.Client(
            base_url=server.rstrip("/") + "/api/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout_s,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def take_name(self, name: str) -> None:
        """The kiosk's name, once known (--name, else the token's): its check-ins' source."""
        self.source = f"kiosk:{name}"[:100]

    def gallery(self, *, model: str, etag: str | None) -> KioskGalleryRead | None:
        """The manifest of today's meetings in the room; None when `etag` is still current."""
        found = self._get_if_changed("/kiosk/gallery", etag, model=model)
        if found is None:
            return None
        manifest = KioskGalleryRead.model_validate(found)
        self.gate = manifest.gate
        return manifest

    def arrivals(self, *, etag: str | None) -> KioskArrivalsRead | None:
        """Who is present now in the room's meetings; None when `etag` is still current."""
        found = self._get_if_changed("/kiosk/arrivals", etag)
        return None if found is None else KioskArrivalsRead.model_validate(found)

    def _get_if_changed(self, path: str, etag: str | None, **params: str) -> object | None:
        """The room's answer at `path` (JSON), or None while `etag` is still current."""
        if self.room:
            params["room"] = self.room
        headers = {"If-None-Match": f'"{etag}"'} if etag else {}
        response = self._http.get(path, params=params, headers=headers)
        if response.status_code == 304:
            return None
        _refuse(response, _REFUSED_GALLERY)
        response.raise_for_status()
        return response.json()

    def templates(self, ids: list[int], *, model: str) -> TemplatesRead:
        body: dict[str, object] = {"ids": ids, "model": model}
        if self.room:
            body["room"] = self.room
        response = self._http.post("/kiosk/templates", json=body)
        _refuse(response, _REFUSED_TEMPLATES)
        response.raise_for_status()
        return TemplatesRead.model_validate(response.json())

    def send(self, event: CheckinEvent) -> SendResult:
        """Deliver one check-in; raises KioskRefused (the event stays pending) when the
        server refuses the kiosk itself."""
        if self.gate is not None:
            return self._send_gate(event)
        body = {
            "person_id": event.person_id,
            "at": event.at,
            "source": self.source,
            "idempotency_key": event.idempotency_key,
            "similarity": event.similarity,
            "margin": event.margin,
        }
        try:
            response = self._http.post(f"/meetings/{event.meeting_id}/checkins", json=body)
        except httpx.TransportError as exc:
            return SendResult(Outcome.RETRY, f"server unreachable: {type(exc).__name__}")
        _refuse(response, _REFUSED_DELIVERY)
        result = _outcome(response)
        first = _arrived_before(response, event.idempotency_key)
        return result if first is None else SendResult(result.outcome, arrived_at=first)

    def _send_gate(self, event: CheckinEvent) -> SendResult:
        """A student seen at the school gate: the server decides in or out, and the session."""
        body = {
            "person_id": event.person_id,
            "at": event.at,
            "idempotency_key": event.idempotency_key,
            "similarity": event.similarity,
            "margin": event.margin,
        }
        try:
            response = self._http.post("/kiosk/gate/events", json=body)
        except httpx.TransportError as exc:
            return SendResult(Outcome.RETRY, f"server unreachable: {type(exc).__name__}")
        _refuse(response, _REFUSED_DELIVERY)
        return _outcome(response)

    def send_sighting(self, sighting: SightingEvent) -> SendResult:
        """An uncertain face, with its crop, for the review queue (multipart)."""
        form = {
            "candidate_id": str(sighting.candidate_id),
            "similarity": str(float(sighting.similarity)),
            "source": self.source,
            "idempotency_key": sighting.idempotency_key,
            "at": sighting.at,
        }
        if sighting.runner_up_id is not None:
            form["runner_up_id"] = str(sighting.runner_up_id)
        if sighting.margin is not None:
            form["margin"] = str(float(sighting.margin))
        crop = {"crop": ("face.jpg", sighting.crop_jpeg, "image/jpeg")}
        try:
            response = self._http.post(
                f"/meetings/{sighting.meeting_id}/reviews", data=form, files=crop
            )
        except httpx.TransportError as exc:
            return SendResult(Outcome.RETRY, f"server unreachable: {type(exc).__name__}")
        _refuse(response, _REFUSED_DELIVERY)
        return _outcome(response)


def _arrived_before(response: httpx.Response, key: str) -> str | None:
    """The first arrival's time when the server kept another one than this check-in (200,
    created false, another key): the person came in another way before."""
    if response.status_code != 200:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or body.get("created") is not False:
        return None
    if body.get("idempotency_key") == key or not isinstance(body.get("at"), str):
        return None
    return str(body["at"])


def _outcome(response: httpx.Response) -> SendResult:
    if response.status_code in (200, 201):
        return SendResult(Outcome.DELIVERED)
    message = f"HTTP {response.status_code}: {response.text[:300]}"
    if response.status_code >= 500 or response.status_code in _RETRY_STATUSES:
        return SendResult(Outcome.RETRY, message)
    return SendResult(Outcome.REJECTED, message)
