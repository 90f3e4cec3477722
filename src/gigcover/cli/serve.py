"""`gigcover serve`: the web advisor and the JSON API (with the ledger), under the service's limits."""

from __future__ import annotations

from typing import Annotated

import typer

from gigcover.engine.errors import GigcoverError

from .ledger import prepare_for_serve


def serve(
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="port to listen on", min=1, max=65535)] = 8000,
    db: Annotated[
        str | None,
        typer.Option("--db", help="ledger database URL (default $GIGCOVER_DATABASE_URL, else sqlite:///gigcover.db)"),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", help="server processes (one per core serves most load)", min=1, max=64)
    ] = 1,
    max_body_bytes: Annotated[
        int | None,
        typer.Option("--max-body-bytes", help="largest request body (default 1 MiB; 64 KiB for /v1/advice)", min=1),
    ] = None,
    max_people: Annotated[
        int | None, typer.Option("--max-people", help="most people per HTTP calc (default 10,000)", min=1)
    ] = None,
    threads: Annotated[
        int | None, typer.Option("--threads", help="worker threads computing the rules per process (default 4)", min=1)
    ] = None,
    lab_max_rows: Annotated[
        int | None,
        typer.Option("--lab-max-rows", help="largest /lab sample, rows (500–20,000; default 20,000)"),
    ] = None,
    lab_max_projection_rows: Annotated[
        int | None,
        typer.Option(
            "--lab-max-projection-rows",
            help="largest /lab sample with the lifetime projection (500 to --lab-max-rows; default 2,000)",
        ),
    ] = None,
    lab_max_seconds: Annotated[
        float | None, typer.Option("--lab-max-seconds", help="time cap of one /lab run, seconds (default 180)")
    ] = None,
) -> None:
    """Serve the web advisor at / and the JSON API under /v1 (OpenAPI at /openapi.json, docs at /docs).

    Limits also come from the environment: GIGCOVER_MAX_BODY_BYTES, GIGCOVER_ROUTE_BODY_BYTES,
    GIGCOVER_MAX_PEOPLE, GIGCOVER_MAX_TRACED_PEOPLE, GIGCOVER_THREADS, and the policy lab's GIGCOVER_LAB_MAX_ROWS,
    GIGCOVER_LAB_MAX_PROJECTION_ROWS, GIGCOVER_LAB_MAX_SECONDS (the options win)."""
    import dataclasses
    import os

    import uvicorn

    from gigcover import cli
    from gigcover.api import ServiceLimits, create_app
    from gigcover.policylab.whatif import LabLimits

    try:  # bad rule data or settings: one clear line, before any server starts
        model = cli.default_model()  # looked up on the package: the one place a caller (or a test) swaps it
    except GigcoverError as exc:
        typer.echo(f"gigcover: cannot start: {exc.message}", err=True)
        raise typer.Exit(2) from None
    try:
        base = ServiceLimits.from_env()
        limits = dataclasses.replace(
            base,
            max_body_bytes=max_body_bytes or base.max_body_bytes,
            max_people=max_people or base.max_people,
            threads=threads or base.threads,
        )
        lab = {"max_rows": lab_max_rows, "max_projection_rows": lab_max_projection_rows, "max_seconds": lab_max_seconds}
        lab_limits = LabLimits.configured(lab)
    except ValueError as exc:
        typer.echo(f"gigcover: cannot start: {exc}", err=True)
        raise typer.Exit(2) from None
    db = prepare_for_serve(db)  # the ledger: migrated, its ID-hashing key in place (generated and said so)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"gigcover: http://{shown}:{port}/ (API docs http://{shown}:{port}/docs; Ctrl+C to stop)")
    if workers == 1:
        app = create_app(model, db_url=db, limits=limits)
        app.state.lab_limits = lab_limits
        uvicorn.run(app, host=host, port=port)
        return
    os.environ.update(
        limits.as_env() | lab_limits.as_env()
    )  # each worker process builds its own app: limits and database by environment
    os.environ["GIGCOVER_DATABASE_URL"] = db
    uvicorn.run("gigcover.api:create_app", factory=True, host=host, port=port, workers=workers)
