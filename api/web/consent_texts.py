"""Visible strings of consent, withdrawal and re-consent, in Vietnamese and English."""

from __future__ import annotations

CONSENT_TEXTS: dict[str, tuple[str, str]] = {
    "consent": ("Sự đồng ý", "Consent"),
    "consent_missing": ("Chưa có đồng ý", "No consent"),
    "consent_withdrawn_status": ("Đã rút đồng ý", "Consent withdrawn"),
    "consent_given": ("Đã đồng ý", "Consent given"),
    "consent_filter_missing": ("Chỉ người chưa có đồng ý", "Only people without consent"),
    "consent_filter_all": ("Tất cả", "Everyone"),
    "consent_first": (
        "Cần ghi nhận sự đồng ý trước khi thêm ảnh khuôn mặt (Nghị định 13/2023: dữ liệu sinh "
        "trắc học cần có sự đồng ý).",
        "Record consent before adding face photos (Decree 13/2023: biometric data needs "
        "recorded consent).",
    ),
    "consent_given_by": ("Người đồng ý (họ và tên)", "Given by (full name)"),
    "consent_relation": ("Quan hệ", "Relation"),
    "consent_self": ("Chính người này", "The person themselves"),
    "consent_guardian": (
        "Người giám hộ (trẻ em): mẹ, cha, người giám hộ…",
        "A guardian (for a minor): mother, father, guardian…",
    ),
    "consent_guardian_relation": ("Quan hệ của người giám hộ", "The guardian's relation"),
    "consent_purposes": ("Mục đích", "Purposes"),
    "photo_purpose": ("Dùng cho", "Used for"),
    "purpose_meetings": ("Điểm danh cuộc họp", "Meeting attendance"),
    "purpose_school_attendance": ("Điểm danh ở trường", "School attendance"),
    "consent_method": ("Cách ghi nhận", "How it was given"),
    "method_paper_form": ("Phiếu đồng ý trên giấy", "A signed paper form"),
    "method_web_checkbox": ("Đồng ý trực tiếp trên trang này", "Agreed here, on this page"),
    "consent_reference": ("Số phiếu", "Form number"),
    "consent_agreed": (
        "Người này (hoặc người giám hộ) đã đồng ý cho lưu ảnh khuôn mặt cho các mục đích trên.",
        "The person (or their guardian) has agreed to their face photos being kept for the "
        "purposes above.",
    ),
    "consent_agree_required": (
        "Hãy đánh dấu ô xác nhận người này (hoặc người giám hộ) đã đồng ý.",
        "Tick the box confirming the person (or their guardian) has agreed.",
    ),
    "consent_record": ("Ghi nhận sự đồng ý", "Record consent"),
    "consent_summary": (
        "{given_by} ({relation}) đồng ý lúc {at}; ghi nhận bởi {by}.",
        "{given_by} ({relation}) consented at {at}; recorded by {by}.",
    ),
    "consent_withdraw": ("Rút sự đồng ý", "Withdraw consent"),
    "consent_withdraw_confirm": (
        "Rút sự đồng ý? Mọi ảnh khuôn mặt lưu theo sự đồng ý này sẽ bị xóa ngay, kể cả trên các "
        "máy điểm danh ở lần đồng bộ tới. Không thể hoàn tác.",
        "Withdraw this consent? Every face photo stored under it is erased now, and from the "
        "kiosks at their next sync. This cannot be undone.",
    ),
    "consent_past": ("Đã rút lúc {at}", "Withdrawn at {at}"),
    "ok_consent_recorded": ("Đã ghi nhận sự đồng ý.", "Consent recorded."),
    "ok_consent_withdrawn": (
        "Đã rút sự đồng ý và xóa ảnh khuôn mặt lưu theo nó.",
        "Consent withdrawn; the face photos stored under it were erased.",
    ),
    "reconsent_title": ("Cần xin lại sự đồng ý", "Ask for consent again"),
    "reconsent_hint": (
        "Ảnh khuôn mặt của những người này đã {days} ngày không được dùng để nhận diện: hãy xin "
        "lại sự đồng ý hoặc xóa dữ liệu khuôn mặt.",
        "These people's face photos have not recognised them for {days} days: ask for their "
        "consent again, or erase their face data.",
    ),
    "reconsent_last_used": ("Lần nhận diện gần nhất", "Last recognised"),
    "reconsent_never": ("Chưa lần nào", "Never"),
    "action_consent_recorded": ("Ghi nhận sự đồng ý", "Consent recorded"),
    "action_consent_withdrawn": ("Rút sự đồng ý", "Consent withdrawn"),
    "action_templates_erased": ("Xóa dữ liệu khuôn mặt", "Face data erased"),
    "action_retention_purge": ("Xóa theo thời hạn lưu giữ", "Retention purge"),
    "audit_erased": ("{count} ảnh khuôn mặt đã bị xóa.", "{count} face photos erased."),
    "audit_purged": (
        "{count} ảnh khuôn mặt chờ xác nhận đã hết hạn lưu giữ.",
        "{count} review face crops past their retention period.",
    ),
}
