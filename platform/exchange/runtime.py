"""Wire the exchange into an app: the agency's signing key and "deliver now".

Called once by ``create_app``. With ``BAOCAO_EXCHANGE_URL`` set it opens the
agency's PKCS#12 once (a wrong passphrase stops start-up with KS010 instead of
failing on the first package) and keeps the signer in
``app.extensions["baocao_exchange_signer"]`` (never in task arguments), the CA
certificates of that file as the roots the outbox page checks signatures
against, and a *kick* ``app.extensions["baocao_exchange_kick"]`` that
:func:`baocao.platform.exchange.events.queue` calls after queuing so a package
leaves at once instead of at the next beat (Celery here; ``baocao demo``
replaces it with its in-process job).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from baocao.platform.settings import Settings
from baocao.signing import Pkcs12Signer
from flask import Flask

logger = logging.getLogger(__name__)


def init_app(app: Flask, settings: Settings) -> None:
    """Install the signer, trust roots and kick when exchange is configured.

    :raises baocao.signing.KeyAccessError: KS010 for an unreadable PKCS#12.
    """
    if settings.exchange_p12 is not None and settings.exchange_p12_passphrase:
        signer = Pkcs12Signer.load(
            settings.exchange_p12.read_bytes(),
            settings.exchange_p12_passphrase.reveal(),
        )
        install_signer(app, signer)
    if settings.exchange_url:
        app.extensions["baocao_exchange_kick"] = _celery_kick


def install_signer(app: Flask, signer: Pkcs12Signer) -> None:
    """Use ``signer`` for packages; its CA certificates become the page's roots."""
    app.extensions["baocao_exchange_signer"] = signer
    app.extensions["baocao_exchange_roots"] = list(signer.chain)


def install_kick(app: Flask, kick: Callable[[], None]) -> None:
    """Replace how a freshly queued package is sent off (demo: a local job)."""
    app.extensions["baocao_exchange_kick"] = kick


def _celery_kick() -> None:
    # Imported when first used: the task module needs the Celery app to exist.
    from baocao.platform.exchange.tasks import deliver_outbox  # noqa: PLC0415

    deliver_outbox.delay()
