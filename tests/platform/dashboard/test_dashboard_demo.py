"""The demo's indicators, default dashboard and accepted history (issue #7 item 4)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from baocao.platform.models import Dashboard, Indicator
from baocao.platform.models.workflow import Submission
from baocao.platform.services import (
    dashboard_demo,
    dashboards,
    indicators,
    report_progress,
    units,
)
from baocao.platform.services.forms_demo import seed_demo_forms
from baocao.platform.services.indicator_series import Filters, Viewer

NOW = datetime(2026, 4, 25, 3, 0, tzinfo=UTC)


def test_demo_binds_seeds_and_walks_history(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DEMO-1: bound cells, five entries, a default dashboard, accepted history
    walked through the workflow whose values reach the panels; idempotent."""
    monkeypatch.setattr(dashboard_demo, "HISTORY", ("2026-M01",))
    monkeypatch.setattr(dashboard_demo, "HISTORY_UNITS", 3)
    with app.app_context():
        units.seed_dongthap()
        _forms, regime = seed_demo_forms(now=NOW)
        assert sorted({b.code for b in indicators.bindings()}) == sorted(
            dashboard_demo.DEMO_BINDINGS.values()
        )
        dashboard_demo.seed_indicators(now=NOW)
        board = dashboard_demo.seed_dashboard(regime, now=NOW)
        assert indicators.suggestions() == []
        assert Indicator.objects(public=True).count() == 2
        assert dashboards.get_dashboard().pk == board.pk
        assert len(board.panels) == 5
        walked = dashboard_demo.seed_history(str(regime.pk), now=NOW)
        accepted = Submission.objects(state="accepted", period_key="2026-M01")
        assert walked == accepted.count() >= 2
        assert all(s.history[-1]["action"] == "accept" for s in accepted)
        expected = sum(s.get_data()["Biểu 01-KTXH!E11"] for s in accepted)
        admin = Viewer.public(now=NOW)
        panel = dashboards.panel_data(board.panels[0], Filters(), viewer=admin)
        assert panel.labels == ["2026-M01"]
        assert panel.datasets[0]["data"] == [pytest.approx(expected)]
        stored = report_progress.progress(str(regime.pk), ["2026-M01"])["2026-M01"]
        assert stored == report_progress.rebuild_period(str(regime.pk), "2026-M01")
        assert len(stored) == 102
        assert dashboard_demo.seed_history(str(regime.pk), now=NOW) == 0
        dashboard_demo.seed_dashboard(regime, now=NOW)
        assert Dashboard.objects.count() == 1
