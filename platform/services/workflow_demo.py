"""A ready-to-open demo regime over every commune (``baocao demo``).

Idempotent: the ready-made chain and the regime are created once, by name.
The demo accounts then open 2026-M03 (``SKHCN.tonghop``) and walk the chain.
"""

from __future__ import annotations

from datetime import datetime

from baocao.platform.models.workflow import Regime
from baocao.platform.services import workflow_config as config

DEMO_REGIME_NAME = "Báo cáo tình hình kinh tế - xã hội hằng tháng (trình diễn)"


def seed_demo_regime(
    *,
    now: datetime,
    form_id: str = "",
    form_version: int | None = None,
    receiving_unit: str = "SKHCN",
) -> Regime:
    """The published monthly regime over all communes, received by ``receiving_unit``.

    :param form_id: the demo form, when a form store has one; else the regime is
        narrative with an outline, so that it can still be published and walked.
    """
    found = Regime.objects(name=DEMO_REGIME_NAME).first()
    if found is not None:
        return found
    chain = config.ensure_default_chain(now=now)
    payload = {
        "name": DEMO_REGIME_NAME,
        "kind": "dinh_ky",
        "content": "numeric" if form_id else "narrative",
        "reporting_units": {"mode": "kind", "kind": "commune"},
        "receiving_unit": receiving_unit,
        "methods": ["he_thong"],
        "cutoff": {"kind": "nd09"},
        "deadline": {"kind": "day_of_last_month", "days": 20},
        "frequency": "month",
        "form_id": form_id,
        "form_version": form_version,
        "outline": "" if form_id else "I. Tình hình kinh tế - xã hội; II. Kiến nghị.",
        "guidance": "Nhập liệu trình → lãnh đạo duyệt, ký số → văn thư gửi → "
        "Sở tiếp nhận.",
        "chain_id": str(chain.pk),
    }
    return config.create_regime(payload, actor="system", now=now, publish=True)
