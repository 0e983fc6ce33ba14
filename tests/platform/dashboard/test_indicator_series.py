"""Indicator values across form versions, the projection, and who sees what.

Issue #7 item 3 (values collected from every cell bound to the indicator,
comparable across forms and periods) and item 4 (units see what their grants
allow; the public sees public indicators only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from baocao.platform.models import Grant, Indicator, IndicatorValue
from baocao.platform.models.workflow import Submission
from baocao.platform.roles import ROLE_NAMES, Role
from baocao.platform.services import indicator_values, indicators
from baocao.platform.services.errors import Forbidden, InvalidInput, NotFound
from baocao.platform.services.indicator_errors import IndicatorCode
from baocao.platform.services.indicator_series import Filters, Viewer, series


NOW = datetime(2026, 4, 25, 3, 0, tzinfo=UTC)


@dataclass
class FakeRole:
    name: str


@dataclass
class Principal:
    """What the access service reads from a FAB user."""

    username: str
    unit_code: str | None
    roles: list[FakeRole] = field(default_factory=list)
    is_authenticated: bool = True
    is_active: bool = True


def person(username: str, role: Role, unit: str | None) -> Principal:
    return Principal(username, unit, [FakeRole(ROLE_NAMES[role])])


def rice(public: bool = False) -> Indicator:
    return indicators.create_indicator(
        {"code": "SL_LUA", "name": "Sản lượng lúa", "unit_of_measure": "tấn",
         "owner_unit": "SKHCN", "public": public},
        actor=person("admin", Role.SYSADMIN, None), now=NOW,
    )


def test_series_reads_each_version_s_own_cell(world: dict[str, Any]) -> None:
    """CT-1: v1 binds E11, v2 binds E12; each submission is read by its version."""
    rice()
    admin = Viewer.of(person("admin", Role.SYSADMIN, None), now=NOW)
    found = series("SL_LUA", Filters(), viewer=admin)
    assert found.values == {
        "2026-M01": {"28249": 100.0, "28261": 50.5},
        "2026-M02": {"28249": 120.0, "28261": 60.0, "28270": 1234.5},
        "2026-M03": {"28249": 130.0},
    }
    assert found.totals == {"2026-M01": 150.5, "2026-M02": 1414.5, "2026-M03": 130.0}


def test_projection_equals_a_scan_of_the_submissions(world: dict[str, Any]) -> None:
    """CT-2: the stored projection and the naive scan agree, also after a rebuild."""
    for start, end in (("", ""), ("2026-M02", "2026-M03"), ("2026-M02", "2026-M02")):
        stored = indicator_values.stored_values("SL_LUA", start=start, end=end)
        assert stored == indicator_values.scan_values("SL_LUA", start=start, end=end)
    before = indicator_values.stored_values("SL_LUA")
    assert indicator_values.rebuild(now=NOW) == IndicatorValue.objects.count()
    assert indicator_values.stored_values("SL_LUA") == before


def test_a_reopened_report_leaves_the_series(world: dict[str, Any]) -> None:
    """CT-3: only accepted data counts; leaving 'accepted' removes the value."""
    sub = Submission.objects(unit="28270", period_key="2026-M02").first()
    sub.state = "returned"
    sub.save()
    indicator_values.sync_submission(sub, now=NOW)
    values = {r.period: r.values for r in indicator_values.stored_values("SL_LUA")}
    assert values["2026-M02"] == {"28249": 120.0, "28261": 60.0}
    assert indicator_values.stored_values("SL_LUA") == indicator_values.scan_values("SL_LUA")


def test_filters_period_range_and_unit_subtree(world: dict[str, Any]) -> None:
    """CT-4: a period range and a unit's subtree narrow the series."""
    rice()
    admin = Viewer.of(person("admin", Role.SYSADMIN, None), now=NOW)
    found = series("SL_LUA", Filters("2026-M02", "2026-M03", "X1"), viewer=admin)
    assert found.values == {
        "2026-M02": {"28249": 120.0, "28261": 60.0},
        "2026-M03": {"28249": 130.0},
    }
    with pytest.raises(InvalidInput) as caught:
        Filters.from_args({"from": "2026-M03", "to": "2026-M01"})
    assert str(caught.value).endswith(
        IndicatorCode.CT007.value.msg.format(start="2026-M03", end="2026-M01")
    )


def test_units_see_only_what_their_grants_allow(world: dict[str, Any]) -> None:
    """CT-5: a commune sees itself; a grant adds a unit; the receiving unit sees all."""
    rice()
    commune = person("28249.nhaplieu", Role.DATA_ENTRY, "28249")
    assert series("SL_LUA", Filters(), viewer=Viewer.of(commune, now=NOW)).units == ["28249"]
    Grant(username="28249.nhaplieu", unit_code="28270", roles=["xem"],
          granted_by="admin", granted_at=NOW).save()
    assert series("SL_LUA", Filters(), viewer=Viewer.of(commune, now=NOW)).units == [
        "28249", "28270"
    ]
    receiving = person("SKHCN.xem", Role.VIEWER, "SKHCN")
    assert series("SL_LUA", Filters(), viewer=Viewer.of(receiving, now=NOW)).units == [
        "28249", "28261", "28270"
    ]


def test_public_viewer_sees_public_indicators_only(world: dict[str, Any]) -> None:
    """CT-6: a non-public indicator is 'not found' for the public."""
    rice(public=False)
    with pytest.raises(NotFound):
        series("SL_LUA", Filters(), viewer=Viewer.public(now=NOW))
    indicators.update_indicator("SL_LUA", {"public": True},
                                actor=person("admin", Role.SYSADMIN, None), now=NOW)
    assert series("SL_LUA", Filters(), viewer=Viewer.public(now=NOW)).totals["2026-M03"] == 130.0


def test_catalogue_import_suggests_bound_codes(world: dict[str, Any]) -> None:
    """CT-7: codes bound in published versions but missing are suggested, then added."""
    designer = person("SKHCN.thietke", Role.DESIGNER, "SKHCN")
    suggested = indicators.suggestions()
    assert [(s.code, s.version, s.cell) for s in suggested] == [("SL_LUA", 1, "Biểu 01-KTXH!E11")]
    made = indicators.import_missing(["SL_LUA"], actor=designer, now=NOW)
    assert [(i.code, i.owner_unit, i.aggregate) for i in made] == [("SL_LUA", "SKHCN", "sum")]
    assert made[0].name.startswith("Sản lượng lúa")
    assert indicators.suggestions() == []


def test_only_the_owner_unit_edits(world: dict[str, Any]) -> None:
    """CT-8: a commune's designer cannot add to SKHCN's catalogue; nothing is stored."""
    outsider = person("28249.thietke", Role.DESIGNER, "28249")
    with pytest.raises(Forbidden):
        indicators.create_indicator(
            {"code": "X", "name": "X", "owner_unit": "SKHCN"}, actor=outsider, now=NOW
        )
    with pytest.raises(InvalidInput):
        indicators.create_indicator(
            {"code": "bad code!", "name": "X", "owner_unit": "28249"}, actor=outsider, now=NOW
        )
    assert Indicator.objects.count() == 0
