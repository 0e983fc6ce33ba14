"""Pages for designers and receiving units: regimes, periods, chains, tracking."""

from __future__ import annotations

from typing import Any

from baocao.platform.models.workflow import ApprovalChain, Period, Regime
from baocao.platform.roles import Role
from baocao.platform.services import access, reminders
from baocao.platform.services import workflow as service
from baocao.platform.services import workflow_config as config
from baocao.platform.views.labels import (
    ACTOR_UNIT_LABELS,
    REGIME_CONTENT_LABELS,
    REGIME_KIND_LABELS,
    REGIME_METHOD_LABELS,
    ROLE_LABELS,
)
from baocao.platform.views.tracking import (
    can_at_receiving,
    history_page,
    may_remind,
    tracking_page,
)
from baocao.platform.views.workflow import (
    FREQUENCIES,
    REPORT_ROLES,
    WorkflowView,
    _forbid,
    _now,
    _user,
)
from baocao.platform.views.workflow_files import SubmissionFilesView
from baocao.platform.workflow.chains import CHAIN_ROLES, Action, ActorUnit
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext

_STEP_ROWS = 6


def _may_manage(regime: Regime | None = None) -> bool:
    user, now = _user(), _now()
    regime_id = str(regime.pk) if regime is not None else None
    if access.can(user, access.Action.REGIME_MANAGE, regime=regime_id, now=now):
        return True
    return regime is not None and access.can(
        user,
        access.Action.REPORT_AGGREGATE,
        unit=regime.receiving_unit,
        regime=regime_id,
        now=now,
    )


def _regime_payload() -> dict[str, Any]:
    form = request.form
    mode = form.get("units_mode", "list")
    codes = [
        c.strip() for c in (form.get("units_codes") or "").replace(",", " ").split()
    ]
    deadline_kind = form.get("deadline_kind") or "working_days_after_cutoff"
    version = form.get("form_version", "").strip()
    return {
        "name": form.get("name", ""),
        "kind": form.get("kind", ""),
        "content": form.get("content", ""),
        "reporting_units": {
            "mode": mode,
            "codes": codes,
            "kind": form.get("units_kind", ""),
            "root": form.get("units_root", ""),
        },
        "receiving_unit": form.get("receiving_unit", "").strip(),
        "methods": form.getlist("methods"),
        "cutoff": {
            "kind": form.get("cutoff_kind") or "nd09",
            **({"start_day": form.get("start_day")} if form.get("start_day") else {}),
        },
        "deadline": {"kind": deadline_kind, "days": form.get("deadline_days") or "5"},
        "frequency": form.get("frequency", ""),
        "form_id": form.get("form_id", "").strip(),
        "form_version": int(version) if version.isdigit() else None,
        "outline": form.get("outline", ""),
        "guidance": form.get("guidance", ""),
        "chain_id": form.get("chain_id", ""),
    }


