"""Domain views (FAB ``BaseView``s over MongoEngine), registered by ``create_app``.

Each view is thin: parse the request, call a service, render. FAB's
``has_access`` gives the coarse gate (the roles named in ``baocao_roles`` get
the view's permissions, see :mod:`baocao.platform.security`); the permission
service :mod:`baocao.platform.services.access` decides per unit and regime.
"""

from __future__ import annotations

from typing import Any

from baocao.platform.views.accounts import AccountsView
from baocao.platform.views.aggregate import AggregateView
from baocao.platform.views.audit import AuditView
from baocao.platform.views.dashboards import DashboardView, PublicDataView
from baocao.platform.views.exchange import OutboxView
from baocao.platform.views.forms import FormsView
from baocao.platform.views.indicators import IndicatorsView
from baocao.platform.views.labels import label_menu
from baocao.platform.views.narrative import NarrativeView
from baocao.platform.views.notifications import register_notification_views
from baocao.platform.views.support import (
    AnnouncementsView,
    SupportAdminView,
    SupportView,
)
from baocao.platform.views.units import UnitAdminView, UnitsView
from baocao.platform.views.workflow_admin import register_workflow_views
from baocao.platform.views.workflow_signing import register_signing_views
from flask import current_app

__all__ = ["register_views"]

CATEGORY_ADMIN = "Quản trị"
CATEGORY_HELP = "Hỗ trợ"


def register_views(appbuilder: Any) -> None:
    """Add the domain views and their menu entries to ``appbuilder``.

    Also gives every template FAB's ``base_template`` and ``appbuilder`` as
    defaults, so that pages rendered outside a FAB view (the error page of the
    single ``BaocaoError`` handler, for a 403 raised by the permission service)
    extend the same layout. Values passed explicitly still win. Menu names stay
    Vietnamese (they are permission names); :func:`label_menu` gives them labels
    in the user's language.
    """
    current_app.context_processor(
        lambda: {"base_template": appbuilder.base_template, "appbuilder": appbuilder}
    )
    appbuilder.add_view(
        UnitsView, "Danh mục đơn vị", icon="fa-sitemap", category=CATEGORY_ADMIN
    )
    appbuilder.add_view_no_menu(UnitAdminView)
    appbuilder.add_view(
        AccountsView,
        "Tài khoản và phân quyền",
        icon="fa-users",
        category=CATEGORY_ADMIN,
    )
    appbuilder.add_view(
        AuditView, "Nhật ký hệ thống", icon="fa-history", category=CATEGORY_ADMIN
    )
    appbuilder.add_view(
        OutboxView,
        "Gói tin gửi quốc gia",
        icon="fa-paper-plane",
        category=CATEGORY_ADMIN,
    )
    appbuilder.add_view(
        AnnouncementsView,
        "Thông báo bảo trì",
        icon="fa-bullhorn",
        category=CATEGORY_ADMIN,
    )
    appbuilder.add_view(
        SupportView, "Gửi yêu cầu hỗ trợ", icon="fa-life-ring", category=CATEGORY_HELP
    )
    appbuilder.add_view(
        SupportAdminView, "Hàng đợi hỗ trợ", icon="fa-inbox", category=CATEGORY_HELP
    )
    register_workflow_views(appbuilder)
    appbuilder.add_view_no_menu(AggregateView)
    register_signing_views(appbuilder)
    appbuilder.add_view_no_menu(NarrativeView)
    register_notification_views(appbuilder)
    appbuilder.add_view(
        FormsView, "Biểu mẫu", icon="fa-table", category="Báo cáo"
    )
    appbuilder.add_view(
        DashboardView, "Bảng điều khiển", icon="fa-bar-chart", category="Báo cáo"
    )
    appbuilder.add_view(
        IndicatorsView, "Danh mục chỉ tiêu", icon="fa-list-ol", category="Báo cáo"
    )
    appbuilder.add_view_no_menu(PublicDataView)
    label_menu(appbuilder.menu)
