"""The load generator of `make loadtest` (benchmarks/management/commands/loadtest.py runs it as its own process,
`python -m benchmarks.client` from the project's folder).

Standard library only, and benchmarks/common.py: asyncio with raw HTTP/1.1 over keep-alive connections, so that the
generator costs little CPU next to the server it measures (it reports its own CPU use, to show that it was not the
bottleneck).

Each of --concurrency connections is one visitor, who keeps a connection open (keep-alive) for --per-connection
requests, a visit, then opens a new one, as visits end and others begin; so connections are spread over the
server's worker processes as real traffic spreads them (held for the whole run, 50 connections opened at once all
land on one gunicorn worker, which then serves nearly everything while the others idle). Half of them
(--session-share) first put --shortlist services on a shortlist, as a person would (a service page for the CSRF
cookie and token, then "Add to shortlist"), and so carry
a session cookie afterwards; the others never have a session. Then, for --warmup seconds unmeasured and --seconds
measured, each visitor asks for pages one after another with no pause (a closed loop: the next request goes as soon
as the last answer has arrived), each page drawn at random with the weights of the plan, whose URLs are drawn at
random from the plan's lists for that kind of page. With --rate, requests arrive instead at that average rate (an
open loop, Poisson arrivals) and are sent on whichever connection is free; a request's latency then counts from when
it was due, so time spent waiting for a free connection is not hidden.

    python -m benchmarks.client --port 8123 --plan plan.json [--seconds 60] [--concurrency 50] [--out r.json]

The plan is JSON: {"kinds": [{"name": "home", "weight": 10, "paths": ["/"]}, …], "shortlist_services": [pk, …]}.
The result (JSON, to --out or standard output) has, per kind of page and in all: requests, requests a second,
p50/p95/p99/max latency in ms, errors (a status outside 2xx–3xx, or no answer) and the statuses seen; a
second-by-second timeline; and the generator's own CPU time. Latency is from the first byte of the request written
to the last byte of the answer read.
"""

import argparse
import asyncio
import json
import math
import random
import re
import sys
import time
from collections import Counter, defaultdict
from urllib.parse import urlencode

from benchmarks.common import percentile

REQUEST_TIMEOUT = 30.0
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class ConnectionLost(Exception):
    pass


class Visitor:
    """One keep-alive connection and the cookies of one person."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None
        self.cookies: dict[str, str] = {}
        self.used = False  # whether the open connection has already carried a request
        self.reconnects = 0
        self.on_connection = 0  # requests answered on the open connection

    async def connect(self):
        self.close()
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.used = False
        self.on_connection = 0

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"", *, _retry: bool = True):
        """(status, headers, body). Retries once, on a new connection, if a reused keep-alive connection turns out
        to have been closed by the server before it answered (as a browser does)."""
        if self.writer is None:
            await self.connect()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "User-Agent: directory-loadtest",
                 "Accept: text/html,application/json"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{name}={value}" for name, value in self.cookies.items()))
        if method == "POST":
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        reused = self.used
        self.used = True
        try:
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            status, headers, content = await asyncio.wait_for(self._read_response(), REQUEST_TIMEOUT)
        except (ConnectionLost, ConnectionError):
            # Closed before any answer (an idle keep-alive connection the server has just let go): once more.
            self.close()
            if reused and _retry:
                self.reconnects += 1
                return await self.request(method, path, body, _retry=False)
            raise
        except Exception:
            self.close()
            raise
        for value in headers.get("set-cookie", []):
            self._remember_cookie(value)
        if "close" in ",".join(headers.get("connection", [])).lower():
            self.close()
        return status, headers, content

    async def _read_response(self):
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as error:
            if not error.partial:
                raise ConnectionLost("the server closed the connection before answering") from None
            raise
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = defaultdict(list)
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()].append(value.strip())
        if "chunked" in ",".join(headers.get("transfer-encoding", [])).lower():
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            content = b"".join(parts)
        elif "content-length" in headers:
            content = await self.reader.readexactly(int(headers["content-length"][0]))
        else:
            content = await self.reader.read()
            self.close()
        return status, headers, content

    def _remember_cookie(self, header: str):
        pair, *attributes = header.split(";")
        name, _, value = pair.strip().partition("=")
        expired = any(a.strip().lower() in {"max-age=0"} for a in attributes) or value in {"", '""'}
        if expired:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value


class Recorder:
    def __init__(self):
        self.samples = []  # (kind, started (s since the measured start), latency s, status; 0 = no answer)
        self.started = None  # perf_counter at the measured start
        self.error_examples = Counter()

    def add(self, kind, began, latency, status, error=""):
        if self.started is not None and began >= self.started:
            self.samples.append((kind, began - self.started, latency, status))
            if error:
                self.error_examples[error[:120]] += 1


async def make_shortlist(visitor: Visitor, services: list[int], rng: random.Random, how_many: int):
    """A service page (for the CSRF cookie and the form's token), then "Add to shortlist" for a few services."""
    for pk in rng.sample(services, min(how_many, len(services))):
        status, _, content = await visitor.request("GET", f"/services/{pk}/")
        token = CSRF_INPUT.search(content)
        if status != 200 or token is None:
            continue
        body = urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "next": "/shortlist/"}).encode()
        await visitor.request("POST", f"/shortlist/add/{pk}/", body)


