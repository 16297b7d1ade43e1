"""A small load generator: N threads, each with its own keep-alive HTTP connection on loopback,
requesting one URL for a fixed time. Python's threads release the GIL while they wait on the
socket, which is where a client of a Django server spends its time; on the 2-core machine the
generator shares the cores with the server, as wrk or locust would."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from dataclasses import dataclass


@dataclass
class Load:
    url: str
    users: int
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {
            "url": self.url,
            "users": self.users,
            "requests": self.requests,
            "errors": self.errors,
            "per_second": round(self.per_second, 1),
            "p50_ms": round(self.p50_ms, 1),
            "p95_ms": round(self.p95_ms, 1),
        }


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(host: str, port: int, url: str, *, users: int, seconds: float, headers: dict[str, str]) -> Load:
    """Requests ``url`` from ``users`` threads for ``seconds``; a status >= 400 counts as an error."""
    deadline = time.monotonic() + seconds
    latencies: list[list[float]] = [[] for _ in range(users)]
    errors = [0] * users

    def user(index: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=120)
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                connection.request("GET", url, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    errors[index] += 1
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=120)
                continue
            latencies[index].append((time.perf_counter() - start) * 1000)
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    every = [latency for own in latencies for latency in own]
    return Load(
        url=url,
        users=users,
        requests=len(every),
        errors=sum(errors),
        seconds=elapsed,
        p50_ms=statistics.median(every) if every else 0.0,
        p95_ms=percentile(every, 0.95),
    )
