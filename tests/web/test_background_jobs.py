"""The jobs a page polls: errors told as they read or generically, the file always deleted,
a job shown to its starter only, finished jobs forgotten after an hour."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from scamlink.web import background_jobs
from scamlink.web.background_jobs import JobBoard


@dataclass(slots=True)
class _Job:
    id: str
    user_id: int
    finished_at: float | None = None
    error: str | None = None


def _wait(job: _Job) -> None:
    deadline = time.monotonic() + 10
    while job.finished_at is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert job.finished_at is not None


def _fails(exc: Exception) -> None:
    raise exc


@pytest.mark.parametrize(
    ("raised", "told"),
    [(ValueError("line 3: bad amount"), "line 3: bad amount"), (KeyError("x"), "went wrong")],
)
def test_errors_are_told_and_the_file_is_deleted(
    tmp_path: Path, raised: Exception, told: str
) -> None:
    board: JobBoard[_Job] = JobBoard()
    path = tmp_path / "upload"
    path.write_text("rows")
    job = _Job("a", 1)
    board.run(job, path, lambda: _fails(raised), expected=(ValueError,), unexpected="went wrong")
    _wait(job)
    assert job.error == told
    assert not path.exists()


def test_a_job_is_shown_to_its_starter_only(tmp_path: Path) -> None:
    board: JobBoard[_Job] = JobBoard()
    job = _Job("b", 7)
    board.run(job, tmp_path / "none", lambda: None, expected=(), unexpected="")
    _wait(job)
    assert job.error is None
    assert board.get("b", 7) is job
    assert board.get("b", 8) is None


def test_finished_jobs_are_forgotten_after_an_hour(tmp_path: Path) -> None:
    board: JobBoard[_Job] = JobBoard()
    old = _Job("old", 1, finished_at=time.monotonic() - background_jobs.KEEP_FINISHED - 1)
    running = _Job("running", 1)
    board.jobs.update({"old": old, "running": running})
    job = _Job("new", 1)
    board.run(job, tmp_path / "none", lambda: None, expected=(), unexpected="")
    _wait(job)
    assert set(board.jobs) == {"running", "new"}
