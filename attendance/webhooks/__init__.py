"""Webhooks: other systems (a parents' SMS gateway, a city's data platform) told of events from
the outbox (attendance/outbound.py), signed, retried with back-off (docs/webhooks.md)."""
