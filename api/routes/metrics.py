"""GET /metrics: the server's Prometheus text (docs/metrics.md), for the admin, the metrics
token, or a client address ATTEND_METRICS_ALLOW names."""

from __future__ import annotations

import hmac
import ipaddress
import logging

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST

from api.deps import ServicesDep, bearer_token, client_address, need
from attendance.permissions import Permission
from attendance.settings import Settings
from attendance.throttle import TOKEN

logger = logging.getLogger(__name__)

router = APIRouter(tags=["operations"])
ADMIN_ONLY = need(Permission.READ_METRICS)


def address_allowed(host: str, settings: Settings) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # "testclient", "unknown": no address to match
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in ipaddress.ip_network(n, strict=False) for n in settings.metrics_allow)


def metrics_token_matches(request: Request, settings: Settings) -> bool:
    configured = settings.metrics_token
    presented = bearer_token(request)
    if configured is None or presented is None:
        return False
    return hmac.compare_digest(presented.encode(), configured.get_secret_value().encode())


def metrics_reader(request: Request, services: ServicesDep) -> None:
    """An allowed address or the metrics token; else what `need(READ_METRICS)` lets through
    (the admin's token or session), with its 401/403 and its throttle on wrong tokens."""
    settings = services.settings
    client = client_address(request)
    if address_allowed(client, settings):
        return
    # An address refused for its wrong tokens is refused before the metrics token is compared:
    # otherwise the throttle would not slow down guessing it.
    services.throttle.check(client=client, kind=TOKEN)
    if metrics_token_matches(request, settings):
        return
    ADMIN_ONLY.dependency(request, services)


# What this route declares, for the permission table (docs/permissions.md).
metrics_reader.declared = ADMIN_ONLY.dependency.declared  # type: ignore[attr-defined]


@router.get("/metrics", dependencies=[Depends(metrics_reader)], include_in_schema=False)
def metrics(services: ServicesDep) -> Response:
    """Every worker's counts, summed, and the queue depths read now."""
    text = services.metrics.exposition(services.sessions)
    return Response(text, media_type=CONTENT_TYPE_LATEST)
