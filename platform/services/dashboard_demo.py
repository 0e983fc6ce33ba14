"""Demo indicators, a default dashboard and six months of accepted history.

``baocao demo`` calls :func:`seed_dashboard_demo` after the demo forms: the
socio-economic form's version 1 binds five cells to indicator codes (see
:data:`DEMO_BINDINGS`, applied by ``forms_demo`` before publishing), the
catalogue gets those five entries (two public), and the months before the demo
period are opened, filled with made-up numbers, walked through the chain and
accepted through the workflow services (a background job: each walk costs
about a second on the embedded store), so that the charts show a real
history. The numbers are invented (clearly labelled "trình diễn"); the walk is
done by :data:`SEEDER`, an in-memory principal that is no account and cannot
log in. The ready-made chain requires a signature, so the seeder signs for
real, with a certificate of its own from a throw-away demo chain (see
:func:`seeder_signing`): the history goes through the same checks as any
report. Idempotent: a second run finds the reports accepted and does nothing.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from baocao.platform.models import Dashboard, Indicator
from baocao.platform.models.workflow import Period, Regime, Submission
from baocao.platform.roles import DEMO_UNITS, ROLE_NAMES
from baocao.platform.services import dashboards, indicators, signatures
from baocao.platform.services import workflow as wf
from baocao.platform.services import workflow_signing
from baocao.platform.services import workflow_config as config
from baocao.platform.services import workflow_periods as periods
from baocao.platform.workflow.transitions import State
from baocao.signing import Pkcs12Signer, build_demo_pki, certificate_sha256
from celery import shared_task
from flask import current_app

logger = logging.getLogger(__name__)

#: Cells of the demo socio-economic form bound to indicator codes (v1).
DEMO_BINDINGS = {
    "Biểu 01-KTXH!E11": "SL_LUA",
    "Biểu 01-KTXH!E12": "SL_THUY_SAN",
    "Biểu 01-KTXH!E14": "BAN_LE",
    "Biểu 01-KTXH!E22": "LAO_DONG_VIEC_LAM",
    "Biểu 01-KTXH!E24": "BHYT",
}
#: code → (name, unit of measure, group, public, typical monthly value of a commune).
DEMO_INDICATORS = {
    "SL_LUA": ("Sản lượng lúa trong tháng", "tấn", "Nông nghiệp", True, 2400.0),
    "SL_THUY_SAN": (
        "Sản lượng thủy sản trong tháng",
        "tấn",
        "Nông nghiệp",
        False,
        900.0,
    ),
    "BAN_LE": (
        "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ",
        "triệu đồng",
        "Thương mại",
        False,
        18500.0,
    ),
    "LAO_DONG_VIEC_LAM": (
        "Số lao động được tạo việc làm",
        "người",
        "Lao động - xã hội",
        True,
        35.0,
    ),
    "BHYT": (
        "Số người tham gia bảo hiểm y tế",
        "người",
        "Lao động - xã hội",
        False,
        21000.0,
    ),
}
DASHBOARD_NAME = "Điều hành kinh tế - xã hội (số liệu trình diễn)"
HISTORY = ("2025-M09", "2025-M10", "2025-M11", "2025-M12", "2026-M01", "2026-M02")
WALK = ("submit", "approve", "sign", "send", "accept")
HISTORY_UNITS = 12
TASK_NAME = "baocao.dashboard.seed_demo_history"


@dataclass(frozen=True)
class _Role:
    name: str


@dataclass(frozen=True)
class DemoSeeder:
    """A province-level principal holding every role: not an account."""

    username: str = "trinhdien.seed"
    unit_code: str = "82"
    roles: tuple[_Role, ...] = field(
        default_factory=lambda: tuple(_Role(name) for name in ROLE_NAMES.values())
    )
    is_authenticated: bool = True
    is_active: bool = True


SEEDER = DemoSeeder()


def seed_indicators(*, now: datetime) -> list[Indicator]:
    """The five demo entries, once (owner SKHCN)."""
    made = []
    for code, (name, measure, group, public, _typical) in DEMO_INDICATORS.items():
        found = Indicator.objects(code=code).first()
        if found is None:
            payload = {
                "code": code,
                "name": name,
                "unit_of_measure": measure,
                "group": group,
                "public": public,
                "owner_unit": "SKHCN",
                "description": "Chỉ tiêu trình diễn, số liệu không có thật.",
            }
            found = indicators.create_indicator(payload, actor=SEEDER, now=now)
        made.append(found)
    return made


def _when(period: Period, late: bool) -> datetime:
    """A moment a few days before (or after, when late) the period's deadline."""
    deadline = date.fromisoformat(period.effective_deadline())
    day = deadline + timedelta(days=2) if late else deadline - timedelta(days=3)
    return datetime.combine(day, time(9, 0), UTC)


def _numbers(rng: random.Random, month: int) -> dict[str, float]:
    season = 1.6 if month in (3, 7, 11, 12) else 0.8  # rice harvests
    data = {}
    for cell, code in DEMO_BINDINGS.items():
        typical = DEMO_INDICATORS[code][4] * (season if code == "SL_LUA" else 1.0)
        data[cell] = round(typical * rng.uniform(0.5, 1.5), 1 if typical > 100 else 0)
    return data


#: Start of the seeder's certificate validity: before the oldest history month.
SEEDER_CERT_FROM = datetime(2025, 1, 1, tzinfo=UTC)
_SEEDER_PASSPHRASE = "trinh-dien"  # noqa: S105 - throw-away key, never stored


