"""`attendance audit`: walk the hash-chained audit log, and export its head as an anchor."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer

from api.cli_support import local_services, refuse

logger = logging.getLogger(__name__)

audit_app = typer.Typer(
    help="Nhật ký thao tác: kiểm tra chuỗi, xuất mốc neo. The audit log: verify, anchor.",
    no_args_is_help=True,
)


@audit_app.command("verify")
def audit_verify(
    anchor: Annotated[
        Path | None,
        typer.Option(help="An anchor written by `attendance audit anchor`: it must still hold."),
    ] = None,
) -> None:
    """Walk the chain: exit 0 when intact, 1 naming the first entry changed, removed or
    inserted (2: no database, or the anchor file cannot be read)."""
    from attendance.audit_verify import parse_anchor, verify_chain

    kept = None
    if anchor is not None:
        try:
            kept = parse_anchor(json.loads(anchor.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise refuse(
                f"Không đọc được mốc neo {anchor}: {exc}. Cannot read the anchor {anchor}: {exc}."
            ) from exc
    services = local_services(create=False)
    report = verify_chain(services.engine, anchor=kept)
    services.engine.dispose()
    if report.problem is not None:
        raise refuse(report.problem.message, status=1)
    head = report.head.hash
    anchored = f" (anchor seq {kept.seq} holds)" if kept is not None else ""
    typer.echo(
        f"{report.entries} mục, chuỗi nguyên vẹn, đầu chuỗi {head}. "
        f"{report.entries} entries, chain intact, head {head}{anchored}"
    )


@audit_app.command("anchor")
def audit_anchor(
    out: Annotated[
        Path | None, typer.Option(help="Write the anchor to this file (else print it).")
    ] = None,
) -> None:
    """The newest chained entry as JSON {seq, hash, at}: keep it elsewhere (printed, mailed,
    another machine); `audit verify --anchor FILE` then shows nothing before it was cut off."""
    from attendance.audit_verify import chain_head

    services = local_services(create=False)
    head = chain_head(services.engine)
    services.engine.dispose()
    text = json.dumps(head.as_json(), ensure_ascii=False)
    if out is None:
        typer.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    typer.echo(f"Đã ghi mốc neo vào {out}. Anchor written to {out}: {text}")
