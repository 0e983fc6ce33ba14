"""The notification page ("Thông báo") and the bell in the navigation bar.

Every account sees only its own notifications: the service filters by the
signed-in username, whatever ids are posted. Opening one marks it read and goes
to the page it is about.
"""

from __future__ import annotations

from typing import Any

from baocao.platform.roles import UNIT_ROLES
from baocao.platform.services import notifications as service
from baocao.platform.views._common import local_text, now, user
from baocao.platform.views.labels import NOTIFICATION_KINDS
from flask import current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext


class NotificationsView(BaseView):
    """List, open and mark read the signed-in user's notifications."""

    route_base = "/thong-bao-cua-toi"
    default_view = "index"
    class_permission_name = "NotificationPages"
    method_permission_name = {  # noqa: RUF012 - FAB reads a plain dict
        "index": "read",
        "open": "read",
        "mark_read": "write",
    }
    baocao_roles = UNIT_ROLES

    @expose("/")
    @has_access
    def index(self) -> Any:
        return self.render_template(
            "baocao/notifications.html",
            items=service.for_user(user().username),
            kind_names=NOTIFICATION_KINDS,
            local_text=local_text,
        )

    @expose("/<notification_id>/mo")
    @has_access
    def open(self, notification_id: str) -> Any:
        note = service.get_own(user().username, notification_id)
        if note is None:
            flash(gettext("Notification not found (TB001)."), "warning")
            return redirect(url_for("NotificationsView.index"))
        service.mark_read(user().username, [notification_id], now=now())
        # Only paths inside the site ("//host" would leave it).
        local = note.link.startswith("/") and not note.link.startswith("//")
        target = note.link if local else ""
        return redirect(target or url_for("NotificationsView.index"))

    @expose("/da-doc", methods=["POST"])
    @has_access
    def mark_read(self) -> Any:
        ids = None if request.form.get("all") else request.form.getlist("id")
        count = service.mark_read(user().username, ids, now=now())
        flash(
            gettext("%(count)d notifications marked as read.", count=count), "success"
        )
        return redirect(url_for("NotificationsView.index"))


def _unread_count() -> int | None:
    """The bell's number for the signed-in user (None for anonymous visitors)."""
    current = getattr(g, "user", None)
    if current is None or not getattr(current, "is_authenticated", False):
        return None
    return service.unread_count(current.username)


def register_notification_views(appbuilder: Any) -> None:
    """Add the page (no menu entry: the bell links to it) and the bell's count."""
    appbuilder.add_view_no_menu(NotificationsView)
    current_app.context_processor(lambda: {"baocao_unread_count": _unread_count})
