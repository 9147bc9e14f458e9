"""A small least-recently-used cache bounded by bytes, for anything made from what a client sent.

`functools.lru_cache(maxsize=64)` bounds entries, not memory: 64 uploaded data sets of 2,000
rows × 8 inputs hold about 1.3 MB each (the arrays and the spec's rows as Python numbers), and a
server that saw thousands of distinct data sets sat at 204 MB per worker. Here an entry's size is
measured when it is stored (`deep_size` of its key and value together) and the least recently used
entries go until the total is within `max_bytes`. An entry larger than the whole budget is returned
but not kept.

Thread-safe: the servers run several threads per process. A value is made outside the lock, so two
threads missing the same key at once may both make it (values here are pure functions of the key);
the cache keeps one. Values are shared between callers and must not be changed.
"""

import sys
import threading
from collections import OrderedDict
from dataclasses import fields, is_dataclass
from functools import wraps

import numpy as np

_FLOAT = sys.getsizeof(0.5)


def deep_size(obj, seen: set | None = None) -> int:
    """Bytes an object holds, following containers, dataclasses and arrays; shared objects once.

    An estimate, good to a few per cent for the values cached here: NumPy arrays count their
    buffer (a view counts the base it keeps alive), Python objects their sys.getsizeof; a tuple
    of floats is counted as that many separate floats.
    """
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        # getsizeof counts the buffer of an array that owns it; a view's buffer is its base's.
        return sys.getsizeof(obj) + (deep_size(obj.base, seen) if obj.base is not None else 0)
    size = sys.getsizeof(obj)
    if isinstance(obj, (str, bytes, int, float, bool, type(None))):
        return size
    if isinstance(obj, dict):
        return size + sum(deep_size(k, seen) + deep_size(v, seen) for k, v in obj.items())
    if isinstance(obj, (list, tuple, set, frozenset)):
        if all(type(v) is float for v in obj):  # a row of numbers: 16,000 of them in a large upload's key
            return size + len(obj) * _FLOAT
        return size + sum(deep_size(v, seen) for v in obj)
    if is_dataclass(obj) and not isinstance(obj, type):
        return size + sum(deep_size(getattr(obj, f.name), seen) for f in fields(obj))
    if hasattr(obj, "__dict__"):
        return size + deep_size(vars(obj), seen)
    return size


class ByteCache:
    """key → value, least recently used first out, within max_bytes (see the module's docstring)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict = OrderedDict()  # key → (value, bytes)
        self._lock = threading.Lock()
        self.bytes = 0
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key, make):
        """The value for key, made with make() (and kept, if it fits) when not cached."""
        with self._lock:
            entry = self._entries.pop(key, None)
            if entry is not None:
                # Kept again under the caller's key, last: its next lookup with the same objects
                # (every training step of a request) matches by identity, without comparing two
                # equal data specs of 2,000 rows field by field (70 µs a time).
                self._entries[key] = entry
                self.hits += 1
                return entry[0]
            self.misses += 1
        value = make()
        size = deep_size((key, value))
        with self._lock:
            if key in self._entries or size > self.max_bytes:
                return value
            self._entries[key] = (value, size)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self.bytes -= dropped
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0


def byte_cached(max_bytes: int):
    """Decorator: cache a function of hashable positional arguments in a ByteCache (as `f.cache`)."""

    def decorate(function):
        cache = ByteCache(max_bytes)

        @wraps(function)
        def cached(*args):
            return cache.get(args, lambda: function(*args))

        cached.cache = cache
        return cached

    return decorate
