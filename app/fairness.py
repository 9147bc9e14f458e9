"""One expensive computation at a time in each server process, and nobody waiting for it.

The map over two weights of the largest lab costs more CPU than a hundred Steps. Eight of them
at once, from one client, used to fill every thread of the server and every core of the machine,
and a normal student's Step waited seconds. So a request whose work is large (app/panels.py
measures it with engine.grid_work before computing) takes this process's one slot, and if
another request holds it, it is refused at once with `Busy`: the page says so and asks again
a moment later (the panels' retry timer), when it gets the correct answer.

Refusing rather than waiting is the point: a request that waited would hold a server thread
(gunicorn's `--threads 4`, waitress's 4), and eight waiting requests would block everyone as
surely as eight computing ones. A refusal costs the reading of the request and nothing more.
Cheap requests (every Step, slider move and small map) never come here.

It is a lock per process, so it works the same under gunicorn (one slot per worker), waitress
and Flask's threaded server (one slot each). Nothing is shared between processes or kept
between requests beyond the two counters, which only the benchmarks and tests read.
"""

import threading
from contextlib import contextmanager


class Busy(Exception):
    """Another expensive computation is running in this process: try again in a moment."""


class Slot:
    """A non-blocking lock with counts of what it let through and what it refused."""

    def __init__(self):
        self._lock = threading.Lock()
        self._count = threading.Lock()
        self.granted = 0
        self.refused = 0

    def busy(self) -> bool:
        """Held just now (it may be free a moment later: only for refusing early, never for taking)."""
        return self._lock.locked()

    def refuse(self) -> None:
        """Count a request refused before it tried to take the slot (it saw `busy`)."""
        with self._count:
            self.refused += 1

    @contextmanager
    def take(self):
        if not self._lock.acquire(blocking=False):
            with self._count:
                self.refused += 1
            raise Busy
        try:
            with self._count:
                self.granted += 1
            yield
        finally:
            self._lock.release()


EXPENSIVE = Slot()
