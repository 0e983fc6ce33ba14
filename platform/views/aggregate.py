"""The aggregate page of the receiving unit (tổng hợp) and its JSON endpoints.

One page per regime, period and scope unit: the stored aggregate drawn in the
form's own layout (read-only grid), who is included and who is missing, a
drill-down of any cell, and exports run as background jobs with a progress
bar. Thin: every check is the permission service's ``report.aggregate`` on the
scope unit, every number comes from ``services.aggregate_cache`` and
``services.aggregate_exports``.
"""

from __future__ import annotations

from typing import Any

from baocao.platform.models import Unit
from baocao.platform.models.workflow import decode_keys
from baocao.platform.roles import Role
from baocao.platform.services import access, aggregate_cache, aggregation
from baocao.platform.services import aggregate_exports as exports
from baocao.platform.services import workflow_config as config
from baocao.platform.views._common import local_text, now, user
from baocao.platform.views.labels import AGGREGATION_RULE_LABELS
from baocao.platform.views.script_strings import page_language
from baocao.platform.views.workflow import _forbid
from baocao.renderers import render_entry_form
from baocao.schemas.errors import BaocaoError
from flask import Response, current_app, jsonify, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access


def _scope(regime_id: str) -> tuple[Any, str]:
    """The regime and the scope unit, after the permission check (403)."""
    regime = config.get_regime(regime_id)
    scope = (request.args.get("unit") or "").strip() or regime.receiving_unit
    if not access.can(
        user(), access.Action.REPORT_AGGREGATE, unit=scope, regime=regime_id, now=now()
    ):
        raise _forbid("xem số liệu tổng hợp của đơn vị này")
    return regime, scope


def _loader() -> Any:
    return current_app.extensions.get("baocao_form_loader")


class AggregateView(BaseView):
    """Aggregate page, refresh status, drill-down and export jobs."""

    route_base = "/tong-hop"
    default_view = "page"
    class_permission_name = "AggregatePages"
    method_permission_name = {  # noqa: RUF012 - FAB reads a plain dict
        "page": "read",
        "refresh_status": "read",
        "drill_down": "read",
        "start_export": "write",
        "export_status": "read",
        "download": "read",
    }
    baocao_roles = (Role.AGGREGATOR, Role.VIEWER)

    @expose("/<regime_id>/<period>")
    @has_access
    def page(self, regime_id: str, period: str) -> Any:
        regime, scope = _scope(regime_id)
        found = aggregate_cache.ensure_fresh(regime_id, period, scope, now())
        grid = None
        if found.fresh:
            compiled = aggregation.load_compiled(regime, _loader())
            grid = render_entry_form(
                compiled,
                decode_keys(dict(found.cache.inputs)),
                decode_keys(dict(found.cache.computed)),
                readonly=True,
                form_id="bc-aggregate",
                lang=page_language(),
            )
        status = found.to_dict()
        names = {
            u.code: u.name
            for u in Unit.objects(code__in=[scope, *found.expected]).only(
                "code", "name"
            )
        }
        return self.render_template(
            "baocao/aggregate/page.html",
            regime=regime,
            period=period,
            scope=scope,
            names=names,
            status=status,
            computed_at=local_text(found.cache.computed_at),
            grid=grid,
            formats=exports.FORMATS,
        )

    @expose("/<regime_id>/<period>/trang-thai")
    @has_access
    def refresh_status(self, regime_id: str, period: str) -> Any:
        """JSON for the progress poll; queues a refresh when stale."""
        _regime, scope = _scope(regime_id)
        found = aggregate_cache.ensure_fresh(regime_id, period, scope, now())
        return jsonify(
            {**found.to_dict(), "computed_at_text": local_text(found.cache.computed_at)}
        )

    @expose("/<regime_id>/<period>/o")
    @has_access
    def drill_down(self, regime_id: str, period: str) -> Any:
        """JSON: each unit's value of one cell of the stored aggregate."""
        _regime, scope = _scope(regime_id)
        try:
            part = aggregate_cache.contributions(
                regime_id,
                period,
                scope,
                request.args.get("cell", ""),
                load_form=_loader(),
                now=now(),
            )
        except BaocaoError as err:
            return jsonify(err.to_dict()), err.http_status
        rule = part["rule"]
        part["rule_name"] = str(AGGREGATION_RULE_LABELS.get(rule, rule))
        return jsonify(part)

    @expose("/<regime_id>/<period>/xuat", methods=["POST"])
    @has_access
    def start_export(self, regime_id: str, period: str) -> Any:
        """Start an export job (JSON ``{"format", "periods"}`` or a form post)."""
        _regime, scope = _scope(regime_id)
        body = request.get_json(silent=True) or request.form
        fmt = str(body.get("format", ""))
        try:
            periods = exports.parse_periods(str(body.get("periods") or period), fmt)
            job = exports.start_job(
                user().username, regime_id, periods, unit=scope, fmt=fmt, now=now()
            )
        except BaocaoError as err:
            return jsonify(err.to_dict()), err.http_status
        return jsonify(exports.job_dict(job)), 202

    @expose("/xuat/<job_id>")
    @has_access
    def export_status(self, job_id: str) -> Any:
        """JSON: the caller's job, for the progress bar."""
        try:
            job = exports.get_job(job_id, user().username)
        except BaocaoError as err:
            return jsonify(err.to_dict()), err.http_status
        return jsonify(exports.job_dict(job))

    @expose("/xuat/<job_id>/tai-ve")
    @has_access
    def download(self, job_id: str) -> Any:
        """The finished job's file (only for the user who asked for it)."""
        made = exports.job_file(exports.get_job(job_id, user().username))
        return Response(
            made.data,
            mimetype=made.mimetype,
            headers={"Content-Disposition": f'attachment; filename="{made.filename}"'},
        )
