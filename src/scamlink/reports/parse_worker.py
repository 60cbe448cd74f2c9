"""The parsing process of a bulk import (`reports.bulk_parse.ParsingProcess` starts it).

Jobs arrive on stdin and their events leave on stdout, each a length-prefixed pickle; the
real stdout is kept for them alone, so a stray print goes to stderr instead.
"""

from __future__ import annotations

import gc
import os
import signal
import sys

from scamlink.reports.bulk_parse import GC_THRESHOLDS, serve


def main() -> None:
    # Ctrl-C reaches the whole process group: the importer decides, and stops this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A process of its own, so its collector is tuned for parsing: the modules and their tables
    # (phone metadata, the public suffix list) are never garbage, so full collections skip
    # them; and collections run after many more allocations (a tenth of the parser's CPU went
    # to them, mostly walking its memories again and again).
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    events = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=1 << 20)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    with sys.stdin.buffer as jobs, events:
        serve(jobs, events)


if __name__ == "__main__":
    main()
