"""The outbox of QCVN 125 packages (system admin): list, payload, send again."""

from __future__ import annotations

from typing import Any

from baocao.platform.exchange import admin
from baocao.platform.services import access
from baocao.platform.services.errors import Forbidden
from baocao.platform.views._common import local_text, now, user
from baocao.platform.views.labels import OUTBOX_STATE_LABELS, PACKAGE_TYPE_LABELS
from flask import current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext


def _require_sysadmin() -> None:
    if not access.is_sysadmin(user()):
        raise Forbidden("xem hàng đợi gói tin gửi hệ thống báo cáo quốc gia")


def _label_of(message: Any) -> tuple[str, Any]:
    """``(state, label in the user's language)`` of a message for the page."""
    state, _vietnamese = admin.label_of(message)
    return state, OUTBOX_STATE_LABELS[state]


class OutboxView(BaseView):
    """Every package queued for the national reporting system and its delivery."""

    route_base = "/trao-doi/hang-doi"
    default_view = "index"
    class_permission_name = "ExchangeOutbox"
    method_permission_name = {  # noqa: RUF012
        "index": "read",
        "payload": "read",
        "retry": "write",
    }
    baocao_roles = ()

    @expose("/")
    @has_access
    def index(self) -> Any:
        _require_sysadmin()
        shown = request.args.get("state", "").strip()
        try:
            page = max(int(request.args.get("page", "1")), 1)
        except ValueError:
            page = 1
        result = admin.list_messages(shown=shown, page=page)
        return self.render_template(
            "baocao/exchange/outbox.html",
            result=result,
            shown=shown,
            states=OUTBOX_STATE_LABELS,
            types=PACKAGE_TYPE_LABELS,
            label_of=_label_of,
            local_text=local_text,
            endpoint=current_app.config.get("EXCHANGE_ENDPOINT") or "",
            endpoint_label=current_app.extensions.get("baocao_exchange_label", ""),
            pages=(result.total + result.per_page - 1) // result.per_page,
        )

    @expose("/<key>")
    @has_access
    def payload(self, key: str) -> Any:
        _require_sysadmin()
        message = admin.get_message(key)
        roots = current_app.extensions.get("baocao_exchange_roots", [])
        pretty, report, problem = admin.payload_of(message, roots, now())
        return self.render_template(
            "baocao/exchange/payload.html",
            message=message,
            pretty=pretty,
            report=report,
            problem=problem,
            types=PACKAGE_TYPE_LABELS,
            label_of=_label_of,
            local_text=local_text,
        )

    @expose("/<key>/gui-lai", methods=["POST"])
    @has_access
    def retry(self, key: str) -> Any:
        _require_sysadmin()
        admin.retry_now(key, actor=user().username, now=now())
        kick = current_app.extensions.get("baocao_exchange_kick")
        if kick is not None:
            kick()
        flash(
            gettext("Package %(key)s… queued to be sent now.", key=key[:12]),
            "success",
        )
        return redirect(url_for("OutboxView.index"))