class RegimesView(BaseView):
    """Regimes: list, create, publish, open periods, and the tracking board."""

    route_base = "/che-do-bao-cao"
    default_view = "index"
    class_permission_name = "RegimePages"
    method_permission_name = {  # noqa: RUF012 - FAB reads a plain dict
        "index": "read",
        "create": "write",
        "publish": "write",
        "open_period": "write",
        "tracking": "read",
        "remind": "write",
        "unit_history": "read",
    }
    baocao_roles = REPORT_ROLES

    @expose("/")
    @has_access
    def index(self) -> Any:
        regimes = list(Regime.objects.order_by("-created_at"))
        periods = {
            str(r.pk): list(Period.objects(regime_id=str(r.pk)).order_by("-key"))
            for r in regimes
        }
        return self.render_template(
            "baocao/workflow/regimes.html",
            regimes=regimes,
            periods=periods,
            may_manage=_may_manage,
            kinds=REGIME_KIND_LABELS,
            frequencies=FREQUENCIES,
        )

    @expose("/tao", methods=["GET", "POST"])
    @has_access
    def create(self) -> Any:
        if not _may_manage():
            raise _forbid("tạo chế độ báo cáo")
        problems: list[str] = []
        payload: dict[str, Any] = {}
        if request.method == "POST":
            payload = _regime_payload()
            doc = config.create_regime(payload, actor=_user().username, now=_now())
            if request.form.get("publish"):
                config.publish_regime(str(doc.pk), actor=_user().username, now=_now())
                flash(gettext("Reporting regime published."), "success")
            else:
                flash(gettext("Reporting regime saved as a draft."), "info")
            return redirect(url_for("RegimesView.index"))
        return self.render_template(
            "baocao/workflow/regime_form.html",
            kinds=REGIME_KIND_LABELS,
            contents=REGIME_CONTENT_LABELS,
            methods=REGIME_METHOD_LABELS,
            frequencies=FREQUENCIES,
            problems=problems,
            chains=list(ApprovalChain.objects.order_by("name")),
            payload=payload,
        )

    @expose("/<regime_id>/ban-hanh", methods=["POST"])
    @has_access
    def publish(self, regime_id: str) -> Any:
        if not _may_manage():
            raise _forbid("ban hành chế độ báo cáo")
        config.publish_regime(regime_id, actor=_user().username, now=_now())
        flash(gettext("Reporting regime published."), "success")
        return redirect(url_for("RegimesView.index"))

    @expose("/<regime_id>/mo-ky", methods=["POST"])
    @has_access
    def open_period(self, regime_id: str) -> Any:
        regime = config.get_regime(regime_id)
        if not _may_manage(regime):
            raise _forbid("mở kỳ báo cáo")
        key = (request.form.get("period") or "").strip()
        period, created = service.open_period(
            regime_id, key, actor=_user().username, now=_now()
        )
        flash(
            gettext(
                "Opened period %(key)s: %(n)s reports created.",
                key=period.key,
                n=created,
            ),
            "success",
        )
        return redirect(
            url_for("RegimesView.tracking", regime_id=regime_id, period=period.key)
        )

    @expose("/<regime_id>/ky/<period>")
    @has_access
    def tracking(self, regime_id: str, period: str) -> Any:
        regime = config.get_regime(regime_id)
        if not (_may_manage(regime) or can_at_receiving(regime)):
            raise _forbid("xem tình hình nộp báo cáo")
        return tracking_page(self, regime, period)

    @expose("/<regime_id>/ky/<period>/nhac-nho", methods=["POST"])
    @has_access
    def remind(self, regime_id: str, period: str) -> Any:
        regime = config.get_regime(regime_id)
        if not may_remind(regime):
            raise _forbid("nhắc nhở các đơn vị chưa nộp báo cáo")
        sent = reminders.remind_now(
            regime_id, period, actor=_user().username, now=_now()
        )
        flash(
            gettext(
                "Reminded %(units)s units that have not reported (%(accounts)s"
                " accounts).",
                units=len(sent.units),
                accounts=sent.notified,
            ),
            "success",
        )
        # Back to the board as it was filtered.
        return redirect(
            url_for(
                "RegimesView.tracking",
                regime_id=regime_id,
                period=period,
                **request.args.to_dict(),
            )
        )

    @expose("/<regime_id>/don-vi/<unit>")
    @has_access
    def unit_history(self, regime_id: str, unit: str) -> Any:
        regime = config.get_regime(regime_id)
        if not (_may_manage(regime) or can_at_receiving(regime)):
            raise _forbid("xem tình hình nộp báo cáo")
        return history_page(self, regime, unit)


class ChainsView(BaseView):
    """Approval chains: list and design (ordered steps)."""

    route_base = "/quy-trinh"
    default_view = "index"
    class_permission_name = "ChainPages"
    method_permission_name = {"index": "read", "create": "write"}  # noqa: RUF012
    baocao_roles = (Role.UNIT_ADMIN, Role.DESIGNER, Role.AGGREGATOR)

    @expose("/", methods=["GET"])
    @has_access
    def index(self) -> Any:
        return self.render_template(
            "baocao/workflow/chains.html",
            chains=list(ApprovalChain.objects.order_by("name")),
            roles=sorted(CHAIN_ROLES),
            role_names=ROLE_LABELS,
            units=ACTOR_UNIT_LABELS,
            actions=[a.value for a in Action],
            rows=range(_STEP_ROWS),
        )

    @expose("/", methods=["POST"])
    @has_access
    def create(self) -> Any:
        keys = access.role_keys(_user())
        if not keys & {Role.SYSADMIN, Role.UNIT_ADMIN, Role.DESIGNER}:
            raise _forbid("tạo quy trình phê duyệt")
        steps = []
        for i in range(_STEP_ROWS):
            name = (request.form.get(f"step{i}_name") or "").strip()
            if not name:
                continue
            steps.append(
                {
                    "name": name,
                    "actor_role": request.form.get(f"step{i}_role", ""),
                    "actor_unit": request.form.get(
                        f"step{i}_unit", ActorUnit.REPORTING.value
                    ),
                    "actions": request.form.getlist(f"step{i}_actions"),
                    "signature_required": bool(request.form.get(f"step{i}_signature")),
                }
            )
        config.create_chain(
            {"name": request.form.get("name", ""), "steps": steps},
            actor=_user().username,
            now=_now(),
        )
        flash(gettext("Approval chain created."), "success")
        return redirect(url_for("ChainsView.index"))


def register_workflow_views(appbuilder: Any) -> None:
    """Add the workflow pages and their menu entries."""
    appbuilder.add_view(
        WorkflowView, "Việc cần làm", icon="fa-inbox", category="Báo cáo"
    )
    appbuilder.add_view_no_menu(SubmissionFilesView)
    appbuilder.add_view(
        RegimesView, "Chế độ báo cáo", icon="fa-calendar", category="Báo cáo"
    )
    appbuilder.add_view(
        ChainsView, "Quy trình phê duyệt", icon="fa-random", category="Báo cáo"
    )
