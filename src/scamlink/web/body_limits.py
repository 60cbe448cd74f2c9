"""How large a body each route takes, known from the request's headers before it is read.

The CSRF check (`web/csrf.py`) reads a form's token from the body when no header carries it,
and reading a multipart form spools every file in it to disk. So it first asks here whether
the declared Content-Length is over the route's limit, and refuses with 413 and the route's
message before reading a byte: a 50 GB upload never reaches the disk. Routes that take files
declare their limit with `@body_limit(...)` (under the router's decorator); every other form
takes at most `FORM_MAX_BYTES`. The routes check the same limit themselves, for requests whose
token came in a header (HTMX) and were let through unread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from starlette.requests import Request

from scamlink.web.i18n import N_, request_locale, translations

# A form without files: a 100,000-character narrative in Thai or Korean, percent-encoded, is
# about 0.9 MB; the rest of a form is small.
FORM_MAX_BYTES = 4 << 20
# Multipart boundaries, part headers and the small fields sent beside a file.
MULTIPART_OVERHEAD = 64 << 10
MIB = 1 << 20

FORM_TOO_LARGE = N_("The request is too large.")
FILE_TOO_LARGE = N_("The file is larger than the upload limit of %(limit)s MB.")

Endpoint = TypeVar("Endpoint", bound=Callable[..., object])
_ATTRIBUTE = "scamlink_body_limit"


@dataclass(frozen=True, slots=True)
class FileLimit:
    """A route's file limit in MB (it may depend on the settings) and the message, with a
    `%(limit)s` placeholder, that refuses a larger one."""

    megabytes: Callable[[Request], float]
    message: str = FILE_TOO_LARGE

    def body_bytes(self, request: Request) -> int:
        """The largest body: the file and the form around it."""
        return int(self.megabytes(request) * MIB) + MULTIPART_OVERHEAD


def body_limit(
    megabytes: Callable[[Request], float], message: str = FILE_TOO_LARGE
) -> Callable[[Endpoint], Endpoint]:
    """Mark a route's endpoint as taking a file of up to `megabytes(request)` MB."""

    def mark(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, _ATTRIBUTE, FileLimit(megabytes, message))
        return endpoint

    return mark


def declared_over(request: Request, limit: int) -> bool:
    """Whether the request says (Content-Length) that its body is larger than `limit` bytes.
    A request without the header is measured by whoever reads it."""
    declared = request.headers.get("content-length", "")
    return declared.isdigit() and int(declared) > limit


def refusal(request: Request) -> str | None:
    """The reader's message when the declared body is over the matched route's limit."""
    limit: FileLimit | None = getattr(request.scope.get("endpoint"), _ATTRIBUTE, None)
    gettext = translations(request_locale(request)).gettext
    if limit is None:
        return gettext(FORM_TOO_LARGE) if declared_over(request, FORM_MAX_BYTES) else None
    if not declared_over(request, limit.body_bytes(request)):
        return None
    return gettext(limit.message) % {"limit": f"{limit.megabytes(request):g}"}
