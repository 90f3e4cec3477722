"""`gigcover ledger …`: the per-order occupational-injury ledger from the command line.

Every command takes `--db URL` (default `GIGCOVER_DATABASE_URL`, else the embedded SQLite file `gigcover.db`) and
brings the schema up to date first. Credentials are printed once and stored only hashed. Bad input gets one JSON line
on stderr naming the field, exit code 2, and nothing written; `ledger check` exits 1 when the books do not balance.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:  # the ledger, SQLAlchemy and the rules load when a ledger command runs, not with every command
    from sqlalchemy import Engine

    from gigcover.ledger.ids import IdHasher

ledger_app = typer.Typer(
    help="The per-order occupational-injury ledger (职业伤害保障): platforms, tokens, bands, levies, checks.",
    no_args_is_help=True,
)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="database URL (default: $GIGCOVER_DATABASE_URL, else sqlite:///gigcover.db)"),
]
JsonOption = Annotated[bool, typer.Option("--json", help="machine-readable JSON")]


def fail(message: str, field: str, kind: str = "invalid_value", code: int = 2) -> NoReturn:
    """One JSON line on stderr, then exit (2: bad input or setup; nothing was written)."""
    sys.stderr.write(json.dumps({"error": kind, "message": message, "field": field}, ensure_ascii=False) + "\n")
    raise typer.Exit(code)


def shown(url: str) -> str:
    """The URL without its password."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return "<unparseable URL>"


