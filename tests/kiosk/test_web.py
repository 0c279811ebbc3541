"""The kiosk's local HTTP server: routes, 404, failures, the listen option, stopping."""

from __future__ import annotations

import threading

import httpx
import pytest

from kiosk.web import KioskWebServer, Reply, parse_listen


def test_listen_option_parses_host_and_port_and_zero_turns_it_off() -> None:
    assert parse_listen("127.0.0.1:8765") == ("127.0.0.1", 8765)
    assert parse_listen(":9000") == ("0.0.0.0", 9000)
    assert parse_listen("0") is None
    with pytest.raises(ValueError, match="HOST:PORT"):
        parse_listen("localhost")


def test_server_answers_routes_until_the_stop_event() -> None:
    def hello(query: dict[str, str]) -> Reply:
        return Reply(f"hello {query.get('who', '?')}".encode(), "text/plain")

    def broken(_query: dict[str, str]) -> Reply:
        raise RuntimeError("boom")

    stop = threading.Event()
    server = KioskWebServer(("127.0.0.1", 0), {"/hello": hello, "/broken": broken}, stop)
    server.start()
    try:
        base = f"http://127.0.0.1:{server.address[1]}"
        assert httpx.get(base + "/hello?who=an").text == "hello an"
        assert httpx.get(base + "/nothing").status_code == 404
        assert httpx.get(base + "/broken").status_code == 500
    finally:
        stop.set()
        server.close()
    with pytest.raises(httpx.TransportError):
        httpx.get(base + "/hello", timeout=2)
