"""Pages of the reporting workflow: inbox, the form view with its actions,
regimes and periods, approval chains, and the tracking board.

Thin FAB ``BaseView``s: parse the form, call ``services.workflow*``, render or
redirect. A refused action raises a ``WorkflowError`` that the app's single
error handler shows (403/409/422 with the Vietnamese message); a refused action
button of the submission page (409/422) goes back to the page with the message
flashed (``refusal_returns_to``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from baocao.platform.models.workflow import Regime, Submission
from baocao.platform.roles import Role
from baocao.platform.services import workflow as service
from baocao.platform.services import workflow_config as config
from baocao.platform.services import workflow_forms, workflow_tracking
from baocao.platform.views._common import refusal_returns_to
from baocao.platform.views.labels import ACTION_DONE, ACTION_LABELS, STATE_LABELS
from baocao.platform.views.script_strings import page_language
from baocao.platform.workflow.errors import (
    ConflictError,
    DataInvalidError,
    ForbiddenActionError,
    WorkflowCode,
)
from baocao.platform.workflow.periods import VIETNAM_TZ
from baocao.platform.workflow.transitions import available_actions
from baocao.renderers import FONTS_DIR, STATIC_DIR, render_entry_form
from flask import (
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    request,
    send_from_directory,
    url_for,
)
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext, lazy_gettext

REPORT_ROLES = (
    Role.UNIT_ADMIN,
    Role.DESIGNER,
    Role.DATA_ENTRY,
    Role.APPROVER,
    Role.SENDER,
    Role.AGGREGATOR,
    Role.VIEWER,
)
#: Regime frequencies, in the user's language.
FREQUENCIES = {
    "week": lazy_gettext("Weekly"),
    "month": lazy_gettext("Monthly"),
    "quarter": lazy_gettext("Quarterly"),
    "half_year": lazy_gettext("Half-yearly"),
    "nine_months": lazy_gettext("Nine months"),
    "year": lazy_gettext("Yearly"),
    "once": lazy_gettext("Once"),
}


def _now() -> datetime:
    return datetime.now(UTC)


def _user() -> Any:
    return g.user


def local_text(moment: datetime | None) -> str:
    """``HH:MM dd/mm/yyyy`` in Vietnam time ("—" for None)."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VIETNAM_TZ).strftime("%H:%M %d/%m/%Y")


def _state_name(state: str) -> Any:
    """The state's name in the user's language (the code itself if unknown)."""
    return STATE_LABELS.get(state, state)


def _forbid(what: str) -> ForbiddenActionError:
    """403 for something the user's roles and units do not allow."""
    return ForbiddenActionError(WorkflowCode.WF036, action=what)


def _parse_value(text: str, prop: dict[str, Any]) -> Any:
    """A posted cell value: numbers for numeric fields (Vietnamese or plain form)."""
    value = text.strip()
    if not value:
        return None
    if prop.get("type") in ("number", "integer") or prop.get("x-kind") in (
        "integer",
        "decimal",
        "percent",
    ):
        cleaned = value.replace(" ", "")
        if "," in cleaned:
            cleaned = cleaned.replace(".", "").replace(",", ".")
        try:
            number = float(cleaned)
        except ValueError:
            return value
        return (
            int(number)
            if number.is_integer() and prop.get("type") == "integer"
            else number
        )
    return value


def load_visible(submission_id: str) -> tuple[Submission, Regime, Any]:
    """The submission, its regime and chain, if the signed-in user may see it."""
    sub = service.get_submission(submission_id)
    regime = config.get_regime(sub.regime_id)
    if not service.can_view(_user(), sub, regime, _now()):
        raise _forbid("xem báo cáo")
    return sub, regime, config.get_chain(regime.chain_id).chain()


def may_enter_data(sub: Submission, regime: Regime, chain: Any) -> bool:
    """The signed-in user may enter data now (first step, draft or returned)."""
    holder = service.actor_for(_user(), sub, regime, _now())
    return (
        sub.step == 0
        and sub.state in ("draft", "returned")
        and holder.can_act_at(chain.steps[0])
    )


