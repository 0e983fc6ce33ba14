"""The web server of the one-process set-up (``baocao demo``, the load benchmark,
the browser tests): waitress with a fixed pool of threads.

One process, because the embedded stores (mongomock, the SQLite file's session
memo, the in-process Celery worker) live in its memory. Why waitress rather than
werkzeug's development server: werkzeug starts a thread per connection and, as
configured by ``make_server``, speaks HTTP/1.0, so every request opened a new
connection and a new thread; under 50 concurrent users that meant dozens of
threads fighting for the one GIL, each request costing more CPU the busier the
server was. Waitress reads requests in one I/O thread, keeps connections alive
and hands complete requests to :data:`THREADS` worker threads, the others
waiting their turn in its queue. ``benchmarks/bench_workflow.py --users 50``,
old and new code alternating in one sitting: overall p95 165–182 ms with
werkzeug, 81–116 ms with waitress, at about the same CPU per request
(docs/workflow.md, "Load benchmark"). The multi-process production
set-up (``baocao serve``) stays gunicorn.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from waitress import wasyncore
from waitress.server import create_server

#: The process's GIL switch interval while the embedded server runs (Python's
#: default is 5 ms). Everything shares one GIL here, the in-process Celery worker
#: included: an aggregate refresh after an acceptance (tens of ms of Python) kept
#: the requests waiting behind it for 5 ms at each turn. In the load benchmark
#: (five runs each, alternating) the median p95 of accept fell from 181 to 86 ms
#: at 1 ms, for the same CPU per request; the overall p95 moved less.
SWITCH_INTERVAL_S = 0.001
#: Request threads. More threads only queue for the GIL (measured: 4 threads gave
#: the lowest p95 and CPU per request; 8 and 16 were slower); the queue in front
#: of them is what absorbs a burst.
THREADS = 4


def embedded_server(app: Any, host: str = "127.0.0.1", port: int = 0) -> Any:
    """A waitress server for ``app`` bound to ``host:port`` (0 = a free port);
    ``.effective_port`` is the bound port, ``.run()`` serves, ``.close()`` stops.
    Sets the process's GIL switch interval to :data:`SWITCH_INTERVAL_S`."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    return create_server(
        app,
        host=host,
        port=port,
        threads=THREADS,
        ident="baocao",
        # a burst of users must queue, not be refused: the accept backlog and the
        # number of open connections allow a few hundred browsers at once.
        backlog=1024,
        connection_limit=1000,
    )


@contextmanager
def serving(app: Any, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` from a background thread; yields the base URL."""
    server = embedded_server(app, host, port)
    thread = threading.Thread(target=server.run, name="baocao-http", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.effective_port}"
    finally:
        # Closed by the loop's own thread: closed from here, a socket could vanish
        # under the loop's select() (EBADF in the server thread, now and then).
        server.trigger.pull_trigger(lambda: _close(server))
        thread.join(timeout=10)
        if server._map:  # the loop had already stopped: nothing selects any more
            _close(server)


def _close(server: Any) -> None:
    """Close the listening socket and the connections browsers keep alive; the
    loop ends once its map is empty."""
    server.close()
    wasyncore.close_all(server._map)
