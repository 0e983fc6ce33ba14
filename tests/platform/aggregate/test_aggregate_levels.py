"""Multi-level aggregation: communes → department → province (issue #7).

The lower regime is the ``world`` one (communes → SKHCN); an upper regime on
the same form version has the departments SKHCN and STC reporting to the
province 82. SKHCN's data entry fills its upper report from its aggregate.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from baocao.platform.models.workflow import Submission
from baocao.platform.roles import Role
from baocao.platform.services import aggregation
from baocao.platform.services import workflow as wf
from baocao.platform.services import workflow_config as config
from flask.testing import FlaskClient
from support import monthly_regime_payload

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)


def _upper_regime(version: int = 1) -> tuple[str, dict[str, str]]:
    """Departments SKHCN and STC → province 82, 2026-M03 open."""
    chain = config.ensure_default_chain(now=NOW)
    regime = config.create_regime(
        monthly_regime_payload(
            str(chain.pk),
            name="Báo cáo KT-XH tháng của các sở",
            reporting_units=["SKHCN", "STC"],
            receiving_unit="82",
            form_version=version,
            guidance="Sở tổng hợp số liệu các xã rồi gửi tỉnh.",
        ),
        actor="82.thietke",
        now=NOW,
        publish=True,
    )
    wf.open_period(str(regime.pk), "2026-M03", actor="system", now=NOW)
    subs = Submission.objects(regime_id=str(regime.pk))
    return str(regime.pk), {s.unit: str(s.pk) for s in subs}


def _fill(client: FlaskClient, world: dict[str, Any], user: str, sub_id: str) -> Any:
    token = world["token"](user)
    return client.post(
        f"/api/v1/regimes/{world['regime']}/periods/2026-M03/aggregate/fill",
        json={"submission": sub_id},
        headers={"Authorization": f"Bearer {token}"},
    )


def test_department_aggregate_feeds_the_province(
    app: Any, client: FlaskClient, make_user: Any, world: dict[str, Any]
) -> None:
    """AGL-1: SKHCN's report to the province is its aggregate of the communes,
    with the counts of each cell; the province's aggregate of SKHCN and STC
    equals the sum over every commune and STC for every input."""
    make_user("SKHCN.nhaplieu", Role.DATA_ENTRY, "SKHCN")
    with app.app_context():
        upper, subs = _upper_regime()
    response = _fill(client, world, "SKHCN.nhaplieu", subs["SKHCN"])
    assert response.status_code == 200, response.get_json()
    first, second, third = world["scenarios"]
    load = app.extensions["baocao_form_loader"]
    with app.app_context():
        lower = aggregation.aggregate_period(
            world["regime"], "2026-M03", unit="SKHCN", load_form=load, now=NOW
        )
        assert response.get_json()["data"] == lower.result.inputs
        fed = Submission.objects.get(pk=subs["SKHCN"])
        assert aggregation.unit_data(fed).counts == lower.result.counts
        Submission.objects(pk=subs["SKHCN"]).update_one(set__state="accepted")
        stc = Submission.objects(pk=subs["STC"])
        stc.update_one(set__state="accepted", set__data=world["encode"](third))
        province = aggregation.aggregate_period(
            upper, "2026-M03", unit=None, load_form=load, now=NOW
        )
    assert province.result.units == ("SKHCN", "STC")
    for address in set(first) | set(second) | set(third):
        values = [d[address] for d in (first, second, third) if address in d]
        if all(isinstance(v, int | float) for v in values):
            assert province.result.inputs[address] == pytest.approx(sum(values))
    drill = province.result.contributions(next(iter(third)))
    assert set(drill.values) <= {"SKHCN", "STC"} and drill.missing == ()


def test_edited_report_drops_the_counts(
    app: Any, client: FlaskClient, make_user: Any, world: dict[str, Any]
) -> None:
    """AGL-2: once the department changes the filled data, its counts no longer
    describe it and the report counts as one unit's values."""
    make_user("SKHCN.nhaplieu", Role.DATA_ENTRY, "SKHCN")
    with app.app_context():
        _upper, subs = _upper_regime()
    assert _fill(client, world, "SKHCN.nhaplieu", subs["SKHCN"]).status_code == 200
    with app.app_context():
        sub = Submission.objects.get(pk=subs["SKHCN"])
        data = sub.get_data() | {next(iter(sub.get_data())): 1}
        Submission.objects(pk=sub.pk).update_one(set__data=world["encode"](data))
        sub.reload()
        assert aggregation.unit_data(sub).counts is None


def test_other_form_version_and_other_unit_are_refused(
    app: Any, client: FlaskClient, make_user: Any, world: dict[str, Any]
) -> None:
    """AGL-3: an upper regime on another form version is refused with AG019;
    another department's data entry may not fill SKHCN's report (403)."""
    make_user("SKHCN.nhaplieu", Role.DATA_ENTRY, "SKHCN")
    make_user("STC.nhaplieu", Role.DATA_ENTRY, "STC")
    with app.app_context():
        _upper, subs = _upper_regime()
        _other, other_subs = _upper_regime(version=2)
    foreign = _fill(client, world, "STC.nhaplieu", subs["SKHCN"])
    assert foreign.status_code == 403
    mismatch = _fill(client, world, "SKHCN.nhaplieu", other_subs["SKHCN"])
    assert mismatch.status_code == 422 and mismatch.get_json()["code"] == "AG019"
    assert "phiên bản 2" in mismatch.get_json()["message"]
    with app.app_context():
        assert Submission.objects.get(pk=other_subs["SKHCN"]).get_data() == {}
