"""Translatable labels of the names the Python side shows on pages.

The interface speaks the user's language (the language menu: Vietnamese by
default, English), with English msgids and the Vietnamese catalogue, as FAB does.
Some Vietnamese names also serve elsewhere and must not change with the
user's language: the menu *names* are FAB permission rows (``menu_access``),
and ``STATE_NAMES`` / ``ACTION_NAMES`` fill the Vietnamese error messages.
Pages therefore show these labels instead; their Vietnamese translations are
the same words (a test keeps them in step).
"""

from __future__ import annotations

from typing import Any

from baocao.platform.workflow.chains import Action
from baocao.platform.workflow.transitions import State
from flask_babel import lazy_gettext

__all__ = [
    "ACTION_DONE",
    "ACTION_LABELS",
    "CATEGORY_LABELS",
    "MENU_LABELS",
    "NOTIFICATION_KINDS",
    "STATE_LABELS",
    "label_menu",
]

#: Menu categories, by their (permission) name.
CATEGORY_LABELS: dict[str, Any] = {
    "Báo cáo": lazy_gettext("Reports"),
    "Quản trị": lazy_gettext("Administration"),
    "Hỗ trợ": lazy_gettext("Help desk"),
}
#: Menu entries, by their (permission) name.
MENU_LABELS: dict[str, Any] = {
    "Việc cần làm": lazy_gettext("To do"),
    "Chế độ báo cáo": lazy_gettext("Reporting regimes"),
    "Quy trình phê duyệt": lazy_gettext("Approval chains"),
    "Kiểm tra chữ ký số": lazy_gettext("Verify digital signatures"),
    "Chứng thư số": lazy_gettext("Digital certificates"),
    "Biểu mẫu": lazy_gettext("Forms"),
    "Bảng điều khiển": lazy_gettext("Dashboards"),
    "Danh mục chỉ tiêu": lazy_gettext("Indicator catalogue"),
    "Danh mục đơn vị": lazy_gettext("Unit catalogue"),
    "Tài khoản và phân quyền": lazy_gettext("Accounts and permissions"),
    "Nhật ký hệ thống": lazy_gettext("System log"),
    "Gói tin gửi quốc gia": lazy_gettext("Packages sent to the national system"),
    "Thông báo bảo trì": lazy_gettext("Maintenance notices"),
    "Gửi yêu cầu hỗ trợ": lazy_gettext("Ask for support"),
    "Hàng đợi hỗ trợ": lazy_gettext("Support queue"),
}
#: Submission states (``transitions.STATE_NAMES`` in the user's language).
STATE_LABELS: dict[str, Any] = {
    State.DRAFT.value: lazy_gettext("draft"),
    State.SUBMITTED.value: lazy_gettext("submitted"),
    State.APPROVED.value: lazy_gettext("approved"),
    State.SIGNED.value: lazy_gettext("signed"),
    State.SENT.value: lazy_gettext("sent"),
    State.ACCEPTED.value: lazy_gettext("accepted"),
    State.RETURNED.value: lazy_gettext("returned"),
}
#: Workflow actions (``chains.ACTION_NAMES``) plus the history-only events.
ACTION_LABELS: dict[str, Any] = {
    Action.SUBMIT.value: lazy_gettext("submit"),
    Action.APPROVE.value: lazy_gettext("approve"),
    Action.RETURN.value: lazy_gettext("return"),
    Action.SIGN.value: lazy_gettext("sign"),
    Action.SEND.value: lazy_gettext("send"),
    Action.ACCEPT.value: lazy_gettext("accept"),
    "save": lazy_gettext("save"),
    "seal": lazy_gettext("digital seal"),
}
#: The message after an action succeeded.
ACTION_DONE: dict[str, Any] = {
    Action.SUBMIT.value: lazy_gettext("Report submitted."),
    Action.APPROVE.value: lazy_gettext("Report approved."),
    Action.RETURN.value: lazy_gettext("Report returned."),
    Action.SIGN.value: lazy_gettext("Report signed."),
    Action.SEND.value: lazy_gettext("Report sent."),
    Action.ACCEPT.value: lazy_gettext("Report accepted."),
}
#: Notification kinds (``services.notifications.KIND_NAMES``).
NOTIFICATION_KINDS: dict[str, Any] = {
    "assignment": lazy_gettext("New task"),
    "return": lazy_gettext("Returned"),
    "accepted": lazy_gettext("Accepted"),
    "deadline_soon": lazy_gettext("Deadline soon"),
    "late": lazy_gettext("Late"),
    "late_summary": lazy_gettext("Late units"),
    "reminder": lazy_gettext("Reminder"),
    "deadline_moved": lazy_gettext("Deadline moved"),
}


def label_menu(menu: Any) -> None:
    """Give baocao's menu categories and entries their translatable labels.

    Called once after every view is registered; the names (and so the
    permissions) stay as they are, FAB's menu templates translate the labels.
    """
    for category in menu.get_list():
        category.label = CATEGORY_LABELS.get(category.name, category.label)
        for item in category.childs:
            item.label = MENU_LABELS.get(item.name, item.label)
