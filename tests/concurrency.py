"""Running the same thing twice at the same moment, as two requests or two schedulers would."""

import threading

from django.db import connection


def at_the_same_moment(call, times: int = 2) -> tuple[list, list]:
    """Run `call` in `times` threads released together; return what they returned and what they raised."""
    start = threading.Barrier(times)
    results, errors = [], []

    def run():
        try:
            start.wait()
            results.append(call())
        except Exception as error:  # noqa: BLE001 - the caller asserts on them
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors
