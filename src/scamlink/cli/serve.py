"""`scamlink serve`: the web application."""

from __future__ import annotations

from typing import Annotated

import typer

from scamlink.config import load_settings
from scamlink.store.database import opened_store


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    secure_cookies: Annotated[
        bool,
        typer.Option(
            help="Send the session cookie over HTTPS only. Browsers accept it on "
            "http://127.0.0.1 and http://localhost; elsewhere serve behind TLS."
        ),
    ] = True,
) -> None:
    """Serve the web application and the API."""
    import uvicorn

    from scamlink.web.app import create_app

    settings = load_settings()
    with opened_store(settings) as engine:
        typer.echo(f"scamlink serving at http://{host}:{port}")
        app = create_app(settings, engine, secure_cookies=secure_cookies, serving=True)
        uvicorn.run(app, host=host, port=port, log_level="info")
