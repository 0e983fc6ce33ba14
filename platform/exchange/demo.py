"""The exchange in ``baocao demo``: a labelled local double, a demo key, local delivery.

The demo has no national system, no agency certificate and no Celery worker, so
:func:`prepare` starts the loopback double of the national endpoint
(:mod:`baocao.platform.exchange.double`, printed as a *GIẢ LẬP*), issues the
agency's seal certificate from a fresh demo PKI into the instance folder, and
returns the settings that point the exchange at them; :func:`start` then
delivers the outbox from one thread of the demo process at once after each
queued package (the kick), so the outbox page shows deliveries within a second.
Retries that become due later are delivered by the demo's in-process beat
(:mod:`baocao.platform.scheduler`), which runs the same ``deliver_outbox`` job
as ``baocao worker --beat`` (every 60 s); claims are serialised, so the two
never send a message twice. When ``BAOCAO_EXCHANGE_URL`` is set the demo uses that
endpoint instead and starts no double.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from baocao.platform.exchange import runtime, sealing
from baocao.platform.exchange.delivery import deliver_due
from baocao.platform.exchange.double import LABEL, NationalDouble, RunningDouble, serve
from baocao.platform.settings import Secret
from baocao.signing import build_demo_pki
from flask import Flask

logger = logging.getLogger(__name__)

def prepare(instance_dir: Path, now: datetime) -> tuple[dict[str, Any], RunningDouble]:
    """Start the double and write the demo seal key; the settings to use them."""
    passphrase = secrets.token_urlsafe(18)
    pki = build_demo_pki(now, passphrase.encode("utf-8"))
    instance_dir.mkdir(parents=True, exist_ok=True)
    p12 = instance_dir / "exchange-seal-demo.p12"
    p12.touch(mode=0o600)
    p12.write_bytes(pki.seal_p12)
    double = NationalDouble(
        signed_types=frozenset(t.value for t in sealing.SIGNED_TYPES)
    )
    running = serve(double)
    overrides = {
        "exchange_url": running.url,
        "exchange_p12": p12,
        "exchange_p12_passphrase": Secret(passphrase),
    }
    return overrides, running


def banner_line(url: str) -> str:
    """What the demo prints about where packages go."""
    return f"Gói tin QCVN 125 gửi tới: {LABEL} — {url}"


class LocalDelivery:
    """Delivers the outbox from one daemon thread whenever it is kicked.

    A thread, so that the request that queued a package does not wait for the
    national endpoint; one thread, so that kicks never overlap.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, name="baocao-outbox", daemon=True
        )

    def kick(self) -> None:
        """Deliver as soon as possible (a package was just queued)."""
        self._wake.set()

    def run_once(self) -> dict[str, int]:
        """Deliver what is due now; counts per resulting status."""
        url = self.app.config.get("EXCHANGE_ENDPOINT")
        if not url:
            return {}
        with self.app.app_context():
            return deliver_due(url, datetime.now(UTC))

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._stop.is_set():
                break
            counts = self.run_once()
            if counts:
                logger.info("hàng đợi gói tin: %s", counts)

    def start(self) -> None:
        """Start the thread; deliveries begin at once."""
        self._thread.start()
        self.kick()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)


def start(app: Flask, double: RunningDouble | None = None) -> LocalDelivery:
    """Deliver ``app``'s outbox in-process; queued packages kick it.

    :param double: the local double when the demo started one (the outbox page
        then labels the endpoint as a simulation).
    """
    if double is not None:
        app.extensions["baocao_exchange_double_url"] = double.url
    delivery = LocalDelivery(app)
    runtime.install_kick(app, delivery.kick)
    if app.extensions.get("baocao_exchange_double_url") == app.config.get(
        "EXCHANGE_ENDPOINT"
    ):
        app.extensions["baocao_exchange_label"] = LABEL
    delivery.start()
    app.extensions["baocao_exchange_delivery"] = delivery
    return delivery
