"""Support requests (Đ.20.1) and maintenance announcements (Đ.20.3)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from baocao.platform.roles import Role
from baocao.platform.services import access, announcements, support
from baocao.platform.services.errors import Code, InvalidInput, ServiceError
from baocao.platform.views._common import (
    form_text,
    local_input,
    local_text,
    now,
    parse_local,
    require,
    user,
)
from baocao.platform.views.labels import SUPPORT_STATUS_LABELS
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext


def _page_of(url: str | None) -> str:
    """The path of the page the user came from (same site only)."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return ""
    return parts.path


class SupportView(BaseView):
    """Any user files a request from any page (menu "Hỗ trợ") and follows it."""

    route_base = "/ho-tro"
    default_view = "index"
    class_permission_name = "Support"
    method_permission_name = {"index": "read", "create": "write"}  # noqa: RUF012
    baocao_roles = tuple(Role)

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self) -> Any:
        require(access.Action.SUPPORT_CREATE, what="gửi yêu cầu hỗ trợ")
        error, values = (
            "",
            {"page": _page_of(request.referrer), "text": "", "contact": ""},
        )
        status = 200
        if request.method == "POST":
            values = {k: form_text(k) for k in ("page", "text", "contact")}
            try:
                item = support.file_request(
                    requester=user().username,
                    unit_code=user().unit_code,
                    text=values["text"],
                    page=values["page"],
                    contact=values["contact"],
                    now=now(),
                )
            except ServiceError as err:
                error, status = str(err), err.http_status
            else:
                flash(
                    gettext(
                        "Request %(number)s sent. Due: %(due)s (2 working hours).",
                        number=item.number,
                        due=local_text(item.due),
                    ),
                    "success",
                )
                return redirect(url_for("SupportView.index"))
        return self.render_template(
            "baocao/support/index.html",
            values=values,
            error=error,
            mine=support.my_requests(user().username),
            labels=SUPPORT_STATUS_LABELS,
            local_text=local_text,
        ), status


class SupportAdminView(BaseView):
    """The queue with each request's 2-working-hour clock (system admin)."""

    route_base = "/ho-tro/quan-ly"
    default_view = "queue"
    class_permission_name = "SupportAdmin"
    method_permission_name = {"queue": "read", "update": "write"}  # noqa: RUF012
    baocao_roles = ()

    @expose("/")
    @has_access
    def queue(self) -> Any:
        require(access.Action.SUPPORT_MANAGE, what="xử lý yêu cầu hỗ trợ")
        include_done = request.args.get("done") == "1"
        items = support.queue(include_done=include_done)
        moment = now()
        return self.render_template(
            "baocao/support/queue.html",
            items=items,
            include_done=include_done,
            clocks={i.number: support.clock(i, moment) for i in items},
            labels=SUPPORT_STATUS_LABELS,
            local_text=local_text,
            local_input=local_input,
            error=request.args.get("error", ""),
        )

    @expose("/<number>", methods=["POST"])
    @has_access
    def update(self, number: str) -> Any:
        require(access.Action.SUPPORT_MANAGE, what="xử lý yêu cầu hỗ trợ")
        expected = form_text("expected_completion")
        try:
            support.update_request(
                number,
                actor=user().username,
                now=now(),
                status=form_text("status") or None,
                expected_completion=parse_local(expected) if expected else None,
                admin_note=form_text("admin_note"),
            )
        except ServiceError as err:
            return redirect(url_for("SupportAdminView.queue", error=str(err)))
        flash(gettext("Request %(number)s updated.", number=number), "success")
        return redirect(url_for("SupportAdminView.queue"))


class AnnouncementsView(BaseView):
    """Post and withdraw maintenance notices (system admin)."""

    route_base = "/thong-bao"
    default_view = "index"
    class_permission_name = "Announcements"
    method_permission_name = {"index": "read", "withdraw": "write"}  # noqa: RUF012
    baocao_roles = ()

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self) -> Any:
        require(access.Action.ANNOUNCEMENT_MANAGE, what="đăng thông báo bảo trì")
        values = {k: form_text(k) for k in ("title", "body", "starts_at", "ends_at")}
        error, status = "", 200
        if request.method == "POST":
            starts, ends = (
                parse_local(values["starts_at"]),
                parse_local(values["ends_at"]),
            )
            try:
                if starts is None or ends is None:
                    raise_missing_window()
                announcements.post_announcement(
                    title=values["title"],
                    body=values["body"],
                    starts_at=starts,
                    ends_at=ends,
                    actor=user().username,
                    now=now(),
                    urgent=request.form.get("urgent") == "1",
                )
            except ServiceError as err:
                error, status = str(err), err.http_status
            else:
                flash(
                    gettext(
                        "Notice posted; every page shows it until the maintenance"
                        " window ends."
                    ),
                    "success",
                )
                return redirect(url_for("AnnouncementsView.index"))
        return self.render_template(
            "baocao/support/announcements.html",
            values=values,
            error=error,
            items=announcements.list_announcements(),
            local_text=local_text,
            moment=now(),
        ), status

    @expose("/<ident>/go", methods=["POST"])
    @has_access
    def withdraw(self, ident: str) -> Any:
        require(access.Action.ANNOUNCEMENT_MANAGE, what="gỡ thông báo bảo trì")
        announcements.withdraw_announcement(ident, actor=user().username, now=now())
        flash(gettext("Notice withdrawn."), "success")
        return redirect(url_for("AnnouncementsView.index"))


def raise_missing_window() -> None:
    """Both ends of the maintenance window are required."""
    raise InvalidInput(Code.HT009)
