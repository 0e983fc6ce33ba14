"""Exchange with the national reporting system (QCVN 125:2021/BTTTT, DESIGN.md §8).

- :mod:`~baocao.platform.exchange.qcvn125`: our documented mapping of regimes,
  forms, periods, indicators, data and statuses to the 13 package types;
- :mod:`~baocao.platform.exchange.outbox`: idempotency keys and retry rules (pure);
- :mod:`~baocao.platform.exchange.delivery`: the outbox on MongoDB and HTTP
  delivery; :mod:`~baocao.platform.exchange.tasks`: the Celery task.
"""
