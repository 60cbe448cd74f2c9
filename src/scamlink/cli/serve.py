"""`scamlink serve`: the web application."""

from __future__ import annotations

from typing import Annotated

import typer

from scamlink.config import load_settings
from scamlink.store.database import open_store


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Serve the web application and the API."""
    import uvicorn

    from scamlink.web.app import create_app

    settings = load_settings()
    engine = open_store(settings)
    typer.echo(f"scamlink serving at http://{host}:{port}")
    uvicorn.run(create_app(settings, engine), host=host, port=port, log_level="info")