def open_ledger(db: str | None) -> tuple[Engine, str]:
    """The ledger's database, migrated to the latest revision; a clear error if it cannot be opened."""
    from sqlalchemy.exc import SQLAlchemyError

    from gigcover.ledger.db import connect, migrate, resolve_url

    url = resolve_url(db)
    try:
        engine = connect(url)
        migrate(engine)
    except (SQLAlchemyError, ImportError, OSError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        fail(f"cannot open the ledger at {shown(url)}: {reason}", "db", kind="database")
    return engine, url


def ledger_key(url: str) -> IdHasher:
    """The ID-hashing key for this database; says so on stderr when it was generated just now."""
    from gigcover.ledger.db import id_hasher
    from gigcover.ledger.ids import KEY_ENV

    try:
        hasher, generated = id_hasher(url)
    except LookupError:
        fail(f"no ID-hashing key for {shown(url)}: set {KEY_ENV}", KEY_ENV, kind="configuration")
    except OSError as error:
        fail(f"cannot create the ID-hashing key file: {error.strerror or error}", "db", kind="configuration")
    if generated is not None:
        typer.echo(
            f"gigcover: generated the ID-hashing key {generated} (keep it with the database: without it a "
            f"worker's orders cannot be matched again; set {KEY_ENV} to use your own)",
            err=True,
        )
    return hasher


def prepare_for_serve(db: str | None) -> str:
    """For `gigcover serve`: the database URL, migrated, with its ID-hashing key in place (generated and announced
    for the embedded SQLite file)."""
    engine, url = open_ledger(db)
    engine.dispose()
    ledger_key(url)
    typer.echo(f"gigcover: ledger at {shown(url)}")
    return url


def _compute() -> Any:
    from gigcover import compute

    return compute


def _print(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


# -- commands --------------------------------------------------------------------------------------------
@ledger_app.command("migrate")
def migrate_command(db: DbOption = None) -> None:
    """Create the ledger's tables, or bring them up to the latest revision."""
    _, url = open_ledger(db)
    typer.echo(f"ledger at {shown(url)}: up to date")


@ledger_app.command("add-platform")
def add_platform_command(
    name: Annotated[str, typer.Argument(help="the platform's name, e.g. 美团")],
    rules_platform: Annotated[
        str, typer.Option("--rules-platform", help="the rules' name for it (meituan, eleme, didi, huolala, …)")
    ] = "other",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Register a platform; prints its id and API key once (only a hash of the key is kept)."""
    from sqlalchemy.exc import IntegrityError

    from gigcover.ledger.platforms import add_platform
    from gigcover.rules.coverage.categories import Platform

    name = name.strip()
    if not name or len(name) > 200:
        fail("name: 1 to 200 characters", "name")
    if rules_platform not in Platform.ids():
        fail(f"--rules-platform: {rules_platform!r} is not one of {', '.join(Platform.ids())}", "rules_platform")
    engine, _ = open_ledger(db)
    try:
        new = add_platform(engine, name, rules_platform)
    except IntegrityError:
        fail(f"name: a platform named {name!r} is already registered", "name")
    if as_json:
        _print({"platform_id": new.id, "name": name, "api_key": new.key})
        return
    typer.echo(f"platform {new.id}: {name}\nAPI key (shown once; send it as Authorization: Bearer …): {new.key}")


@ledger_app.command("worker-token")
def worker_token_command(
    id_number: Annotated[str, typer.Argument(help="the worker's national ID number, or - to read it from stdin")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Issue a token for one worker (their own covered days and contributions); printed once, stored hashed."""
    from gigcover.ledger import ids
    from gigcover.ledger.access import issue_worker_token

    if id_number == "-":
        id_number = sys.stdin.readline()
    try:
        ids.validate(id_number)
    except ids.InvalidIdNumber as error:
        fail(f"ID_NUMBER: {error}", "id_number")
    engine, url = open_ledger(db)
    token = issue_worker_token(engine, ledger_key(url), id_number)
    if as_json:
        _print({"worker_token": token})
        return
    typer.echo(f"worker token (shown once): {token}")


@ledger_app.command("admin-token")
def admin_token_command(
    label: Annotated[str, typer.Option("--label", help="who or what it is for")] = "admin",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Issue an administrator token (bands, every platform's levies); printed once, stored hashed."""
    from gigcover.ledger.access import issue_admin_token

    if not label.strip() or len(label.strip()) > 100:
        fail("--label: 1 to 100 characters", "label")
    engine, _ = open_ledger(db)
    token = issue_admin_token(engine, label)
    if as_json:
        _print({"admin_token": token})
        return
    typer.echo(f"admin token (shown once): {token}")


@ledger_app.command("revoke-token")
def revoke_token_command(
    token: Annotated[
        str | None, typer.Argument(help="the worker's or admin's token, or - to read it from stdin")
    ] = None,
    worker: Annotated[
        str | None, typer.Option("--worker", help="instead: every token of this worker (ID number, or - for stdin)")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Revoke a worker's or an admin's token (refused from now on: 401), or every token of a worker. Audited."""
    from gigcover.ledger import ids
    from gigcover.ledger.access import NotRevocable, revoke_token, revoke_worker_tokens

    if (token is None) == (worker is None):
        fail("give exactly one of TOKEN and --worker", "token")
    engine, url = open_ledger(db)
    if worker is not None:
        number = sys.stdin.readline() if worker == "-" else worker
        try:
            count = revoke_worker_tokens(engine, ledger_key(url), number)
        except ids.InvalidIdNumber as error:
            fail(f"--worker: {error}", "worker")
        result = {"role": "worker", "revoked": count}
    else:
        credential = (sys.stdin.readline() if token == "-" else str(token)).strip()
        try:
            result = {"role": revoke_token(engine, credential).value, "revoked": 1}
        except NotRevocable as error:
            fail(f"TOKEN: {error}", "token", "not_revocable", 1)
        except LookupError as error:
            fail(f"TOKEN: {str(error).strip(chr(39))}", "token", "unknown_token", 1)
    if as_json:
        _print(result)
        return
    typer.echo(f"revoked {result['revoked']} {result['role']} token(s)")


@ledger_app.command("set-band")
def set_band_command(
    platform_id: Annotated[int, typer.Argument(help="the platform's id")],
    province: Annotated[str, typer.Option("--province", help="GB/T 2260 province code, e.g. 310000")],
    effective_from: Annotated[str, typer.Option("--from", help="in force from this day, YYYY-MM-DD")],
    band: Annotated[str, typer.Option("--band", help="standard (即时配送 0.07) or high (0.25)")] = "standard",
    ratio: Annotated[str, typer.Option("--ratio", help="floating ratio 浮动比例, e.g. 0.15 or -0.1")] = "0",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Set a platform's band and floating ratio in a province from a day (orders already posted keep their price)."""
    from gigcover.ledger.bands import BandConflict, BandInvalid, set_band, validate_setting

    try:
        setting = validate_setting(platform_id, province, effective_from, band, ratio)
    except BandInvalid as error:
        fail(str(error), error.errors[0].field)
    engine, _ = open_ledger(db)
    try:
        set_band(engine, setting)
    except LookupError as error:
        fail(str(error), "platform_id")
    except BandConflict as error:
        fail(str(error), "effective_from", kind="conflict")
    data = {
        "platform_id": setting.platform_id,
        "province": setting.province,
        "effective_from": setting.effective_from.isoformat(),
        "band": setting.band.value,
        "floating_ratio": str(setting.floating_ratio),
    }
    if as_json:
        _print(data)
        return
    typer.echo(
        f"platform {platform_id} in {setting.province} from {setting.effective_from}: {setting.band.value} band, "
        f"floating ratio {setting.floating_ratio:+}"
    )


@ledger_app.command("check")
def check_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Check the invariants: debits = credits, postings = orders × amounts, levies = postings, claims' payments,
    references. Exit code 1 on any breach."""
    from gigcover.ledger.check import check

    engine, _ = open_ledger(db)
    breaches = check(engine)
    if as_json:
        _print({"ok": not breaches, "breaches": [{"invariant": b.invariant, "detail": b.detail} for b in breaches]})
    elif breaches:
        for breach in breaches:
            typer.echo(f"BREACH {breach.invariant}: {breach.detail}", err=True)
    else:
        typer.echo("ledger check: every invariant holds")
    if breaches:
        raise typer.Exit(1)


@ledger_app.command("levies")
def levies_command(
    month: Annotated[str, typer.Option("--month", help="YYYY-MM")],
    platform_id: Annotated[int | None, typer.Option("--platform", help="one platform only")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A month's levy statement per platform × province × industry (amounts in fen)."""
    from rich.console import Console
    from rich.table import Table

    from gigcover.ledger.levies import ROUNDING, MonthInvalid, levy_statement

    engine, _ = open_ledger(db)
    try:
        statement = levy_statement(engine, month, _compute(), platform_id)
    except MonthInvalid as error:
        fail(str(error), "month")
    if as_json:
        _print(
            {
                "month": statement.month,
                "rounding": ROUNDING,
                "rows": [
                    {
                        "platform_id": r.platform_id,
                        "platform": r.platform,
                        "province": r.province,
                        "industry": r.industry,
                        "band": r.band,
                        "orders": r.orders,
                        "base_amount_fen": r.base_amount_fen,
                        "floating_ratio": str(r.floating_ratio),
                        "amount_fen": r.amount_fen,
                        "month_formula_fen": r.month_formula_fen,
                        "rounding_difference_fen": r.rounding_difference_fen,
                    }
                    for r in statement.rows
                ],
                "orders": statement.orders,
                "amount_fen": statement.amount_fen,
                "orders_outside_pilot": statement.orders_outside_pilot,
                "warnings": statement.warnings,
            }
        )
        return
    table = Table(title=f"职业伤害保障费 levies {statement.month} (fen)")
    for column in ("platform", "province", "industry", "band", "orders", "base", "ratio", "amount", "month formula"):
        table.add_column(column, justify="right" if column in ("orders", "base", "amount", "month formula") else "left")
    for r in statement.rows:
        table.add_row(
            r.platform,
            r.province,
            r.industry,
            r.band,
            str(r.orders),
            str(r.base_amount_fen),
            f"{r.floating_ratio:+}",
            str(r.amount_fen),
            "" if r.month_formula_fen is None else str(r.month_formula_fen),
        )
    Console().print(table)
    typer.echo(
        f"total: {statement.orders} orders, {statement.amount_fen} fen; outside the pilot: "
        f"{statement.orders_outside_pilot} orders"
    )
    for warning in statement.warnings:
        typer.echo(f"warning: {warning}")


@ledger_app.command("demo")
def demo_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Load the demo platforms, bands and a month of orders (2025-09); loading again changes nothing."""
    from gigcover.ledger.demo import load_demo

    engine, url = open_ledger(db)
    import gigcover

    load = load_demo(engine, _compute(), ledger_key(url), gigcover.calculate)
    if as_json:
        _print(
            {
                "new_platforms": load.new_platforms,
                "accepted": load.accepted,
                "duplicate": load.duplicate,
                "sample_worker_id_number": load.sample_worker_id_number,
                "new_claims": load.new_claims,
            }
        )
        return
    typer.echo(f"demo ledger at {shown(url)}: {load.accepted} orders recorded now, {load.duplicate} already there")
    for name, key in load.new_platforms.items():
        typer.echo(f"  {name} API key (shown once): {key}")
    typer.echo(
        f"  a demo worker: gigcover ledger worker-token {load.sample_worker_id_number} "
        "(fictitious ID number); levies: gigcover ledger levies --month 2025-09; claims: gigcover ledger claims list"
    )


def _register_claims() -> None:
    from gigcover.cli.claims import claims_app

    ledger_app.add_typer(claims_app, name="claims")


_register_claims()
