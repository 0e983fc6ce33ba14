"""Translatable labels of the names the Python side shows on pages.

The interface speaks the user's language (the language menu: Vietnamese by
default, English), with English msgids and the Vietnamese catalogue, as FAB does.
Some Vietnamese names also serve elsewhere and must not change with the
user's language: the menu *names* are FAB permission rows (``menu_access``),
and ``STATE_NAMES`` / ``ACTION_NAMES`` fill the Vietnamese error messages.
Pages therefore show these labels instead; their Vietnamese translations are
the same words (a test keeps them in step). Unit kinds, role names, regime
kinds, contents and methods and the outbox states get their labels here for
the same reason: their Vietnamese names also fill exports, FAB role rows or
messages that stay Vietnamese in both languages. Names only pages show (audit
actions, support states, package types, designer cell roles and kinds,
indicator rules, panel kinds, import actions) exist only here.
"""

from __future__ import annotations

from typing import Any

from baocao.platform.roles import ROLE_NAMES, Role
from baocao.platform.workflow.chains import Action
from baocao.platform.workflow.transitions import State
from flask_babel import lazy_gettext

__all__ = [
    "ACTION_DONE",
    "ACTION_LABELS",
    "ACTOR_UNIT_LABELS",
    "AGGREGATION_RULE_LABELS",
    "AUDIT_ACTION_LABELS",
    "CATEGORY_LABELS",
    "CELL_KIND_LABELS",
    "CELL_ROLE_LABELS",
    "IMPORT_ACTION_LABELS",
    "INDICATOR_RULE_LABELS",
    "MENU_LABELS",
    "NOTIFICATION_KINDS",
    "OUTBOX_STATE_LABELS",
    "PACKAGE_TYPE_LABELS",
    "PANEL_KIND_LABELS",
    "REGIME_CONTENT_LABELS",
    "REGIME_KIND_LABELS",
    "REGIME_METHOD_LABELS",
    "ROLE_LABELS",
    "ROLE_NAME_LABELS",
    "STATE_LABELS",
    "SUPPORT_STATUS_LABELS",
    "UNIT_KIND_LABELS",
    "UNIT_SUBTYPE_LABELS",
    "label_menu",
    "unit_kind_label",
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

#: Unit kinds (``models.unit.KIND_LABELS``), by kind value.
UNIT_KIND_LABELS: dict[str, Any] = {
    "province": lazy_gettext("Province"),
    "department": lazy_gettext("Department, board, agency"),
    "commune": lazy_gettext("Commune, ward"),
    "subunit": lazy_gettext("Subordinate unit"),
}
#: The usual unit subtypes (``models.unit.SUBTYPE_LABELS``).
UNIT_SUBTYPE_LABELS: dict[str, Any] = {
    "xa": lazy_gettext("Commune"),
    "phuong": lazy_gettext("Ward"),
    "so": lazy_gettext("Department"),
    "van-phong": lazy_gettext("Office"),
    "thanh-tra": lazy_gettext("Inspectorate"),
}
#: What a unit import would do with a row (`services.unit_import.ImportRow.action`).
IMPORT_ACTION_LABELS: dict[str, Any] = {
    "create": lazy_gettext("New"),
    "update": lazy_gettext("Update"),
    "unchanged": lazy_gettext("Unchanged"),
    "error": lazy_gettext("Error"),
}
#: Roles (``roles.ROLE_NAMES``, which are also the FAB role names), by role key.
ROLE_LABELS: dict[str, Any] = {
    Role.SYSADMIN.value: lazy_gettext("System administrator"),
    Role.UNIT_ADMIN.value: lazy_gettext("Unit administrator"),
    Role.DESIGNER.value: lazy_gettext("Form designer"),
    Role.DATA_ENTRY.value: lazy_gettext("Data entry"),
    Role.APPROVER.value: lazy_gettext("Leader"),
    Role.SENDER.value: lazy_gettext("Report sender"),
    Role.AGGREGATOR.value: lazy_gettext("Aggregator"),
    Role.VIEWER.value: lazy_gettext("Report viewer"),
}
#: The same labels by FAB role name, for pages that list a user's FAB roles;
#: a role baocao does not know (FAB's ``Public``) keeps its name.
ROLE_NAME_LABELS: dict[str, Any] = {ROLE_NAMES[r]: ROLE_LABELS[r.value] for r in Role}
#: Approval chain actor units (``chains.UNIT_NAMES``).
ACTOR_UNIT_LABELS: dict[str, Any] = {
    "reporting": lazy_gettext("the reporting unit"),
    "parent": lazy_gettext("the reporting unit's parent"),
    "receiving": lazy_gettext("the receiving unit"),
}
#: Regime kinds (``regime.KINDS``).
REGIME_KIND_LABELS: dict[str, Any] = {
    "dinh_ky": lazy_gettext("periodic"),
    "chuyen_de": lazy_gettext("thematic"),
    "dot_xuat": lazy_gettext("ad hoc"),
}
#: Regime contents (``regime.CONTENTS``).
REGIME_CONTENT_LABELS: dict[str, Any] = {
    "numeric": lazy_gettext("figures"),
    "narrative": lazy_gettext("outline"),
    "linked": lazy_gettext("linked"),
}
#: Sending and receiving methods (``regime.METHODS``).
REGIME_METHOD_LABELS: dict[str, Any] = {
    "he_thong": lazy_gettext("through the reporting information system"),
    "van_ban_dien_tu": lazy_gettext("electronic document"),
    "email": lazy_gettext("email"),
    "buu_chinh": lazy_gettext("postal service"),
    "fax": lazy_gettext("fax"),
    "truc_tiep": lazy_gettext("delivered in person"),
}
#: Audit log actions (the `action` of `services.audit.record`); a new action needs one.
AUDIT_ACTION_LABELS: dict[str, Any] = {
    "unit.create": lazy_gettext("Create a unit"),
    "unit.edit": lazy_gettext("Edit a unit"),
    "unit.move": lazy_gettext("Move a unit to another parent"),
    "unit.close": lazy_gettext("Close a unit"),
    "unit.merge": lazy_gettext("Merge units"),
    "unit.import": lazy_gettext("Import the unit catalogue"),
    "unit.seed": lazy_gettext("Seed the Đồng Tháp catalogue"),
    "account.create": lazy_gettext("Create an account"),
    "account.edit": lazy_gettext("Edit an account"),
    "account.deactivate": lazy_gettext("Lock an account"),
    "account.reactivate": lazy_gettext("Unlock an account"),
    "account.transfer": lazy_gettext("Hand over an account"),
    "account.password": lazy_gettext("Reset a password"),
    "grant.add": lazy_gettext("Grant per-report permissions"),
    "grant.revoke": lazy_gettext("Revoke permissions"),
    "announcement.post": lazy_gettext("Post a maintenance notice"),
    "announcement.withdraw": lazy_gettext("Withdraw a maintenance notice"),
    "support.create": lazy_gettext("File a support request"),
    "support.update": lazy_gettext("Update a support request"),
    "chain.create": lazy_gettext("Create an approval chain"),
    "regime.create": lazy_gettext("Create a reporting regime"),
    "regime.publish": lazy_gettext("Publish a reporting regime"),
    "period.open": lazy_gettext("Open a reporting period"),
    "period.deadline": lazy_gettext("Change a report deadline"),
    "period.close": lazy_gettext("Close a reporting period"),
    "period.remind": lazy_gettext("Remind units that have not reported"),
    "submission.save": lazy_gettext("Save report data"),
    "submission.import": lazy_gettext("Import figures from an Excel file"),
    "submission.submit": lazy_gettext("Submit a report"),
    "submission.approve": lazy_gettext("Approve a report"),
    "submission.return": lazy_gettext("Return a report"),
    "submission.sign": lazy_gettext("Sign a report"),
    "submission.send": lazy_gettext("Send a report"),
    "submission.accept": lazy_gettext("Accept a report"),
    "submission.record_outside": lazy_gettext(
        "Record a report received outside the system"
    ),
    "exchange.queue": lazy_gettext("Queue a QCVN 125 package"),
    "exchange.delivered": lazy_gettext("QCVN 125 package delivered"),
    "exchange.pending": lazy_gettext("QCVN 125 package failed, will be resent"),
    "exchange.rejected": lazy_gettext("QCVN 125 package rejected"),
    "exchange.failed": lazy_gettext("QCVN 125 package could not be delivered"),
    "exchange.retry": lazy_gettext("Resend a QCVN 125 package now"),
    "exchange.error": lazy_gettext("QCVN 125 package could not be built"),
    "indicator.create": lazy_gettext("Add an indicator"),
    "indicator.update": lazy_gettext("Edit an indicator"),
    "dashboard.save": lazy_gettext("Save a dashboard"),
}
#: Support request states (`models.support.SupportStatus`).
SUPPORT_STATUS_LABELS: dict[str, Any] = {
    "new": lazy_gettext("Just received"),
    "in_progress": lazy_gettext("In progress"),
    "done": lazy_gettext("Completed"),
}
#: The outbox page's message states (``exchange.outbox.SHOWN_LABELS``).
OUTBOX_STATE_LABELS: dict[str, Any] = {
    "queued": lazy_gettext("Waiting to be sent"),
    "sending": lazy_gettext("Sending"),
    "delivered": lazy_gettext("Delivered"),
    "retrying": lazy_gettext("Waiting to be resent"),
    "rejected": lazy_gettext("Rejected"),
    "failed": lazy_gettext("Sending failed"),
}
#: QCVN 125 package types (`exchange.qcvn125.PackageType`).
PACKAGE_TYPE_LABELS: dict[str, Any] = {
    "che_do_bao_cao": lazy_gettext("Reporting regime"),
    "bieu_mau": lazy_gettext("Form"),
    "de_cuong": lazy_gettext("Outline"),
    "du_lieu_bao_cao": lazy_gettext("Report data"),
    "du_lieu_danh_sach": lazy_gettext("List data"),
    "bao_cao_de_cuong": lazy_gettext("Outline report"),
    "trang_thai": lazy_gettext("Report status"),
    "danh_muc_ky": lazy_gettext("Reporting period catalogue"),
    "danh_muc_chi_tieu": lazy_gettext("Indicator catalogue"),
    "bo_chi_so": lazy_gettext("KPI set"),
    "nhom_chi_tieu": lazy_gettext("Indicator groups"),
    "phan_to": lazy_gettext("Disaggregations"),
    "du_lieu_chi_so": lazy_gettext("KPI data"),
}
#: Designer cell roles, the form page's choices (``form_overrides.ROLES``).
CELL_ROLE_LABELS: dict[str, Any] = {
    "label": lazy_gettext("Label"),
    "input": lazy_gettext("Input cell"),
    "computed": lazy_gettext("Computed cell"),
    "narrative": lazy_gettext("Paragraph"),
}
#: Designer field kinds (``form_overrides.KINDS``).
CELL_KIND_LABELS: dict[str, Any] = {
    "integer": lazy_gettext("Whole number"),
    "decimal": lazy_gettext("Decimal number"),
    "percent": lazy_gettext("Percentage"),
    "date": lazy_gettext("Date"),
    "text": lazy_gettext("Text"),
    "choice": lazy_gettext("Choice from a list"),
    "boolean": lazy_gettext("Yes/No"),
    "narrative": lazy_gettext("Formatted paragraph"),
}

#: How an indicator is aggregated (`models.indicator.AGGREGATE_RULES`).
INDICATOR_RULE_LABELS: dict[str, Any] = {
    "sum": lazy_gettext("Sum"),
    "average": lazy_gettext("Average"),
    "min": lazy_gettext("Minimum"),
    "max": lazy_gettext("Maximum"),
}
#: How a cell is aggregated, in the aggregate page's drill-down.
AGGREGATION_RULE_LABELS: dict[str, Any] = {
    "sum": lazy_gettext("sum"),
    "average": lazy_gettext("average"),
    "min": lazy_gettext("minimum"),
    "max": lazy_gettext("maximum"),
    "count": lazy_gettext("count of units"),
    "none": lazy_gettext("not aggregated"),
    "formula": lazy_gettext("recomputed by the formula"),
}
#: Dashboard panel kinds (``services.dashboard_panels.PANEL_KINDS``).
PANEL_KIND_LABELS: dict[str, Any] = {
    "indicator_time": lazy_gettext("Indicator over time"),
    "units_ranked": lazy_gettext("Units ranked in one period"),
    "completeness": lazy_gettext("Complete / on-time rate by period"),
    "table": lazy_gettext("Table of units × periods"),  # noqa: RUF001 - the sign
}


def unit_kind_label(kind: str, subtype: str = "") -> Any:
    """A unit's kind in the user's language, its subtype when it is a usual one.

    """
    return UNIT_SUBTYPE_LABELS.get(subtype) or UNIT_KIND_LABELS.get(kind, kind)


def label_menu(menu: Any) -> None:
    """Give baocao's menu categories and entries their translatable labels.

    Called once after every view is registered; the names (and so the
    permissions) stay as they are, FAB's menu templates translate the labels.
    """
    for category in menu.get_list():
        category.label = CATEGORY_LABELS.get(category.name, category.label)
        for item in category.childs:
            item.label = MENU_LABELS.get(item.name, item.label)