class WorkflowView(BaseView):
    """The inbox and the form view of one submission (fill, approve, return…)."""

    route_base = "/bao-cao"
    default_view = "inbox"
    class_permission_name = "WorkflowPages"
    method_permission_name = {  # noqa: RUF012 - FAB reads a plain dict
        "inbox": "read",
        "submission": "read",
        "save": "write",
        "act": "write",
        "recalc": "write",
        "autosave": "write",
        "asset": "read",
    }
    baocao_roles = REPORT_ROLES

    @expose("/viec-can-lam")
    @has_access
    def inbox(self) -> Any:
        items = workflow_tracking.inbox(_user(), now=_now())
        return self.render_template(
            "baocao/workflow/inbox.html",
            items=items,
            state_name=_state_name,
            action_names=ACTION_LABELS,
        )

    def _load(self, submission_id: str) -> tuple[Submission, Regime, Any]:
        return load_visible(submission_id)

    @expose("/<submission_id>")
    @has_access
    def submission(self, submission_id: str) -> Any:
        sub, regime, chain = self._load(submission_id)
        now = _now()
        holder = service.actor_for(_user(), sub, regime, now)
        actions = [a.value for a in available_actions(chain, sub.position(), holder)]
        editable = self._editable(sub, regime, chain)
        form_html = self._form_html(sub, regime, readonly=not editable)
        period = service.get_period(sub.regime_id, sub.period_key)
        from baocao.platform.views.narrative import page_context

        return self.render_template(
            "baocao/workflow/submission.html",
            sub=sub,
            regime=regime,
            chain=chain,
            actions=actions,
            editable=editable,
            form_html=form_html,
            period=period,
            data=sub.get_data(),
            computed=sub.get_computed(),
            local_text=local_text,
            state_name=_state_name,
            action_names=ACTION_LABELS,
            earlier_steps=list(enumerate(chain.steps))[: (sub.step or 0)],
            last_save=_last_save(sub),
            narrative=page_context(sub, regime, editable=editable),
        )

    def _editable(self, sub: Submission, regime: Regime, chain: Any) -> bool:
        return may_enter_data(sub, regime, chain)

    def _form_html(
        self, sub: Submission, regime: Regime, *, readonly: bool
    ) -> str | None:
        loader = current_app.extensions.get("baocao_form_loader")
        if loader is None or not regime.form_id or regime.content == "narrative":
            return None
        try:
            compiled = loader(regime.form_id, regime.form_version)
        except LookupError:
            return None
        if compiled is None or not compiled.layout.get("sheets"):
            return None  # an outline-only form has no grid
        recalc_url = (
            None
            if readonly
            else url_for("WorkflowView.recalc", submission_id=str(sub.pk))
        )
        return render_entry_form(
            compiled,
            sub.get_data(),
            sub.get_computed(),
            readonly=readonly,
            lang=page_language(),
            recalc_url=recalc_url,
        )

    @expose("/<submission_id>/so-lieu", methods=["POST"])
    @has_access
    def save(self, submission_id: str) -> Any:
        sub, regime, _chain = self._load(submission_id)
        data = self._posted_data(sub, regime)
        loader = current_app.extensions.get("baocao_form_loader")
        service.save_data(
            str(sub.pk),
            data,
            int(request.form.get("version", "0")),
            _user(),
            now=_now(),
            form_loader=loader,
        )
        flash(gettext("Data saved."), "success")
        return redirect(url_for("WorkflowView.submission", submission_id=submission_id))

    def _posted_data(self, sub: Submission, regime: Regime) -> dict[str, Any]:
        loader = current_app.extensions.get("baocao_form_loader")
        compiled = None
        if loader is not None and regime.form_id:
            try:
                compiled = loader(regime.form_id, regime.form_version)
            except LookupError:
                compiled = None
        props: dict[str, Any] = (
            compiled.schema.get("properties", {}) if compiled else {}
        )
        data = dict(sub.get_data())
        skip = {"csrf_token", "version", "new_cell", "new_value"}
        for key in request.form:
            if key in skip:
                continue
            value = _parse_value(
                request.form.get(key, ""), props.get(key, {"type": "number"})
            )
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        new_cell = (request.form.get("new_cell") or "").strip()
        if new_cell:
            data[new_cell] = _parse_value(
                request.form.get("new_value", ""), {"type": "number"}
            )
        return data

    @expose("/<submission_id>/thao-tac/<action>", methods=["POST"])
    @has_access
    @refusal_returns_to("WorkflowView.submission", "submission_id")
    def act(self, submission_id: str, action: str) -> Any:
        self._load(submission_id)
        comments: dict[str, str] = {}
        for line in (request.form.get("comments") or "").splitlines():
            cell, _sep, text = line.partition(":")
            if cell.strip() and text.strip():
                comments[cell.strip()] = text.strip()
        to_step = request.form.get("to_step")
        service.act(
            submission_id,
            action,
            int(request.form.get("version", "0")),
            _user(),
            now=_now(),
            reason=request.form.get("reason"),
            to_step=int(to_step) if to_step and to_step.isdigit() else None,
            comments=comments or None,
            signature=request.form.get("signature") or None,
        )
        flash(str(ACTION_DONE.get(action, ACTION_DONE["submit"])), "success")
        return redirect(url_for("WorkflowView.submission", submission_id=submission_id))

    @expose("/tai-nguyen/<folder>/<path:name>")
    @has_access
    def asset(self, folder: str, name: str) -> Any:
        """The grid's script, stylesheet and fonts for every report role (the
        forms views serve the same files to designers only)."""
        roots = {"static": STATIC_DIR, "fonts": FONTS_DIR}
        if folder not in roots:
            abort(404)
        return send_from_directory(roots[folder], name, max_age=3600)

    def _json_body(self) -> dict[str, Any]:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            abort(400)
        return body

    @expose("/<submission_id>/tinh-toan", methods=["POST"])
    @has_access
    def recalc(self, submission_id: str) -> Any:
        """JSON for the grid while typing: ``{"changed", "data"}`` in,
        ``{"computed", "errors"}`` out (only the formula cells that changed)."""
        sub, regime, chain = self._load(submission_id)
        if not self._editable(sub, regime, chain):
            raise _forbid("nhập liệu")
        body = self._json_body()
        changed, data = body.get("changed"), body.get("data", sub.get_data())
        if not isinstance(changed, dict) or not isinstance(data, dict):
            abort(400)
        loader = current_app.extensions.get("baocao_form_loader")
        return jsonify(workflow_forms.recalculate(regime, loader, data, changed))

    @expose("/<submission_id>/luu-tu-dong", methods=["POST"])
    @has_access
    def autosave(self, submission_id: str) -> Any:
        """JSON save for autosave: ``{"data", "version"}`` in; 409 with who saved
        last when the version is stale (nothing is overwritten), 422 with the
        errors by cell."""
        sub, regime, _chain = self._load(submission_id)
        body = self._json_body()
        data, version = body.get("data"), body.get("version")
        if not isinstance(data, dict) or type(version) is not int:
            abort(400)
        values = _without_blanks(data)
        loader = current_app.extensions.get("baocao_form_loader")
        try:
            saved = service.save_data(
                str(sub.pk),
                values,
                version,
                _user(),
                now=_now(),
                form_loader=loader,
            )
        except ConflictError as err:
            fresh = service.get_submission(submission_id)
            return jsonify({**err.to_dict(), "last_save": _last_save(fresh)}), 409
        except DataInvalidError as err:
            errors: dict[str, list[str]] = {}
            for item in err.errors:
                errors.setdefault(item["cell"], []).append(item["message"])
            return jsonify({**err.to_dict(), "errors": errors}), 422
        return jsonify(
            {"version": saved.version, "computed": saved.get_computed(), "errors": {}}
        )


def _without_blanks(data: dict[str, Any]) -> dict[str, Any]:
    """The grid's data without blank cells, inside repeat rows too: the grid
    sends every cell of a drawn row, and a blank is "not entered", not a value
    of the wrong type (the Excel upload stores rows the same way)."""
    values: dict[str, Any] = {}
    for key, value in data.items():
        kept = value
        if isinstance(value, list):
            kept = [
                {k: v for k, v in row.items() if v is not None and v != ""}
                if isinstance(row, dict)
                else row
                for row in value
            ]
        if kept is not None and kept != "":
            values[key] = kept
    return values


def _last_save(sub: Submission) -> dict[str, Any] | None:
    """Who changed the submission last and when (the newest history event)."""
    if not sub.history:
        return None
    event = sub.history[-1]
    return {
        "actor": event.get("actor", ""),
        "time": local_text(event.get("time")),
        "version": event.get("version"),
    }
