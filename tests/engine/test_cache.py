"""engine/cache.py: the byte-bounded cache every cache of client-dependent data uses."""

import sys
import threading

import numpy as np

import engine
from engine import training
from engine.cache import ByteCache, byte_cached, deep_size

ARRAY = sys.getsizeof(np.zeros(1000))  # 8,000 bytes of numbers and the array's header


def test_sizes_by_hand():
    assert ARRAY == 8000 + sys.getsizeof(np.zeros(0))
    a = np.zeros(1000)
    assert deep_size(a) == ARRAY
    assert deep_size(a[:10]) == sys.getsizeof(a[:10]) + ARRAY  # a view keeps its whole base alive
    assert deep_size((a, a)) == sys.getsizeof((a, a)) + ARRAY  # shared: counted once
    row = (0.5, 1.5, 2.5)
    assert deep_size(row) == sys.getsizeof(row) + 3 * sys.getsizeof(0.5)
    assert deep_size({"k": a}) == sys.getsizeof({"k": a}) + sys.getsizeof("k") + ARRAY


def test_the_least_recently_used_go_until_the_bytes_fit():
    made = []

    @byte_cached(3 * ARRAY + 3 * 200)  # room for three arrays of 1,000 numbers and their keys
    def zeros(i):
        made.append(i)
        return np.zeros(1000)

    for i in (1, 2, 3):
        zeros(i)
    zeros(1)  # 1 is now the most recently used: 2 goes first
    zeros(4)
    assert len(zeros.cache) == 3 and zeros.cache.bytes <= zeros.cache.max_bytes
    zeros(1), zeros(3), zeros(4)
    assert made == [1, 2, 3, 4]  # all three still there
    zeros(2)
    assert made == [1, 2, 3, 4, 2]  # 2 was dropped and made again
    assert (zeros.cache.hits, zeros.cache.misses) == (4, 5)


def test_a_value_larger_than_the_budget_is_returned_and_not_kept():
    cache = ByteCache(1000)
    value = cache.get("big", lambda: np.ones(1000))
    assert value.sum() == 1000 and len(cache) == 0 and cache.bytes == 0


def test_threads_share_one_cache_and_its_count_stays_right():
    cache = ByteCache(50 * ARRAY)

    def work(offset):
        for i in range(200):
            cache.get((offset + i) % 120, lambda: np.zeros(1000))

    threads = [threading.Thread(target=work, args=(k * 7,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.bytes == sum(size for _, size in cache._entries.values()) <= cache.max_bytes


def test_the_caches_of_client_data_are_bounded_by_bytes():
    # Thousands of distinct uploads: the data sets kept never pass their budget.
    rng = np.random.default_rng(0)
    rows = tuple(map(tuple, rng.uniform(-1, 1, (2000, 8)).round(3).tolist()))
    for seed in range(30):
        spec = engine.DataSpec("explicit", test_fraction=0.2, seed=seed, kind="regression", x=rows,
                               y=tuple((float(seed),) for _ in rows))
        training.dataset(spec)
    assert training.dataset.cache.bytes <= training.DATASETS_BYTES
    assert len(training.dataset.cache) < 30
    assert training.dataset(engine.DataSpec("circle", n_points=20, seed=0)).x_train.shape == (10, 2)
    assert training._shuffled.cache.max_bytes == training.ORDERS_BYTES
