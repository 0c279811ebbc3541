"""Reading and writing a test database by URL on either backend (SQLite or PostgreSQL):
what tests use instead of `sqlite3.connect(path)` to count rows or to age a row by hand."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, text


def fetch(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """The rows of one query (`:name` parameters), read on a connection of its own."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


def scalar(url: str, sql: str, **params: Any) -> Any:
    """The single value of one query."""
    rows = fetch(url, sql, **params)
    assert len(rows) == 1 and len(rows[0]) == 1, rows
    return rows[0][0]


def execute(url: str, sql: str, **params: Any) -> int:
    """Run one statement and commit it; the number of rows it touched."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            return int(connection.execute(text(sql), params).rowcount)
    finally:
        engine.dispose()