@dataclass(frozen=True)
class SeederSigning:
    """The seeder's PKCS#12 and a signing setup that trusts its demo root."""

    p12: bytes
    setup: workflow_signing.SigningSetup


def seeder_signing(now: datetime) -> SeederSigning:
    """A fresh demo chain for :data:`SEEDER`, its certificate registered.

    Valid from :data:`SEEDER_CERT_FROM` (the history is dated in the past),
    trusted only by the returned setup, not by the app's settings.
    """
    pki = build_demo_pki(
        SEEDER_CERT_FROM,
        _SEEDER_PASSPHRASE.encode(),
        leader_name="Dữ liệu trình diễn",
        organisation="Sở Khoa học và Công nghệ tỉnh Đồng Tháp (trình diễn)",
    )
    certificate = Pkcs12Signer.load(pki.leader_p12, _SEEDER_PASSPHRASE).certificate
    if certificate_sha256(certificate) not in signatures.registered_fingerprints(
        SEEDER.username
    ):
        signatures.register_certificate(
            SEEDER.username, certificate, actor="system", now=now
        )
    base = workflow_signing.setup_of(current_app)
    setup = workflow_signing.SigningSetup(
        trust_roots=(*base.trust_roots, pki.root_pem), render=base.render
    )
    return SeederSigning(p12=pki.leader_p12, setup=setup)


def walk_to_accepted(
    sub: Submission, data: dict[str, float], *, now: datetime, signing: SeederSigning
) -> None:
    """Save the numbers, then submit, approve, sign (for real), send and accept."""
    sub = wf.save_data(str(sub.pk), data, sub.version, SEEDER, now=now)
    for action in WALK:
        if action == "sign":
            sub = workflow_signing.sign_with_p12(
                str(sub.pk),
                sub.version,
                SEEDER,
                signing.p12,
                _SEEDER_PASSPHRASE,
                now=now,
                setup=signing.setup,
            )
            continue
        sub = wf.act(str(sub.pk), action, sub.version, SEEDER, now=now)


def history_units(regime: Regime, *, now: datetime) -> list[str]:
    """The demo communes plus the first others by code (:data:`HISTORY_UNITS` in all)."""
    codes = sorted(config.reporting_unit_codes(regime, now))
    chosen = [c for c in DEMO_UNITS if c in codes]
    chosen += [c for c in codes if c not in chosen][: HISTORY_UNITS - len(chosen)]
    return sorted(chosen)


def seed_history(regime_id: str, *, now: datetime) -> int:
    """Open the history months; the chosen communes' reports walk to accepted.

    Each walk is six workflow calls (about a second each on the embedded
    store), so the demo does this for :data:`HISTORY_UNITS` communes, in the
    background (:func:`seed_history_task`); the other communes stay unreported,
    which the completeness panel shows.
    """
    regime = config.get_regime(regime_id)
    chosen = history_units(regime, now=now)
    signing: SeederSigning | None = None
    accepted = 0
    for key in HISTORY:
        opened_at = datetime(int(key[:4]), int(key[-2:]), 1, 2, 0, tzinfo=UTC)
        period, _ = periods.open_period(regime_id, key, actor="system", now=opened_at)
        for sub in Submission.objects(
            regime_id=regime_id, period_key=key, unit__in=chosen
        ):
            # one generator per report: the same numbers on every run
            rng = random.Random(f"{key}/{sub.unit}")  # noqa: S311 - invented numbers
            if sub.state == State.ACCEPTED.value or rng.random() < 0.05:  # noqa: PLR2004
                continue  # now and then a unit does not report
            late = rng.random() < 0.15  # noqa: PLR2004
            signing = signing or seeder_signing(now)
            numbers = _numbers(rng, int(key[-2:]))
            walk_to_accepted(sub, numbers, now=_when(period, late), signing=signing)
            accepted += 1
    logger.info("dữ liệu trình diễn: %s báo cáo đã tiếp nhận", accepted)
    return accepted


@shared_task(name=TASK_NAME, ignore_result=False)
def seed_history_task(regime_id: str) -> int:
    """Celery entry point of :func:`seed_history` (idempotent)."""
    return seed_history(regime_id, now=datetime.now(UTC))


def seed_dashboard(regime: Regime, *, now: datetime) -> Dashboard:
    """The default dashboard with one panel of each kind (once)."""
    found = Dashboard.objects(name=DASHBOARD_NAME).first()
    if found is not None:
        return found
    found = dashboards.create_dashboard(
        DASHBOARD_NAME, owner_unit="SKHCN", actor=SEEDER, now=now, is_default=True
    )
    for panel in (
        {"kind": "indicator_time", "indicator": "SL_LUA"},
        {"kind": "units_ranked", "indicator": "SL_LUA", "top": 15},
        {"kind": "completeness", "regime": str(regime.pk)},
        {"kind": "indicator_time", "indicator": "LAO_DONG_VIEC_LAM"},
        {"kind": "table", "indicator": "BHYT", "title": "Người tham gia BHYT theo xã"},
    ):
        dashboards.add_panel(found, panel, actor=SEEDER, now=now)
    return found


def seed_dashboard_demo(regime: Regime, *, now: datetime) -> Dashboard:
    """Indicators and the default dashboard now; the history as a background job."""
    seed_indicators(now=now)
    board = seed_dashboard(regime, now=now)
    seed_history_task.delay(str(regime.pk))
    return board
