"""Files imported from a web page in a background thread: the jobs a page polls.

Jobs live in this process's memory for an hour after they end (the imports are durable on
their own; only the progress display would be lost with a restart) and are shown to the
person who started them only. The uploaded file is deleted when its job ends, whatever the end.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Generic, Protocol, TypeVar

KEEP_FINISHED = 60 * 60  # seconds a finished job stays visible
_log = logging.getLogger(__name__)


class Job(Protocol):
    id: str
    user_id: int
    finished_at: float | None
    error: str | None  # why the file could not be read at all


J = TypeVar("J", bound=Job)


class JobBoard(Generic[J]):
    """The jobs of one kind in this process."""

    def __init__(self) -> None:
        self.jobs: dict[str, J] = {}
        self.lock = threading.Lock()

    def get(self, job_id: str, user_id: int) -> J | None:
        with self.lock:
            job = self.jobs.get(job_id)
        return job if job is not None and job.user_id == user_id else None

    def run(
        self,
        job: J,
        path: Path,
        work: Callable[[], None],
        *,
        expected: tuple[type[Exception], ...],
        unexpected: str,
    ) -> None:
        """Register `job` and run `work` in a thread: an `expected` error becomes the job's
        error as it reads, any other is logged and told as `unexpected`; `path` is deleted."""
        with self.lock:
            self._forget_old()
            self.jobs[job.id] = job

        def run() -> None:
            try:
                work()
            except expected as exc:
                job.error = str(exc)
            except Exception:
                _log.exception("upload %s failed", job.id)
                job.error = unexpected
            finally:
                path.unlink(missing_ok=True)
                job.finished_at = time.monotonic()

        threading.Thread(target=run, name=f"upload-{job.id}", daemon=True).start()

    def _forget_old(self) -> None:
        now = time.monotonic()
        for job_id in [
            j.id
            for j in self.jobs.values()
            if j.finished_at is not None and now - j.finished_at > KEEP_FINISHED
        ]:
            del self.jobs[job_id]
