"""The kiosk's side of the HTTP API: gallery manifest, templates, check-ins and sightings."""

from __future__ import annotations

import logging

import httpx

from kiosk.outbox import CheckinEvent, Outcome, SendResult
from kiosk.sighting_outbox import SightingEvent
from wire.kiosk import KioskGalleryRead, TemplatesRead

logger = logging.getLogger(__name__)

# Refusals that a person fixes on the server (a new token, a lifted rate limit), after
# which the same event is good: keep it rather than drop it as rejected.
_RETRY_STATUSES = {401, 408, 425, 429}


class TokenRefused(Exception):
    """The server does not know this kiosk's token (revoked, mistyped): it will not come back."""

    def __init__(self, status: int) -> None:
        super().__init__(
            f"Máy chủ từ chối mã kiosk (HTTP {status}: đã thu hồi hoặc sai); hãy tạo mã mới bằng "
            "'attendance kiosk-token create' và chạy lại kiosk với mã đó. "
            f"The server refused this kiosk's token (HTTP {status}: revoked or wrong); create "
            "a new one with 'attendance kiosk-token create' and run the kiosk with it."
        )
        self.status = status


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
        self._http = httpx.Client(
            base_url=server.rstrip("/") + "/api/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout_s,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def gallery(self, *, model: str, etag: str | None) -> KioskGalleryRead | None:
        """The manifest of today's meetings in the room; None when `etag` is still current."""
        params = {"model": model} | ({"room": self.room} if self.room else {})
        headers = {"If-None-Match": f'"{etag}"'} if etag else {}
        response = self._http.get("/kiosk/gallery", params=params, headers=headers)
        if response.status_code == 304:
            return None
        _refuse_token(response)
        response.raise_for_status()
        return KioskGalleryRead.model_validate(response.json())

    def templates(self, ids: list[int], *, model: str) -> TemplatesRead:
        body: dict[str, object] = {"ids": ids, "model": model}
        if self.room:
            body["room"] = self.room
        response = self._http.post("/kiosk/templates", json=body)
        _refuse_token(response)
        response.raise_for_status()
        return TemplatesRead.model_validate(response.json())

    def send(self, event: CheckinEvent) -> SendResult:
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
        return _outcome(response)


def _outcome(response: httpx.Response) -> SendResult:
    if response.status_code in (200, 201):
        return SendResult(Outcome.DELIVERED)
    message = f"HTTP {response.status_code}: {response.text[:300]}"
    if response.status_code >= 500 or response.status_code in _RETRY_STATUSES:
        return SendResult(Outcome.RETRY, message)
    return SendResult(Outcome.REJECTED, message)


def _refuse_token(response: httpx.Response) -> None:
    if response.status_code == 401:
        raise TokenRefused(response.status_code)
