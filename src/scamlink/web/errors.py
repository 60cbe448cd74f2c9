"""Errors as a page (HTML routes) or as `{"error": {"code", "message"}}` (API routes).

Never a traceback: unexpected exceptions become a plain 500 answer, and the server log keeps
the details.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from scamlink.store.users import UserRecord
from scamlink.web.i18n import N_, request_locale, translations
from scamlink.web.rendering import render
from scamlink.web.security import add_security_headers
from scamlink.web.sessions import session_user

API_PREFIX = "/api/"
JSON_PATHS = frozenset({"/healthz"})

ERROR_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}

TITLES: dict[int, str] = {
    400: N_("Bad request"),
    401: N_("Sign in required"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    405: N_("Not allowed"),
    422: N_("Bad request"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
}

MESSAGES: dict[int, str] = {
    400: N_("The request could not be understood."),
    401: N_("Sign in to continue."),
    403: N_("You are not allowed to do this."),
    404: N_("There is nothing at this address."),
    405: N_("This address does not accept this kind of request."),
    422: N_("The request is not valid."),
    500: N_("Something went wrong on our side. Please try again later."),
}


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith(API_PREFIX) or path in JSON_PATHS


def error_code(status: int) -> str:
    return ERROR_CODES.get(status, "client_error" if status < 500 else "server_error")


def _message(request: Request, status: int, detail: Any) -> str:
    """The detail an HTTPException carries, or the standard message, in the reader's language."""
    try:
        standard = HTTPStatus(status).phrase
    except ValueError:
        standard = ""
    fallback = 400 if status < 500 else 500
    text = detail if isinstance(detail, str) and detail and detail != standard else None
    if text is None:
        text = MESSAGES.get(status, MESSAGES[fallback])
    return translations(request_locale(request)).gettext(text)


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def _known_user(request: Request) -> UserRecord | None:
    """The signed-in user, for the header of an error page; none when the store fails too."""
    try:
        return session_user(request)
    except SQLAlchemyError:
        return None


def error_response(
    request: Request,
    status: int,
    detail: Any = None,
    headers: Mapping[str, str] | None = None,
    *,
    load_user: bool = True,
) -> Response:
    message = _message(request, status, detail)
    response: Response
    if wants_json(request):
        response = JSONResponse(error_body(error_code(status), message), status_code=status)
    else:
        fallback = 400 if status < 500 else 500
        title = translations(request_locale(request)).gettext(TITLES.get(status, TITLES[fallback]))
        user = _known_user(request) if load_user else None
        response = render(
            request,
            "error.html",
            user=user,
            show_account=load_user,
            status_code=status,
            status=status,
            title=title,
            message=message,
        )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return error_response(request, exc.status_code, exc.detail, exc.headers)


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if not wants_json(request):
        return error_response(request, 400)
    details = [
        {"location": [str(part) for part in error.get("loc", ())], "message": error.get("msg")}
        for error in exc.errors()
    ]
    message = _message(request, 422, None)
    return JSONResponse(error_body(error_code(422), message, details=details), status_code=422)


def _unexpected_error(request: Request, exc: Exception) -> Response:
    # Starlette answers from its outermost middleware here, outside SecurityHeadersMiddleware,
    # and logs the exception afterwards; the page neither touches the store nor the session.
    response = error_response(request, 500, load_user=False)
    add_security_headers(response.headers, request.url.path)
    return response


def install_error_handlers(app: FastAPI) -> None:
    # Plain functions: Starlette runs them in its thread pool, where the store may be used.
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)
