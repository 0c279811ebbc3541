"""Texts of the conclusion notice page and the absence reasons on the roster, in Vietnamese
and English."""

from __future__ import annotations

NOTICE_TEXTS: dict[str, tuple[str, str]] = {
    # The roster: why someone stays away (the conclusion notice names it).
    "absence_reason": ("Lý do vắng", "Absence reason"),
    "absence_reason_hint": (
        "Lý do vắng mặt (nếu đã báo), tối đa 300 ký tự",
        "Why they stay away (if they sent word), at most 300 characters",
    ),
    "ok_absence_reason_saved": ("Đã lưu lý do vắng.", "The absence reason was saved."),
    "action_absence_reason_set": ("Ghi lý do vắng", "Absence reason noted"),
    "action_absence_reason_cleared": ("Xóa lý do vắng", "Absence reason cleared"),
    # The conclusion notice page (/meetings/{id}/conclusions).
    "notice_link": ("Thông báo kết luận", "Conclusion notice"),
    "notice_title": ("Thông báo kết luận cuộc họp", "The meeting's conclusion notice"),
    "notice_hint": (
        "Điền các thông tin của văn bản và kết luận từng nội dung; ô để trống sẽ in thành dấu "
        "chấm để điền tay. Bản nháp được lưu cùng cuộc họp.",
        "Fill in the document's details and a conclusion for each item; a blank prints as "
        "dots to fill in by hand. The draft is saved with the meeting.",
    ),
    "notice_read_only": (
        "Bạn chỉ có quyền xem bản nháp; thư ký hoặc quản trị viên mới lưu được.",
        "You may read the draft; only a secretary or an administrator may save it.",
    ),
    "notice_document": ("Thông tin văn bản", "The document"),
    "notice_parent_body": ("Cơ quan chủ quản", "Parent body"),
    "notice_issuing_body": ("Cơ quan ban hành", "Issuing body"),
    "notice_number": ("Số văn bản (vd 125/TB-UBND)", "Number (e.g. 125/TB-UBND)"),
    "notice_place": ("Địa danh", "Place"),
    "notice_issued_on": ("Ngày ban hành", "Date issued"),
    "notice_subject": ("Trích yếu (để trống: theo tên cuộc họp)", "Subject (blank: the title)"),
    "notice_chair_section": ("Chủ trì và mở đầu", "Chair and opening"),
    "notice_chair_person": ("Người chủ trì (trong danh sách)", "Chair (from the roster)"),
    "notice_chair_none": ("— Chưa chọn —", "— None chosen —"),
    "notice_chair_words": (
        "Cách ghi người chủ trì (vd đồng chí Nguyễn Văn An, Chủ tịch UBND quận)",
        "The words for the chair (e.g. Comrade Nguyễn Văn An, Chair of the district)",
    ),
    "notice_opening": ("Phần mở đầu", "Opening"),
    "notice_items": ("Kết luận từng nội dung", "Conclusions per agenda item"),
    "notice_no_items": (
        "Cuộc họp chưa có nội dung chương trình nào.",
        "The meeting has no agenda items yet.",
    ),
    "notice_loose": ("Nội dung khác", "Other matters (on no agenda item)"),
    "notice_polls": ("Biểu quyết", "Polls"),
    "notice_polls_closed_only": (
        "Chỉ biểu quyết đã kết thúc mới có kết quả để đưa vào thông báo.",
        "Only closed polls have a result to put in the notice.",
    ),
    "notice_opinions": ("Ý kiến ({count})", "Opinions ({count})"),
    "notice_no_opinions": ("Chưa có ý kiến nào.", "No opinions yet."),
    "stance_agree": ("Đồng ý", "Agree"),
    "stance_object": ("Không đồng ý", "Object"),
    "stance_other": ("Ý kiến khác", "Other opinions"),
    "notice_anonymous": ("Không ghi tên", "Anonymous"),
    "notice_conclusion": ("Kết luận của chủ trì về nội dung này", "The chair's conclusion"),
    "notice_closing": ("Phần kết luận chung", "Closing (the meeting as a whole)"),
    "notice_signing": ("Nơi nhận và người ký", "Recipients and signer"),
    "notice_recipients": ("Nơi nhận (mỗi dòng một nơi)", "Recipients (one per line)"),
    "notice_signer_title": (
        "Chức vụ người ký (mỗi dòng một dòng in: thẩm quyền ký như TL. CHỦ TỊCH, rồi chức vụ)",
        "Signer's title (one printed line each: the authority, e.g. TL. CHỦ TỊCH, then the title)",
    ),
    "notice_signer_name": ("Họ tên người ký", "Signer's name"),
    "notice_save": ("Lưu bản nháp", "Save draft"),
    "notice_download_docx": ("Tải Word (.docx)", "Download Word (.docx)"),
    "notice_download_pdf": ("Tải PDF", "Download PDF"),
    "notice_saved_by": ("Lưu lần cuối {at} bởi {who}", "Last saved {at} by {who}"),
    "ok_notice_saved": ("Đã lưu bản nháp thông báo kết luận.", "The notice draft was saved."),
    "action_conclusion_notice_saved": ("Lưu bản nháp thông báo kết luận", "Notice draft saved"),
}
