"""The narrative part of the submission page (đề cương, Đ.17.2): its context for
``workflow/_narrative.html`` and the JSON autosave endpoint.

Thin: :mod:`.services.narrative` sanitises, stores and checks. The endpoint
answers like the grid's autosave (200 with the new version, 409 with who saved
last, 422 with the message) so that both parts of a linked report share one
version counter and one conflict rule.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from baocao.platform.models.workflow import Regime, Submission
from baocao.platform.services import narrative as service
from baocao.platform.services import workflow as wf
from baocao.platform.services import workflow_config as config
from baocao.platform.views.script_strings import page_language, script_strings
from baocao.platform.views.workflow import REPORT_ROLES, _forbid, _last_save
from baocao.platform.workflow.errors import ConflictError
from flask import abort, current_app, g, jsonify, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access


def _now() -> datetime:
    return datetime.now(UTC)


def page_context(
    sub: Submission, regime: Regime, *, editable: bool
) -> dict[str, Any] | None:
    """What ``_narrative.html`` draws: the outline, the stored text, word counts."""
    outline = service.outline_of(regime)
    if outline is None:
        return None
    result = service.render(regime, sub, lang=page_language())
    stored = {s.key: s for s in result.sections} if result else {}
    sections = [
        {**s, "html": stored[s["key"]].html, "words": stored[s["key"]].words}
        for s in outline["sections"]
    ]
    return {
        "title": outline.get("title", ""),
        "sections": sections,
        "html": result.html if result else "",
        "total": result.total_words if result else 0,
        "editable": editable,
        "only": regime.content == "narrative" or not _has_grid(regime),
        "save_url": url_for("NarrativeView.save", submission_id=str(sub.pk)),
        "strings": script_strings("narrative"),
    }


def _has_grid(regime: Regime) -> bool:
    """False when the regime's form is an outline only (no sheet to fill)."""
    loader = current_app.extensions.get("baocao_form_loader")
    try:
        compiled = loader(regime.form_id, regime.form_version) if loader else None
    except LookupError:
        return True
    return compiled is None or bool(compiled.layout.get("sheets"))


def _counts(result: Any) -> dict[str, Any]:
    return {
        "words": {s.key: s.words for s in result.sections},
        "total": result.total_words,
        "missing": list(result.missing_required),
    }


class NarrativeView(BaseView):
    """JSON save of the narrative sections of one submission."""

    route_base = "/de-cuong"
    class_permission_name = "WorkflowPages"
    method_permission_name = {"save": "write"}  # noqa: RUF012 - FAB reads a plain dict
    baocao_roles = REPORT_ROLES

    @expose("/<submission_id>/luu", methods=["POST"])
    @has_access
    def save(self, submission_id: str) -> Any:
        """``{"sections": {key: html}, "version"}`` in; ``{"version", "words",
        "total", "missing"}`` out; 409 with ``last_save``; 422 with the message."""
        sub = wf.get_submission(submission_id)
        regime = config.get_regime(sub.regime_id)
        if not wf.can_view(g.user, sub, regime, _now()):
            raise _forbid("xem báo cáo")
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            abort(400)
        sections, version = body.get("sections"), body.get("version")
        if not isinstance(sections, dict) or type(version) is not int:
            abort(400)
        loader = current_app.extensions.get("baocao_form_loader")
        try:
            saved, result = service.save_sections(
                submission_id,
                sections,
                version,
                g.user,
                now=_now(),
                form_loader=loader,
            )
        except ConflictError as err:
            fresh = wf.get_submission(submission_id)
            return jsonify({**err.to_dict(), "last_save": _last_save(fresh)}), 409
        return jsonify({"version": saved.version, **_counts(result)})
