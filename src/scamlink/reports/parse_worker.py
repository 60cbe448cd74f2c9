"""The parsing process of a bulk import (`reports.bulk_parse.ParsingProcess` starts it).

Jobs arrive on stdin and their events leave on stdout, each a length-prefixed pickle; the
real stdout is kept for them alone, so a stray print goes to stderr instead.
"""

from __future__ import annotations

import os
import signal
import sys

from scamlink.reports.bulk_parse import serve


def main() -> None:
    # Ctrl-C reaches the whole process group: the importer decides, and stops this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    events = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=1 << 20)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    with sys.stdin.buffer as jobs, events:
        serve(jobs, events)


if __name__ == "__main__":
    main()