async def visit(number, args, plan, recorder, deadline: dict, ready, tickets):
    rng = random.Random(args.seed * 1000 + number)
    visitor = Visitor(args.host, args.port)
    kinds = plan["kinds"]
    names = [kind["name"] for kind in kinds]
    weights = [kind["weight"] for kind in kinds]
    try:
        if number < round(args.concurrency * args.session_share) and plan.get("shortlist_services"):
            await make_shortlist(visitor, plan["shortlist_services"], rng, args.shortlist)
    except Exception as error:  # a failed set-up leaves this visitor without a shortlist; the run goes on
        print(f"visitor {number}: shortlist set-up failed: {error!r}", file=sys.stderr)
        visitor.close()
    ready.set_result(None)
    # Visits end at different times: the first connection carries a random share of a visit's requests.
    per_connection = rng.randint(1, args.per_connection) if args.per_connection else 0
    while time.perf_counter() < deadline["at"]:
        index = rng.choices(range(len(kinds)), weights)[0]
        path = rng.choice(kinds[index]["paths"])
        if tickets is None:  # a closed loop: straight on
            began = time.perf_counter()
        else:  # an open loop: wait for the next arrival, and count the time from when it was due
            try:
                began = await asyncio.wait_for(tickets.get(), max(0.01, deadline["at"] - time.perf_counter()))
            except TimeoutError:
                continue
        try:
            status, _, _ = await visitor.request("GET", path)
            recorder.add(names[index], began, time.perf_counter() - began, status)
            visitor.on_connection += 1
            if args.per_connection and visitor.on_connection >= per_connection:
                visitor.close()  # the end of a visit: the next request comes on a new connection
                per_connection = args.per_connection
        except Exception as error:
            recorder.add(names[index], began, time.perf_counter() - began, 0, f"{type(error).__name__}: {error}")
            visitor.close()
            await asyncio.sleep(0.05)  # no answer at all: do not spin while the server is unreachable
    visitor.close()
    return visitor.reconnects


def summarise(samples, seconds):
    latencies = [latency * 1000 for _, _, latency, _ in samples]
    statuses = Counter(status for *_, status in samples)
    errors = sum(count for status, count in statuses.items() if not 200 <= status < 400)
    return {
        "requests": len(samples),
        "rps": round(len(samples) / seconds, 1) if seconds else None,
        "p50_ms": _round(percentile(latencies, 50)),
        "p95_ms": _round(percentile(latencies, 95)),
        "p99_ms": _round(percentile(latencies, 99)),
        "max_ms": _round(max(latencies) if latencies else None),
        "errors": errors,
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
    }


def _round(value):
    return None if value is None else round(value, 1)


