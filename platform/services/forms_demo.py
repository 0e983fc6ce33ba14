"""Sample forms and the monthly socio-economic regime of ``baocao demo``.

The templates ship in the package (``platform/seed/forms``), are compiled and
published as version 1 through the form store, and one regime over the 102
communes, received by SKHCN on the ready-made chain, opens 2026-M03 through the
workflow services. Idempotent by name, like the rest of the demo.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from baocao.platform.models.forms import Form
from baocao.platform.models.workflow import Period, Regime
from baocao.platform.services import forms as store
from baocao.platform.services.dashboard_demo import DEMO_BINDINGS as SOCIO_ECONOMIC
from baocao.platform.services import workflow_config as config
from baocao.platform.services import workflow_periods as periods

SEED_DIR = Path(__file__).resolve().parent.parent / "seed" / "forms"
#: Template file → the form's name in the demo.
DEMO_FORMS = {
    "bieu01_ktxh.xlsx": "Biểu 01 - Kết quả thực hiện chỉ tiêu kinh tế - xã hội",
    "ngansach_xa.xlsx": "Biểu thu chi ngân sách xã",
    "tthc_quy.xlsx": "Biểu giải quyết thủ tục hành chính quý",
}
REGIME_NAME = "Báo cáo tình hình kinh tế - xã hội tháng"
REGIME_FORM = "bieu01_ktxh.xlsx"
DEMO_PERIOD = "2026-M03"
#: Template file → cells bound to indicator codes before version 1 is published.
DEMO_BINDINGS = {REGIME_FORM: SOCIO_ECONOMIC}
DESIGNER = "SKHCN.thietke"


def seed_forms(*, now: datetime) -> dict[str, Form]:
    """Every shipped template compiled and published as version 1 (once)."""
    seeded: dict[str, Form] = {}
    for filename, name in DEMO_FORMS.items():
        form = Form.objects(name=name).first()
        if form is None:
            form, _ = store.upload_form(
                (SEED_DIR / filename).read_bytes(),
                name=name, owner_unit="SKHCN", actor=DESIGNER, now=now,
            )
        if form.latest_version == 0:
            for address, code in DEMO_BINDINGS.get(filename, {}).items():
                store.set_override(str(form.pk), address, {"indicator": code}, now=now)
            store.publish(str(form.pk), actor=DESIGNER, now=now)
            form.reload()
        seeded[filename] = form
    return seeded


def seed_regime(form: Form, *, now: datetime) -> tuple[Regime, Period]:
    """The monthly regime on ``form`` v1 over every commune, with 2026-M03 open."""
    regime = Regime.objects(name=REGIME_NAME).first()
    if regime is None:
        chain = config.ensure_default_chain(now=now)
        payload = {
            "name": REGIME_NAME,
            "kind": "dinh_ky",
            "content": "numeric",
            "reporting_units": {"mode": "kind", "kind": "commune"},
            "receiving_unit": "SKHCN",
            "methods": ["he_thong"],
            "cutoff": {"kind": "nd09"},
            "deadline": {"kind": "day_of_last_month", "days": 20},
            "frequency": "month",
            "form_id": str(form.pk),
            "form_version": 1,
            "guidance": "Xã, phường nhập số liệu → lãnh đạo duyệt, ký số → văn thư gửi "
            "→ Sở Khoa học và Công nghệ tiếp nhận, tổng hợp.",
            "chain_id": str(chain.pk),
        }
        regime = config.create_regime(payload, actor=DESIGNER, now=now, publish=True)
    period, _created = periods.open_period(str(regime.pk), DEMO_PERIOD, actor=DESIGNER, now=now)
    return regime, period


def seed_demo_forms(*, now: datetime) -> tuple[dict[str, Form], Regime]:
    """Forms, then the regime on the socio-economic form."""
    forms = seed_forms(now=now)
    regime, _period = seed_regime(forms[REGIME_FORM], now=now)
    return forms, regime
