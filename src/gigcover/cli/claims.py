"""`gigcover ledger claims …`: the agency's side of occupational-injury claims (list, show, confirm, reject, outcome,
pay), as the administrator. Every command takes `--db`; bad input or an action the claim's state does not allow gets
one JSON line on stderr naming the field (or the state and the allowed actions), exit code 2, and nothing written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from gigcover.cli.ledger import DbOption, JsonOption, _print, fail, open_ledger

if TYPE_CHECKING:
    from gigcover.ledger.claims import Claim

claims_app = typer.Typer(
    help="Occupational-injury claims (职业伤害保障待遇): the queue, confirm or reject, outcome, payment.",
    no_args_is_help=True,
)
ClaimId = Annotated[int, typer.Argument(help="the claim's id", min=1)]


def _summary(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.id,
        "state": claim.state.value,
        "allowed_actions": claim.allowed_actions,
        "accident_at": claim.accident_at.isoformat(),
        "region": claim.region,
        "in_order": claim.in_order,
        "near_order": claim.near_order,
        "covered_day": claim.covered_day,
        "benefit_fen": claim.benefit_fen,
    }


def _detail(claim: Claim) -> dict[str, Any]:
    return {
        **_summary(claim),
        "worker_id": claim.worker_id,
        "reported_by": claim.reported_by,
        "order_id": claim.order_id,
        "description": claim.description,
        "window_minutes": claim.window_minutes,
        "reason": claim.reason,
        "outcome": claim.outcome,
        "benefit": claim.benefit,
    }


def _act(db: str | None, claim_id: int, action: str, **options: Any) -> None:
    """Run one action as the administrator and print the claim after it; refusals as one JSON line, exit 2."""
    import gigcover
    from gigcover.ledger import claims
    from gigcover.ledger.access import Principal, Role

    engine, _ = open_ledger(db)
    try:
        if action == "confirm":
            claims.confirm(engine, claim_id)
        elif action == "reject":
            claims.reject(engine, claim_id, options["reason"])
        elif action == "outcome":
            claims.record_outcome(engine, claim_id, options["outcome"], gigcover.calculate)
        else:
            claims.pay(engine, claim_id)
    except claims.ClaimInvalid as error:
        fail(str(error), error.errors[0].field)
    except claims.ClaimNotFound as error:
        fail(str(error), "id", kind="unknown_claim")
    except claims.TransitionRefused as error:
        fail(str(error), "state", kind="invalid_transition")
    claim = claims.get_claim(engine, claim_id, Principal(Role.ADMIN))
    typer.echo(
        f"claim {claim.id}: {claim.state.value}" + ("" if claim.benefit_fen is None else f", {claim.benefit_fen} fen")
    )


@claims_app.command("list")
def list_command(
    db: DbOption = None,
    state: Annotated[str | None, typer.Option(help="reported, cover_confirmed, assessed, paid or rejected")] = None,
    as_json: JsonOption = False,
) -> None:
    """The claims queue, newest first."""
    from gigcover.ledger.access import Principal, Role
    from gigcover.ledger.claims import State, list_claims

    if state is not None and state not in {s.value for s in State}:
        fail(f"state: expected one of {', '.join(s.value for s in State)}, got {state!r}", "state")
    engine, _ = open_ledger(db)
    found = list_claims(engine, Principal(Role.ADMIN), None if state is None else State(state))
    if as_json:
        _print([_summary(claim) for claim in found])
        return
    for claim in found:
        facts = ", ".join(name for name in ("in_order", "near_order", "covered_day") if getattr(claim, name))
        typer.echo(
            f"{claim.id}\t{claim.state.value}\t{claim.accident_at:%Y-%m-%d %H:%M}Z\t{claim.region}\t{facts or '-'}"
        )


@claims_app.command("show")
def show_command(claim_id: ClaimId, db: DbOption = None) -> None:
    """One claim with its outcome, benefit items, trace and verification (JSON)."""
    from gigcover.ledger.access import Principal, Role
    from gigcover.ledger.claims import ClaimNotFound, get_claim

    engine, _ = open_ledger(db)
    try:
        _print(_detail(get_claim(engine, claim_id, Principal(Role.ADMIN))))
    except ClaimNotFound as error:
        fail(str(error), "id", kind="unknown_claim")


@claims_app.command("confirm")
def confirm_command(claim_id: ClaimId, db: DbOption = None) -> None:
    """Confirm cover (职业伤害确认)."""
    _act(db, claim_id, "confirm")


@claims_app.command("reject")
def reject_command(
    claim_id: ClaimId,
    reason: Annotated[str, typer.Option("--reason", help="why (shown to the worker)")],
    db: DbOption = None,
) -> None:
    """Reject the claim (不予确认), with a reason."""
    _act(db, claim_id, "reject", reason=reason)


@claims_app.command("outcome")
def outcome_command(
    claim_id: ClaimId,
    db: DbOption = None,
    medical_fen: Annotated[int, typer.Option(help="medical costs in fen")] = 0,
    days_off: Annotated[int, typer.Option(help="days off work (recorded; no fund item)")] = 0,
    grade: Annotated[int | None, typer.Option(help="disability grade 1–10 (劳动能力鉴定)")] = None,
    death: Annotated[bool, typer.Option("--death", help="the worker died")] = False,
    spouse: Annotated[bool, typer.Option("--spouse", help="death: a dependant spouse")] = False,
    dependants_other: Annotated[int, typer.Option(help="death: other dependants")] = 0,
    dependants_lone: Annotated[int, typer.Option(help="death: lone elderly or orphans among them")] = 0,
) -> None:
    """Record the outcome; the benefit is computed by the rules at the accident's date and region."""
    from gigcover.ledger.claims import Outcome

    outcome = Outcome(medical_fen, days_off, grade, death, spouse, dependants_other, dependants_lone)
    _act(db, claim_id, "outcome", outcome=outcome)


@claims_app.command("pay")
def pay_command(claim_id: ClaimId, db: DbOption = None) -> None:
    """Approve and post the payment: the fund debited, benefits paid credited."""
    _act(db, claim_id, "pay")