def timeline(samples, seconds):
    buckets = defaultdict(list)
    for sample in samples:
        buckets[int(sample[1])].append(sample)
    rows = []
    for second in range(int(math.ceil(seconds))):
        chunk = buckets.get(second, [])
        latencies = [latency * 1000 for _, _, latency, _ in chunk]
        statuses = Counter(status for *_, status in chunk)
        rows.append({
            "second": second,
            "requests": len(chunk),
            "ok": sum(count for status, count in statuses.items() if 200 <= status < 400),
            "503": statuses.get(503, 0),
            "other_errors": sum(count for status, count in statuses.items()
                                if not 200 <= status < 400 and status not in (503, 0)),
            "no_answer": statuses.get(0, 0),
            "p50_ms": _round(percentile(latencies, 50)),
            "max_ms": _round(max(latencies) if latencies else None),
        })
    return rows


async def main_async(args, plan):
    recorder = Recorder()
    loop = asyncio.get_running_loop()
    readies = [loop.create_future() for _ in range(args.concurrency)]
    # The measured window starts once every visitor has made its shortlist and the warm-up has passed: the deadline
    # is set then (each visitor reads it from this dict whenever it checks).
    began = time.perf_counter()
    deadline = {"at": began + 3600}

    tickets = asyncio.Queue() if args.rate else None

    async def run(number):
        return await visit(number, args, plan, recorder, deadline, readies[number], tickets)

    async def pace():
        """Requests arriving at random (a Poisson process) at --rate a second, whether or not earlier ones have
        been answered: each waits for a free connection if none is, and that wait counts in its latency."""
        rng = random.Random(args.seed)
        due = time.perf_counter()
        while due < deadline["at"]:
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tickets.put_nowait(due)
            due += rng.expovariate(args.rate)

    tasks = [asyncio.create_task(run(number)) for number in range(args.concurrency)]
    await asyncio.gather(*readies)
    setup_done = time.perf_counter()
    pacer = asyncio.create_task(pace()) if args.rate else None
    await asyncio.sleep(args.warmup)
    cpu_before = time.process_time()
    recorder.started = time.perf_counter()
    started_wall = time.time()
    print(f"MEASURING {started_wall}", file=sys.stderr, flush=True)  # for whoever drives an outage meanwhile
    deadline["at"] = recorder.started + args.seconds
    reconnects = await asyncio.gather(*tasks)
    if pacer is not None:
        await pacer
    finished = time.perf_counter()
    cpu = time.process_time() - cpu_before
    measured = args.seconds
    samples = [s for s in recorder.samples if s[1] < measured]
    kinds = [kind["name"] for kind in plan["kinds"]]
    return {
        "started_wall": started_wall,
        "seconds": measured,
        "setup_seconds": round(setup_done - began, 1),
        "warmup_seconds": args.warmup,
        "concurrency": args.concurrency,
        "rate": args.rate,
        "per_connection": args.per_connection,
        "unsent": tickets.qsize() if tickets is not None else 0,
        "all": summarise(samples, measured),
        "kinds": {name: summarise([s for s in samples if s[0] == name], measured) for name in kinds},
        "timeline": timeline(samples, measured),
        "client_cpu_seconds": round(cpu, 2),
        "client_cpu_share_of_one_core": round(cpu / (finished - recorder.started), 3),
        "reconnects": sum(reconnects),
        "error_examples": dict(recorder.error_examples.most_common(5)),
        **({"samples": [(kind, round(at, 4), round(latency, 5), status) for kind, at, latency, status in samples]}
           if args.raw else {}),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--plan", required=True, help="the plan's JSON file")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rate", type=float, default=0,
                        help="an open loop: this many requests a second on average (default: a closed loop)")
    parser.add_argument("--per-connection", type=int, default=20,
                        help="requests a connection carries before it is closed and a new one opened, as visits end "
                             "and others begin (20); 0 keeps every connection for the whole run")
    parser.add_argument("--session-share", type=float, default=0.5)
    parser.add_argument("--shortlist", type=int, default=3, help="services each visitor with a session shortlists")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--raw", action="store_true", help="also every sample: kind, start s, latency s, status")
    parser.add_argument("--out", help="write the result here (default: standard output)")
    args = parser.parse_args()
    with open(args.plan) as file:
        plan = json.load(file)
    result = asyncio.run(main_async(args, plan))
    text = json.dumps(result, indent=1)
    if args.out:
        with open(args.out, "w") as file:
            file.write(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
