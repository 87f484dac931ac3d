"""What the benchmark commands share: the words they search with, a nearest-rank percentile, and a recorder that
counts and times SQL queries.

Standard library only: the load generator (benchmarks/client.py) imports it too, in its own process, without Django.
"""

import math
import time

# Words people type into the public search: needs, activities and who it is for, one to three words; some match
# nothing, as real searches do.
WORDS = [
    "club", "help", "befriending", "lunch", "dementia", "carers", "garden", "music group", "home", "support",
    "lunch club", "day centre", "home help", "cleaning", "shopping", "transport to hospital", "sitting service",
    "respite", "memory cafe", "singing", "chair exercise", "walking group", "dance", "crafts", "knitting",
    "men's shed", "autism", "learning disability", "mental health", "lonely", "advice", "benefits advice",
    "meals", "hot meals", "personal care", "gardening", "odd jobs", "trips", "peer support", "young carers",
]


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
