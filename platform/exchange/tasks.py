"""Celery task that delivers the outbox (run by ``baocao worker`` or the embedded one).

The task takes no data, only an optional endpoint, and is idempotent: messages
are claimed atomically and a delivered, rejected or failed message is never
sent again. Schedule it periodically with :data:`BEAT_SCHEDULE` and also call
``deliver_outbox.delay()`` after queuing a package so that it leaves at once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from baocao.platform.exchange.delivery import deliver_due
from celery import shared_task
from flask import current_app

logger = logging.getLogger(__name__)

TASK_NAME = "baocao.exchange.deliver_outbox"
BEAT_SCHEDULE = {"deliver-outbox": {"task": TASK_NAME, "schedule": 60.0}}
"""Merge into Celery's ``beat_schedule``: retries become due between runs."""


@shared_task(name=TASK_NAME, ignore_result=False)
def deliver_outbox(endpoint: str | None = None) -> dict[str, int]:
    """Deliver every due outbox message to ``endpoint`` or the configured one.

    :param endpoint: the national endpoint's URL; defaults to the app config's
        ``EXCHANGE_ENDPOINT``. Without one, nothing is sent (exchange disabled).
    """
    url = endpoint or current_app.config.get("EXCHANGE_ENDPOINT")
    if not url:
        logger.info("exchange endpoint not configured; outbox left as is")
        return {}
    return deliver_due(url, datetime.now(UTC))
