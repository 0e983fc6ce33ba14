"""``baocao demo``'s exchange: labelled double, demo seal key, in-process delivery.

Requirement ids: EX-10 (issue #7 item 6). The same functions ``run_demo`` calls.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from baocao.platform.exchange import demo as exchange_demo
from baocao.platform.exchange import events
from baocao.platform.exchange.double import LABEL
from baocao.platform.exchange.qcvn125 import status_package
from baocao.platform.models.exchange import OutboxMessage


def test_demo_double_key_and_local_delivery(app_factory: Any, tmp_path: Path) -> None:
    """EX-10: a signed status package reaches the demo double without Celery."""
    overrides, double = exchange_demo.prepare(tmp_path / "demo", datetime.now(UTC))
    try:
        assert overrides["exchange_url"] == double.url
        assert double.url.startswith("http://127.0.0.1:")
        assert LABEL in exchange_demo.banner_line(double.url)
        app = app_factory(**overrides)
        delivery = exchange_demo.start(app, double)
        assert app.extensions["baocao_exchange_label"] == LABEL
        submission = {
            "regime": "r1",
            "period": "2026-M03",
            "unit": "28249",
            "state": "accepted",
            "version": 7,
        }
        with app.app_context():
            message = events.queue(status_package(submission), datetime.now(UTC))
            assert message is not None and message.signed
            for _ in range(40):
                message.reload()
                if message.status == "delivered":
                    break
                time.sleep(0.1)
            assert message.status == "delivered"
            assert OutboxMessage.objects.count() == 1
        delivery.stop()
        # The demo double insists on the signature of data and status packages.
        assert double.double.signed_types
        assert message.key in double.double.stored
    finally:
        double.stop()
