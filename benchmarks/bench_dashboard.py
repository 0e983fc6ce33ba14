"""Benchmark: a dashboard panel over 24 periods x 102 communes (goal ≤ 200 ms).

DESIGN.md §10, issue #7 item 7. The Đồng Tháp unit tree (102 communes), the
demo socio-economic form published with five cells bound to indicators, and
24 monthly periods (2024-M04 … 2026-M03) of accepted reports from every
commune (2,448 submissions) in the embedded mongomock store; each accepted
report is projected into indicator values as the workflow does on accept.
A dashboard holds one panel of each kind. Measured, in the same run:

- ``baocao``: ``GET /bang-dieu-khien/<id>/panels/<panel>/data`` through the
  app (session login, permission checks, JSON) for every panel kind, the
  server time as seen by the in-process client;
- the naive baseline: the same panels computed from the submissions
  themselves (``indicator_values.scan_values``: decode every accepted report,
  read the bound cells of its form version; for completeness, read every
  report's state), as a first implementation would.

Both must give the same numbers (checked). Run:
``python benchmarks/bench_dashboard.py [--periods 24] [--rounds 7]``.
Exit status 0 only when every panel's median is within the goal.
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from baocao.platform.app import create_app
from baocao.platform.models import ReportProgress, Unit
from baocao.platform.models.workflow import Period, Regime, Submission, encode_keys
from baocao.platform.roles import Role
from baocao.platform.security import ensure_user, sync_security
from baocao.platform.services import (
    dashboards,
    indicator_values,
    report_progress,
    units,
)
from baocao.platform.services import forms as store
from baocao.platform.services.dashboard_demo import (
    DEMO_BINDINGS,
    SEEDER,
    seed_indicators,
)
from baocao.platform.services.dashboard_panels import PANEL_KINDS
from baocao.platform.services.indicator_series import Filters, Viewer
from baocao.platform.settings import Secret, Settings

PASSWORD = "Matkhau-do-bang-dieu-khien-2026"  # noqa: S105 - throwaway account
GOAL_MS = 200.0
NOW = datetime(2026, 4, 25, 3, 0, tzinfo=UTC)
TEMPLATE = (
    Path(__file__).resolve().parent.parent
    / "platform"
    / "seed"
    / "forms"
    / "bieu01_ktxh.xlsx"
)
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def period_keys(count: int) -> list[str]:
    """``count`` months ending with 2026-M03."""
    keys, year, month = [], 2026, 3
    for _ in range(count):
        keys.append(f"{year}-M{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(keys)


def seed(app: Any, count: int) -> tuple[str, dict[str, str], int]:
    """Units, form, regime, periods, accepted reports and a four-panel dashboard."""
    with app.app_context():
        units.seed_dongthap()
        communes = [u.code for u in Unit.objects(kind="commune").order_by("code")]
        form, _ = store.upload_form(
            TEMPLATE.read_bytes(),
            name="Biểu 01",
            owner_unit="SKHCN",
            actor="bench",
            now=NOW,
        )
        for address, code in DEMO_BINDINGS.items():
            store.set_override(str(form.pk), address, {"indicator": code}, now=NOW)
        store.publish(str(form.pk), actor="bench", now=NOW)
        regime = Regime(
            name="Đo bảng điều khiển",
            kind="dinh_ky",
            content="numeric",
            reporting_units={"mode": "kind", "kind": "commune"},
            receiving_unit="SKHCN",
            frequency="month",
            form_id=str(form.pk),
            form_version=1,
            status="published",
            created_by="bench",
            created_at=NOW,
        ).save()
        rng = random.Random(7)  # noqa: S311 - synthetic numbers
        for key in period_keys(count):
            Period(
                regime_id=str(regime.pk),
                key=key,
                window_start="2024-01-01",
                window_end="2026-12-31",
                deadline=f"{key[:4]}-12-20",
                opened_at=NOW,
                opened_by="bench",
            ).save()
            for unit in communes:
                data = {cell: round(rng.uniform(10, 5000), 1) for cell in DEMO_BINDINGS}
                sub = Submission(
                    regime_id=str(regime.pk),
                    period_key=key,
                    unit=unit,
                    form_id=str(form.pk),
                    form_version=1,
                    data=encode_keys(data),
                    state="accepted",
                    created_at=NOW,
                    updated_at=NOW,
                    submitted_at=datetime(int(key[:4]), 12, 1),
                ).save()
                indicator_values.sync_submission(sub, now=NOW)  # as on accept
                report_progress.record_submission(sub)
        seed_indicators(now=NOW)
        board = dashboards.create_dashboard(
            "Đo", owner_unit="SKHCN", actor=SEEDER, now=NOW
        )
        panels = {
            kind: dashboards.add_panel(
                board,
                {
                    "kind": kind,
                    "indicator": "SL_LUA",
                    "regime": str(regime.pk),
                    "top": 102,
                },
                actor=SEEDER,
                now=NOW,
            )["id"]
            for kind in PANEL_KINDS
        }
        ensure_user(
            app, "SKHCN.tonghop", PASSWORD, role=Role.AGGREGATOR, unit_code="SKHCN"
        )
        return str(board.pk), panels, len(communes)


def timed(call: Any, rounds: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def naive_panel(panel: dict[str, Any], viewer: Viewer) -> Any:
    """The panel computed from the submissions themselves (no projections)."""
    if panel["kind"] == "completeness":
        ReportProgress.objects.delete()  # read back from every report, then kept
        return dashboards.panel_data(panel, Filters(), viewer=viewer)
    return dashboards.panel_data(
        panel, Filters(), viewer=viewer, source=indicator_values.scan_values
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--periods", type=int, default=24)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    settings = Settings.from_env(
        {},
        instance_dir=Path(tempfile.mkdtemp(prefix="baocao-bench-dashboard-")),
        secret_key=Secret("do-bang-dieu-khien-" * 3),
        log_level="ERROR",
        secure_cookies=False,
        login_rate_limit="1000 per minute",
    )
    app = create_app(settings)
    app.config["FAB_PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
    sync_security(app)
    started = time.perf_counter()
    board, panels, communes = seed(app, args.periods)
    print(
        f"seeded {args.periods} periods x {communes} communes "
        f"({args.periods * communes} accepted reports) in {time.perf_counter() - started:.1f} s"
    )
    client = app.test_client()
    token = CSRF.search(client.get("/login/").get_data(as_text=True)).group(1)
    client.post(
        "/login/",
        data={"username": "SKHCN.tonghop", "password": PASSWORD, "csrf_token": token},
    )
    ok = True
    with app.app_context():
        viewer = Viewer.of(app.appbuilder.sm.find_user("SKHCN.tonghop"), now=NOW)
        for kind, panel_id in panels.items():
            url = f"/bang-dieu-khien/{board}/panels/{panel_id}/data"
            times, response = timed(lambda url=url: client.get(url), args.rounds)
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            found = response.get_json()
            panel = dashboards.find_panel(dashboards.get_dashboard(board), panel_id)
            naive_times, naive = timed(
                lambda panel=panel: naive_panel(panel, viewer), max(2, args.rounds // 3)
            )
            same = naive.to_dict() == found
            median = statistics.median(times)
            verdict = "ok" if median <= GOAL_MS and same else "FAIL"
            ok = ok and verdict == "ok"
            print(
                f"{kind:15s} endpoint median {median:7.1f} ms  max {max(times):7.1f} ms  "
                f"| naive scan median {statistics.median(naive_times):8.1f} ms  "
                f"| {len(found['rows'])} rows, same numbers: {same}  [{verdict}]"
            )
    print(f"goal: median ≤ {GOAL_MS:.0f} ms per panel -> {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
