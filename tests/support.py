"""Helpers shared by every test package (importable as ``support``).

``BAOCAO_REQUIRE_SERVICES=1`` (set by ``.ci/run``) turns every skip for a missing
browser or service into a failure, so CI cannot go green by skipping.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def require(condition: bool, what: str) -> None:
    """Skip the calling test when ``condition`` is false, or fail in CI.

    :param condition: whether the browser/service/file is available.
    :param what: what is missing, in words, for the skip or failure message.
    """
    if condition:
        return
    if os.environ.get("BAOCAO_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} is required (BAOCAO_REQUIRE_SERVICES=1) but missing")
    pytest.skip(f"{what} is not available")


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
