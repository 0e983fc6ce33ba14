"""The form store service: immutability, overrides, diff, the workflow loader, the demo."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from baocao.form_designer import FormCompileError
from baocao.platform.models import Form, FormVersion, Regime, Submission
from baocao.platform.models.forms import ImmutableVersionError
from baocao.platform.services import forms as service
from baocao.platform.services.form_diff import diff_documents

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
D9 = "Biểu 01-KTXH!D9"


def _upload(kit: Any, name: str = "Biểu 01") -> Form:
    form, _ = service.upload_form(kit.template(), name=name, owner_unit="SKHCN",
                                  actor="SKHCN.thietke", now=NOW)
    return form


def test_published_versions_are_immutable(app: Any, kit: Any) -> None:
    with app.app_context():
        form = _upload(kit)
        version = service.publish(str(form.pk), actor="SKHCN.thietke", now=NOW)
        assert version.n == 1 and service.get_form(str(form.pk)).status == "published"
        assert service.source_bytes(version.source_file_id) == kit.template()
        version.documents_json = "{}"
        with pytest.raises(ImmutableVersionError):
            version.save()
        with pytest.raises(ImmutableVersionError):
            FormVersion.objects(form_id=str(form.pk)).update(set__n=5)
        assert FormVersion.objects.get(pk=version.pk).documents()["schema"]["properties"]


def test_bad_template_stores_nothing(app: Any, kit: Any) -> None:
    with app.app_context():
        with pytest.raises(FormCompileError) as caught:
            service.upload_form(kit.bad_template(), name="Hỏng", owner_unit="",
                                actor="x", now=NOW)
        assert caught.value.http_status == 422
        assert Form.objects.count() == 0


def test_overrides_change_role_type_and_limits(app: Any, kit: Any) -> None:
    with app.app_context():
        form = _upload(kit)
        docs = service.set_override(str(form.pk), D9, {"role": "label"}, now=NOW)
        assert D9 not in docs["schema"]["properties"]
        assert D9 not in docs["formulas"]["inputs"]
        docs = service.set_override(
            str(form.pk), D9,
            {"role": "input", "kind": "choice", "enum": ["Có", "Không"], "required": True},
            now=NOW,
        )
        prop = docs["schema"]["properties"][D9]
        assert prop["enum"] == ["Có", "Không"] and D9 in docs["schema"]["required"]
        formula_cell = next(iter(docs["formulas"]["cells"]))
        with pytest.raises(service.FormOverrideError) as caught:
            service.set_override(str(form.pk), formula_cell, {"role": "input"}, now=NOW)
        assert caught.value.cell == formula_cell
        with pytest.raises(service.FormOverrideError):
            service.set_override(str(form.pk), D9, {"colour": "red"}, now=NOW)
        # a refused change keeps nothing
        assert service.get_form(str(form.pk)).overrides() == {
            D9: {"role": "input", "kind": "choice", "enum": ["Có", "Không"], "required": True}
        }


def test_indicator_codes_stay_unique(app: Any, kit: Any) -> None:
    with app.app_context():
        form = _upload(kit)
        service.set_override(str(form.pk), D9, {"indicator": "CT01"}, now=NOW)
        with pytest.raises(service.FormOverrideError) as caught:
            service.set_override(str(form.pk), "Biểu 01-KTXH!E9", {"indicator": "CT01"}, now=NOW)
        assert "CT01" in caught.value.message


def test_diff_lists_changed_cells_only(app: Any, kit: Any) -> None:
    with app.app_context():
        form = _upload(kit)
        base = service.draft_documents(form)
        service.set_override(str(form.pk), D9, {"role": "label"}, now=NOW)
        changed = service.draft_documents(service.get_form(str(form.pk)))
        diff = diff_documents(base, changed)
        assert [c["address"] for c in diff] == [D9]
        assert diff[0]["fields"]["role"] == ["input", "label"]
        assert diff_documents(base, base) == []


def test_the_app_loader_validates_and_recomputes_workflow_saves(app: Any, kit: Any) -> None:
    from baocao.platform.services import workflow_forms

    with app.app_context():
        form = _upload(kit)
        service.publish(str(form.pk), actor="SKHCN.thietke", now=NOW)
        loader = app.extensions["baocao_form_loader"]
        compiled = loader(str(form.pk), 1)
        assert D9 in compiled.schema["properties"]
        assert loader(str(form.pk), None).formulas == compiled.formulas
        with pytest.raises(LookupError):
            loader(str(form.pk), 7)
        with pytest.raises(LookupError):
            loader("khong-co", 1)
        regime = Regime(form_id=str(form.pk), form_version=1)
        compute = workflow_forms.compute_for(regime, loader)
        assert compute is not None
        computed, errors = compute({D9: 100, "Biểu 01-KTXH!E9": 10})
        assert errors == [] and computed
        _, errors = compute({D9: "nhiều"})
        assert errors and errors[0]["cell"] == D9


def test_demo_seeds_forms_and_the_monthly_regime(app: Any, kit: Any) -> None:
    from baocao.platform.services import forms_demo

    with app.app_context():
        kit.make_unit("82", "province")
        kit.make_unit("SKHCN", "department", "82")
        for code in ("28249", "28261"):
            kit.make_unit(code, "commune", "82")
        forms, regime = forms_demo.seed_demo_forms(now=NOW)
        again, same = forms_demo.seed_demo_forms(now=NOW)
        assert same.pk == regime.pk and Form.objects.count() == len(forms_demo.DEMO_FORMS)
        assert all(f.latest_version == 1 for f in forms.values())
        assert regime.name == "Báo cáo tình hình kinh tế - xã hội tháng"
        assert regime.receiving_unit == "SKHCN" and regime.frequency == "month"
        assert regime.form_version == 1
        subs = Submission.objects(regime_id=str(regime.pk), period_key="2026-M03")
        assert sorted(s.unit for s in subs) == ["28249", "28261"]
