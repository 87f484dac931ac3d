"""What the benchmark commands share: the places and words they search with, a nearest-rank percentile, and a
recorder that counts and times SQL queries.

Standard library only: the load generator (benchmarks/client.py) imports it too, in its own process, without Django.
"""

import math
import time

# (postcode, what it is, dense or sparse). City centres and rural places all over Great Britain. If a postcode has
# gone from Code-Point Open, `bench` uses the first postcode of the same district instead.
PLACES = [
    ("B1 1BB", "Birmingham city centre", "dense"),
    ("WR1 2EY", "Worcester", "dense"),
    ("LS1 1UR", "Leeds city centre", "dense"),
    ("EC1A 1BB", "central London", "dense"),
    ("M1 1AE", "Manchester city centre", "dense"),
    ("G1 1XQ", "Glasgow city centre", "dense"),
    ("BS1 4DJ", "Bristol", "dense"),
    ("CF10 1EP", "Cardiff", "dense"),
    ("NE1 7RU", "Newcastle", "dense"),
    ("EH1 1YZ", "Edinburgh", "dense"),
    ("HR3 5AE", "Hay-on-Wye", "sparse"),
    ("LD1 5DL", "Llandrindod Wells", "sparse"),
    ("IV27 4DE", "Lairg, Sutherland", "sparse"),
    ("HS1 2BN", "Stornoway, Lewis", "sparse"),
    ("TR19 7AA", "St Just, Cornwall", "sparse"),
    ("LA22 0BU", "Ambleside", "sparse"),
    ("DL8 3AQ", "Wensleydale", "sparse"),
    ("SY23 1JH", "Aberystwyth", "sparse"),
    ("EX35 6AA", "Lynton, Exmoor", "sparse"),
    ("KW15 1NX", "Kirkwall, Orkney", "sparse"),
]

# Words people type into the public search; a mix of one and two words.
WORDS = ["club", "help", "befriending", "lunch", "dementia", "carers", "garden", "music group", "home", "support"]


def percentile(values, pct):
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


class QueryRecorder:
    """Counts and times every SQL query (a database execute wrapper: cheap, and works with DEBUG=False)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - began
            self.count += 1
