"""The intake API under load: one report with a 2 KB narrative per request, on SQLite.

The application runs in uvicorn on 127.0.0.1 (a thread of this process, as `scamlink serve`
runs it, one worker) and is called over one keep-alive HTTP connection with an API key, so a
request pays for HTTP parsing, the key check, the parse and extraction, the transaction and
the JSON answer. Goal (issue 5): p50 ≤ 15 ms, p99 ≤ 60 ms.

    python -m benchmarks.bench_intake --requests 1000
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from sqlalchemy import Engine

from benchmarks.databases import scratch_sqlite
from scamlink.config import Settings
from scamlink.sharing.accounts import register_user
from scamlink.sharing.administration import create_key
from scamlink.sharing.api_keys import parse_scopes
from scamlink.sharing.audit import Actor
from scamlink.sharing.roles import Role
from scamlink.web.app import create_app

WARM_UP = 50
NARRATIVE_BYTES = 2048
SENTENCES = (
    "투자 상담사라는 사람이 텔레그램으로 먼저 연락을 해 왔습니다. ",
    "He said the platform guaranteed 30% a month and showed me screenshots of profits. ",
    "처음에는 소액을 넣었는데 수익이 나는 것처럼 보여서 더 큰 금액을 보냈습니다. ",
    "When I asked to withdraw, they demanded a tax and a security deposit first. ",
)


def narrative(number: int) -> str:
    """About 2 KB of narrative, with a phone, a link and a wallet that vary per report."""
    head = (
        f"상담원 번호는 010-{2000 + number % 7000:04d}-{number % 10000:04d} 였고 "
        f"사이트는 hxxps://kb-invest{number % 50}[.]com/login 입니다. "
        "USDT는 TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t 로 보냈습니다. "
    )
    text = head
    index = 0
    while len(text.encode()) < NARRATIVE_BYTES:
        text += SENTENCES[index % len(SENTENCES)]
        index += 1
    return text.encode()[:NARRATIVE_BYTES].decode(errors="ignore")


def body(number: int) -> bytes:
    report = {
        "external_id": f"BENCH-{number}",
        "incident_date": "2026-11-20",
        "victim_country": "KR",
        "scam_type": "investment",
        "loss_amount": "3500000",
        "loss_currency": "KRW",
        "narrative": narrative(number),
        "phones": [f"02-{3000 + number % 5000:04d}-{number % 10000:04d}"],
        "tlp": "GREEN",
    }
    return json.dumps(report, ensure_ascii=False).encode()


def _key(engine: Engine) -> str:
    with engine.begin() as conn:
        register_user(
            conn,
            email="bench@knpa.test",
            agency="KNPA",
            role=Role.ANALYST,
            display_name="bench",
            password="bench password 123",  # noqa: S106 (a scratch database's account)
        )
        issued = create_key(
            conn, Actor("bench"), "bench@knpa.test", parse_scopes("report"), expires_days=None
        )
    return issued.token


@contextmanager
def served(engine: Engine, data_dir: Path) -> Iterator[int]:
    secret = "bench-only-secret"  # noqa: S105 (signs cookies of a scratch server)
    settings = Settings(data_dir=data_dir, database_url="sqlite://", secret_key=secret)
    app = create_app(settings, engine)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Accepted connections inherit it (Linux): uvicorn writes a response's head and body
    # separately, and without it the body waits for the client's delayed ACK (~40 ms).
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind(("127.0.0.1", 0))
    port = int(listener.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="off", ws="none", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        listener.close()


def measure(requests: int) -> tuple[float, float, float]:
    """p50, p99 and mean latency in milliseconds over `requests` POSTs."""
    with scratch_sqlite("scamlink-bench-intake-") as engine, tempfile.TemporaryDirectory() as tmp:
        headers = {
            "Authorization": f"Bearer {_key(engine)}",
            "Content-Type": "application/json",
        }
        with served(engine, Path(tmp)) as port:
            connection = http.client.HTTPConnection("127.0.0.1", port)
            connection.connect()
            # As browsers and HTTP libraries do: no Nagle delay on a small request.
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            timings: list[float] = []
            for number in range(WARM_UP + requests):
                payload = body(number)
                start = time.perf_counter()
                connection.request("POST", "/api/v1/reports", payload, headers)
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - start
                if response.status != 201:
                    raise SystemExit(f"request {number}: HTTP {response.status}")
                if number >= WARM_UP:
                    timings.append(elapsed * 1000)
            connection.close()
    timings.sort()
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    return statistics.median(timings), p99, statistics.fmean(timings)


def run(requests: int = 1000) -> list[str]:
    p50, p99, mean = measure(requests)
    return [
        f"| intake API: one report, 2 KB narrative, SQLite, uvicorn over HTTP keep-alive, "
        f"{requests} requests | p50 {p50:.1f} ms · p99 {p99:.1f} ms (mean {mean:.1f} ms) "
        "| — | goal p50 ≤ 15 ms, p99 ≤ 60 ms | — |"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000)
    print(*run(parser.parse_args().requests), sep="\n")


if __name__ == "__main__":
    main()
