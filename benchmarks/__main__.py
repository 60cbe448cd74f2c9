"""`make bench`: run every benchmark and print a Markdown table for docs/performance.md."""

from __future__ import annotations

import os
import platform
from datetime import date

from benchmarks import bench_audit, bench_demo


def main() -> None:
    cores = os.cpu_count()
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(
        f"{date.today().isoformat()} · {platform.machine()}, {cores} cores, "
        f"{memory_gb:.0f} GiB, Python {platform.python_version()}"
    )
    print()
    print("| benchmark | scamlink | memory | peer, same run | ratio |")
    print("|---|---|---|---|---|")
    for line in bench_demo.run():
        print(line, flush=True)
    for line in bench_audit.run():
        print(line, flush=True)
    print(*__import__("benchmarks.bench_extract").bench_extract.run(), sep="\n", flush=True)
    print(*__import__("benchmarks.bench_visibility").bench_visibility.run(), sep="\n", flush=True)
    print(*__import__("benchmarks.bench_intake").bench_intake.run(), sep="\n", flush=True)
    print(*__import__("benchmarks.bench_import").bench_import.run(), sep="\n", flush=True)
    print(*__import__("benchmarks.bench_campaign_pages").bench_campaign_pages.run(), sep="\n")
    print(*__import__("benchmarks.bench_quality").bench_quality.run(), sep="\n", flush=True)
    for line in __import__("benchmarks.bench_linking").bench_linking.run():
        print(line, flush=True)
    print(*__import__("benchmarks.bench_cases").bench_cases.run(), sep="\n", flush=True)
    print(*__import__("benchmarks.bench_dossier").bench_dossier.run(), sep="\n", flush=True)
    for line in __import__("benchmarks.bench_review_queue").bench_review_queue.run():
        print(line, flush=True)
    for line in __import__("benchmarks.bench_lookup_private").bench_lookup_private.run():
        print(line, flush=True)
    for line in __import__("benchmarks.bench_lookup").bench_lookup.run():
        print(line, flush=True)
    print(*__import__("benchmarks.bench_transfers_import").bench_transfers_import.run(), sep="\n")
    for line in __import__("benchmarks.bench_trace").bench_trace.run():
        print(line, flush=True)
    for line in __import__("benchmarks.bench_trace_quality").bench_trace_quality.run():
        print(line, flush=True)


if __name__ == "__main__":
    main()
