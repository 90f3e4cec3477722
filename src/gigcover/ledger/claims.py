"""Occupational-injury claims (职业伤害保障待遇): report → confirm cover → outcome → benefit by the rules → payment.

The flow follows the pilot's (platform-workers.md §1.7: 一键报案 → 职业伤害确认 → 劳动能力鉴定 → 待遇核定/支付):

- **report** (worker or platform): the accident's time, place (GB/T 2260), the order if any, a description. The ledger
  records what its orders say: whether the accident fell within an active order of that worker on any platform
  (accepted_at ≤ time ≤ completed_at), within `window` of one (completed at most `window` before, or accepted at most
  `window` after: on the way between orders), and whether its CST day is a covered day (按日参保).
- **confirm** or **reject** (admin, with a reason): the agency's 职业伤害确认.
- **outcome** (admin): medical costs in fen, days off work, a disability grade 1–10 (劳动能力鉴定) or death. The
  benefit is computed by the rules engine (`occupational_injury_*` variables) at the accident's CST date and region,
  with its trace, and stored. It may be recorded again until the claim is paid.
- **pay** (admin): the amount paid now is posted double entry: the fund debited, benefits paid credited.

What is verified and what is assumed:
- Verified (V3, press wording): cover is for accidents 「执行平台订单任务期间」 (platform-workers.md §1.4), so
  `in_order` is the ledger's evidence for the core case; the benefit items and their formulas are the 2025 规程's
  (人社厅函〔2025〕79号, V2; the disability items' base share is UNVERIFIED and the trace says so).
- Assumptions (UNVERIFIED): that the way between orders is covered, and within what window (`DEFAULT_WINDOW`, 30
  minutes, configurable: `GIGCOVER_CLAIM_WINDOW_MINUTES`); the 应当确认/视同 list; the reporting and application
  deadlines (none is enforced: §1.7 — 工伤 gives 30 days / 1 year, art. 17 of 工伤保险条例, for comparison). The ledger
  only records these facts: the admin decides cover.
- Medical costs are paid as recorded (the agency checks them against the work-injury catalogues, not modelled); days
  off work are recorded but earn no fund item (no employer: no 停工留薪期工资, §1.5). Monthly items (伤残津贴,
  供养亲属抚恤金) are computed and shown, not paid by this one payment.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, and_, insert, or_, select, update

from gigcover.engine.errors import GigcoverError
from gigcover.engine.money import to_fen
from gigcover.engine.regions import NATIONAL, region_table
from gigcover.ledger import ids
from gigcover.ledger.access import Principal, Role
from gigcover.ledger.audit import record
from gigcover.ledger.contract import CST, FUTURE_TOLERANCE, FieldError
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.schema import Account, claim_postings, claims, covered_days, orders, workers

Calculate = Callable[[Mapping[str, Any]], dict[str, Any]]
"""`gigcover.calculate` (the `calc` contract), handed in by the interfaces: the ledger may not import upward."""

WINDOW_ENV = "GIGCOVER_CLAIM_WINDOW_MINUTES"
DEFAULT_WINDOW = dt.timedelta(minutes=30)  # UNVERIFIED assumption: the way between orders (see the module's text)
MAX_DESCRIPTION = 4000
PILOT_START = dt.datetime(
    2022, 7, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))
)  # the first pilot (platform-workers §1.1)
MAX_MEDICAL_FEN = 10**12  # 100 亿元: above it, a typo
MAX_DAYS_OFF = 3660
MAX_DEPENDANTS = 20


class State(StrEnum):
    REPORTED = "reported"  # 已报案
    COVER_CONFIRMED = "cover_confirmed"  # 已确认职业伤害
    ASSESSED = "assessed"  # 待遇已核定
    PAID = "paid"  # 已支付
    REJECTED = "rejected"  # 不予确认


class Action(StrEnum):
    CONFIRM = "confirm"
    REJECT = "reject"
    OUTCOME = "outcome"
    PAY = "pay"


TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.REPORTED, Action.CONFIRM): State.COVER_CONFIRMED,
    (State.REPORTED, Action.REJECT): State.REJECTED,
    (State.COVER_CONFIRMED, Action.REJECT): State.REJECTED,
    (State.COVER_CONFIRMED, Action.OUTCOME): State.ASSESSED,
    (State.ASSESSED, Action.OUTCOME): State.ASSESSED,  # a corrected outcome, before payment
    (State.ASSESSED, Action.REJECT): State.REJECTED,
    (State.ASSESSED, Action.PAY): State.PAID,
}
"""Every allowed transition; anything else is refused (`TransitionRefused`, 409 over HTTP)."""


def allowed_actions(state: State) -> list[str]:
    return [action.value for (origin, action) in TRANSITIONS if origin is state]


class ClaimInvalid(ValueError):
    """Bad fields (each named); nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


class ClaimNotFound(LookupError):
    pass


class TransitionRefused(Exception):
    """The action is not allowed in the claim's state; nothing was written."""

    def __init__(self, claim_id: int, state: State, action: Action) -> None:
        allowed = allowed_actions(state)
        super().__init__(
            f"claim {claim_id} is {state.value}: {action.value} is not allowed; allowed actions: "
            + (", ".join(allowed) if allowed else "none (final state)")
        )
        self.state = state
        self.allowed = allowed


@dataclass(frozen=True)
class Report:
    accident_at: dt.datetime
    region: str
    description: str
    order_id: str | None = None
    worker_id_number: str | None = None  # required when a platform reports


@dataclass(frozen=True)
class Outcome:
    medical_fen: int = 0
    days_off: int = 0
    disability_grade: int | None = None  # 1–10 (劳动能力鉴定); None: no disability
    death: bool = False
    dependant_spouse: bool = False
    dependants_other: int = 0
    dependants_lone: int = 0


def window() -> dt.timedelta:
    """The configured window between orders (`GIGCOVER_CLAIM_WINDOW_MINUTES`, else 30 minutes)."""
    raw = os.environ.get(WINDOW_ENV)
    if raw is None:
        return DEFAULT_WINDOW
    if not raw.isdigit() or not 0 <= int(raw) <= 24 * 60:
        raise ValueError(f"{WINDOW_ENV}: expected whole minutes from 0 to 1440, got {raw!r}")
    return dt.timedelta(minutes=int(raw))


# -- validation ------------------------------------------------------------------------------------------
def validate_report(report: Report, principal: Principal, now: dt.datetime) -> list[FieldError]:
    errors = []
    when = report.accident_at
    if when.tzinfo is None:
        errors.append(FieldError("accident_at", "needs a UTC offset (+08:00)"))
    elif not _in_utc_range(when):
        errors.append(FieldError("accident_at", "out of the calendar's range in UTC"))
    elif when > now + FUTURE_TOLERANCE:
        errors.append(FieldError("accident_at", f"in the future (beyond a tolerance of {FUTURE_TOLERANCE})"))
    elif when < PILOT_START:
        errors.append(FieldError("accident_at", f"before the pilot began ({PILOT_START:%Y-%m-%d})"))
    if report.region == NATIONAL or report.region not in region_table().by_code:
        errors.append(FieldError("region", "unknown GB/T 2260 region code"))
    if not report.description.strip() or len(report.description) > MAX_DESCRIPTION:
        errors.append(FieldError("description", f"1 to {MAX_DESCRIPTION} characters"))
    if report.order_id is not None and not 1 <= len(report.order_id) <= 64:
        errors.append(FieldError("order_id", "1 to 64 characters"))
    if principal.role is Role.PLATFORM:
        if report.worker_id_number is None:
            errors.append(FieldError("worker_id_number", "required when a platform reports"))
        else:
            try:
                ids.validate(report.worker_id_number)
            except ids.InvalidIdNumber as error:
                errors.append(FieldError("worker_id_number", str(error)))
    elif report.worker_id_number is not None:
        errors.append(FieldError("worker_id_number", "a worker reports for themself: leave it out"))
    return errors


def _in_utc_range(when: dt.datetime) -> bool:
    try:
        when.astimezone(dt.UTC)
    except OverflowError:
        return False
    return True


def validate_outcome(outcome: Outcome) -> list[FieldError]:
    errors = []
    if not 0 <= outcome.medical_fen <= MAX_MEDICAL_FEN:
        errors.append(FieldError("medical_fen", f"0 to {MAX_MEDICAL_FEN} fen"))
    if not 0 <= outcome.days_off <= MAX_DAYS_OFF:
        errors.append(FieldError("days_off", f"0 to {MAX_DAYS_OFF} days"))
    if outcome.disability_grade is not None and not 1 <= outcome.disability_grade <= 10:
        errors.append(FieldError("disability_grade", "1 to 10 (一级 … 十级), or leave it out"))
    if outcome.death and outcome.disability_grade is not None:
        errors.append(FieldError("disability_grade", "not with death: record one or the other"))
    for name in ("dependants_other", "dependants_lone"):
        if not 0 <= getattr(outcome, name) <= MAX_DEPENDANTS:
            errors.append(FieldError(name, f"0 to {MAX_DEPENDANTS}"))
    if not outcome.death and (outcome.dependant_spouse or outcome.dependants_other or outcome.dependants_lone):
        errors.append(FieldError("dependants", "dependants' pensions follow a death only"))
    return errors


# -- report ----------------------------------------------------------------------------------------------
def report_claim(
    engine: Engine,
    principal: Principal,
    report: Report,
    hasher: IdHasher,
    *,
    now: dt.datetime | None = None,
    between: dt.timedelta | None = None,
) -> int:
    """Record a claim and what the ledger's orders say about it; its id. `ClaimInvalid`: nothing written."""
    now = now or dt.datetime.now(dt.UTC)
    errors = validate_report(report, principal, now)
    if errors:
        raise ClaimInvalid(errors)
    between = window() if between is None else between
    at = report.accident_at.astimezone(dt.UTC)
    with engine.begin() as connection:
        worker_id = _worker_of(connection, principal, report, hasher)
        order_platform = _named_order(connection, principal, report, worker_id)
        of_worker = orders.c.worker_id == worker_id
        in_order = _exists(connection, and_(of_worker, orders.c.accepted_at <= at, orders.c.completed_at >= at))
        near = _exists(
            connection,
            and_(
                of_worker,
                or_(
                    orders.c.completed_at.between(at - between, at),
                    orders.c.accepted_at.between(at, at + between),
                ),
            ),
        )
        day = report.accident_at.astimezone(CST).date()
        covered = connection.execute(
            select(covered_days.c.day).where(covered_days.c.worker_id == worker_id, covered_days.c.day == day).limit(1)
        ).first()
        claim_id = connection.execute(
            insert(claims)
            .values(
                worker_id=worker_id,
                reported_by=principal.actor,
                reporter_platform_id=principal.platform_id,
                reported_at=now,
                accident_at=at,
                region=report.region,
                order_platform_id=order_platform,
                order_id=report.order_id,
                description=report.description.strip(),
                in_order=int(in_order),
                near_order=int(near and not in_order),
                window_minutes=int(between.total_seconds() // 60),
                covered_day=int(covered is not None),
                state=State.REPORTED.value,
                updated_at=now,
            )
            .returning(claims.c.id)
        ).scalar_one()
        record(connection, principal.actor, "claim.report", {"claim_id": int(claim_id), "to": State.REPORTED.value})
    return int(claim_id)


def _exists(connection: Connection, condition: Any) -> bool:
    return connection.execute(select(orders.c.id).where(condition).limit(1)).first() is not None


def _worker_of(connection: Connection, principal: Principal, report: Report, hasher: IdHasher) -> int:
    if principal.role is Role.WORKER:
        assert principal.worker_id is not None
        return principal.worker_id
    assert report.worker_id_number is not None
    id_hash = hasher.hash(ids.validate(report.worker_id_number))
    found = connection.execute(select(workers.c.id).where(workers.c.id_hash == id_hash)).scalar()
    if found is None:
        raise ClaimInvalid([FieldError("worker_id_number", "no order in the ledger names this worker")])
    return int(found)


def _named_order(connection: Connection, principal: Principal, report: Report, worker_id: int) -> int | None:
    """The platform of the order the report names (a platform names its own orders), or None when it names none."""
    if report.order_id is None:
        return None
    query = select(orders.c.platform_id).where(orders.c.order_id == report.order_id, orders.c.worker_id == worker_id)
    if principal.role is Role.PLATFORM:
        query = query.where(orders.c.platform_id == principal.platform_id)
    found = connection.execute(query.limit(1)).scalar()
    if found is None:
        raise ClaimInvalid([FieldError("order_id", "no such order of this worker in the ledger")])
    return int(found)


# -- transitions -----------------------------------------------------------------------------------------
def _transition(
    connection: Connection, claim_id: int, action: Action, actor: str, values: dict[str, Any], detail: dict[str, Any]
) -> State:
    """Move the claim by `action` (compare-and-set on its state, so two admins cannot both move it)."""
    state = connection.execute(select(claims.c.state).where(claims.c.id == claim_id)).scalar()
    if state is None:
        raise ClaimNotFound(f"no claim {claim_id}")
    origin = State(state)
    target = TRANSITIONS.get((origin, action))
    if target is None:
        raise TransitionRefused(claim_id, origin, action)
    changed = connection.execute(
        update(claims)
        .where(claims.c.id == claim_id, claims.c.state == origin.value)
        .values(state=target.value, updated_at=dt.datetime.now(dt.UTC), **values)
    ).rowcount
    if changed != 1:  # moved by someone else meanwhile
        current = State(connection.execute(select(claims.c.state).where(claims.c.id == claim_id)).scalar_one())
        raise TransitionRefused(claim_id, current, action)
    record(
        connection,
        actor,
        f"claim.{action.value}",
        {"claim_id": claim_id, "from": origin.value, "to": target.value, **detail},
    )
    return target


def confirm(engine: Engine, claim_id: int, actor: str = "admin") -> None:
    with engine.begin() as connection:
        _transition(connection, claim_id, Action.CONFIRM, actor, {}, {})


def reject(engine: Engine, claim_id: int, reason: str, actor: str = "admin") -> None:
    reason = reason.strip()
    if not reason or len(reason) > MAX_DESCRIPTION:
        raise ClaimInvalid([FieldError("reason", f"1 to {MAX_DESCRIPTION} characters")])
    with engine.begin() as connection:
        _transition(connection, claim_id, Action.REJECT, actor, {"reason": reason}, {"reason": reason})


def record_outcome(
    engine: Engine, claim_id: int, outcome: Outcome, calculate: Calculate, actor: str = "admin"
) -> dict[str, Any]:
    """Record the outcome and the benefit the rules give for it; the benefit. `ClaimInvalid`: nothing written."""
    errors = validate_outcome(outcome)
    if errors:
        raise ClaimInvalid(errors)
    with engine.begin() as connection:
        row = connection.execute(
            select(claims.c.state, claims.c.accident_at, claims.c.region).where(claims.c.id == claim_id)
        ).first()
        if row is None:
            raise ClaimNotFound(f"no claim {claim_id}")
        if (State(row.state), Action.OUTCOME) not in TRANSITIONS:
            raise TransitionRefused(claim_id, State(row.state), Action.OUTCOME)
        benefit = compute_benefit(outcome, _aware(row.accident_at).astimezone(CST).date(), row.region, calculate)
        values = {
            "outcome": json.dumps(outcome.__dict__, sort_keys=True),
            "benefit": json.dumps(benefit, ensure_ascii=False, sort_keys=True),
            "benefit_fen": benefit["paid_now_fen"],
        }
        _transition(connection, claim_id, Action.OUTCOME, actor, values, {"benefit_fen": benefit["paid_now_fen"]})
    return benefit


def pay(engine: Engine, claim_id: int, actor: str = "admin") -> int:
    """Approve and post the payment: the fund debited, benefits paid credited; the amount in fen."""
    with engine.begin() as connection:
        amount = connection.execute(select(claims.c.benefit_fen).where(claims.c.id == claim_id)).scalar()
        _transition(connection, claim_id, Action.PAY, actor, {}, {"amount_fen": amount})
        assert amount is not None  # an assessed claim has its benefit
        now = dt.datetime.now(dt.UTC)
        connection.execute(
            insert(claim_postings),
            [
                {
                    "claim_id": claim_id,
                    "account": Account.FUND.value,
                    "debit_fen": amount,
                    "credit_fen": 0,
                    "posted_at": now,
                },
                {
                    "claim_id": claim_id,
                    "account": Account.BENEFITS_PAID.value,
                    "debit_fen": 0,
                    "credit_fen": amount,
                    "posted_at": now,
                },
            ],
        )
    return int(amount)


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands timestamps back without their zone; they were stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


# -- the benefit, by the rules ---------------------------------------------------------------------------
DISABILITY_ITEMS = (
    ("occupational_injury_one_time_disability_subsidy", True),
    ("occupational_injury_grade5_6_lump_sum", True),
    ("occupational_injury_disability_allowance_monthly", False),
)
DEATH_ITEMS = (
    ("occupational_injury_funeral_subsidy", True),
    ("occupational_injury_death_lump_sum", True),
    ("occupational_injury_dependant_pension_monthly", False),
)


def compute_benefit(outcome: Outcome, day: dt.date, region: str, calculate: Calculate) -> dict[str, Any]:
    """The benefit items in fen (one-time items paid now; monthly ones shown), the medical costs as recorded, and the
    rules' trace, warnings and verification, at the accident's CST day and region."""
    items: list[dict[str, Any]] = []
    if outcome.medical_fen:
        items.append(
            {
                "item": "medical_costs",
                "label_zh": "医疗费用（按工伤保险目录核报，如实记录）",
                "label_en": "Medical costs (as recorded; checked against the work-injury catalogues)",
                "amount_fen": outcome.medical_fen,
                "per": "once",
                "paid_now": True,
                "source": "recorded by the agency, not computed by the rules",
            }
        )
    answer: dict[str, Any] = {"warnings": [], "verification": {}, "trace": []}
    chosen = DEATH_ITEMS if outcome.death else DISABILITY_ITEMS if outcome.disability_grade else ()
    if chosen:
        inputs: dict[str, Any] = (
            {
                "dependant_spouse": outcome.dependant_spouse,
                "dependants_other": outcome.dependants_other,
                "dependants_lone": outcome.dependants_lone,
            }
            if outcome.death
            else {"disability_grade": outcome.disability_grade}
        )
        request = {
            "date": day.isoformat(),
            "region": region,
            "inputs": inputs,
            "outputs": [name for name, _ in chosen],
            "trace": True,
        }
        try:
            answer = calculate(request)
        except GigcoverError as error:  # no figure in force at the accident's date and place
            raise ClaimInvalid([FieldError("accident_at", f"the rules give no benefit here: {error}")]) from None
        labels = {step["variable"]: step for step in answer.get("trace", [])}
        for name, once in chosen:
            fen = to_fen(answer["outputs"][name])
            if fen == 0:
                continue
            label = labels.get(name, {})
            items.append(
                {
                    "item": name,
                    "label_zh": label.get("label_zh", name),
                    "label_en": label.get("label_en", name),
                    "amount_fen": fen,
                    "per": "once" if once else "month",
                    "paid_now": once,
                    "source": "rules",
                }
            )
    if outcome.days_off:
        answer["warnings"] = [
            *answer["warnings"],
            f"{outcome.days_off} days off work recorded: no fund item (no employer, no 停工留薪期工资)",
        ]
    return {
        "date": day.isoformat(),
        "region": region,
        "items": items,
        "paid_now_fen": sum(item["amount_fen"] for item in items if item["paid_now"]),
        "monthly_fen": sum(item["amount_fen"] for item in items if not item["paid_now"]),
        "warnings": answer["warnings"],
        "verification": answer["verification"],
        "trace": answer.get("trace", []),
    }


# -- reading ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Claim:
    id: int
    state: State
    worker_id: int
    reported_by: str
    reporter_platform_id: int | None
    reported_at: dt.datetime
    accident_at: dt.datetime
    region: str
    order_platform_id: int | None
    order_id: str | None
    description: str
    in_order: bool
    near_order: bool
    window_minutes: int
    covered_day: bool
    reason: str | None
    outcome: dict[str, Any] | None
    benefit: dict[str, Any] | None
    benefit_fen: int | None

    @property
    def allowed_actions(self) -> list[str]:
        return allowed_actions(self.state)


def _claim(row: Any) -> Claim:
    return Claim(
        id=int(row.id),
        state=State(row.state),
        worker_id=int(row.worker_id),
        reported_by=row.reported_by,
        reporter_platform_id=None if row.reporter_platform_id is None else int(row.reporter_platform_id),
        reported_at=_aware(row.reported_at),
        accident_at=_aware(row.accident_at),
        region=row.region,
        order_platform_id=None if row.order_platform_id is None else int(row.order_platform_id),
        order_id=row.order_id,
        description=row.description,
        in_order=bool(row.in_order),
        near_order=bool(row.near_order),
        window_minutes=int(row.window_minutes),
        covered_day=bool(row.covered_day),
        reason=row.reason,
        outcome=None if row.outcome is None else json.loads(row.outcome),
        benefit=None if row.benefit is None else json.loads(row.benefit),
        benefit_fen=None if row.benefit_fen is None else int(row.benefit_fen),
    )


def _visible(principal: Principal) -> Any:
    """The claims a credential may read: an admin all, a worker their own, a platform those it reported."""
    if principal.role is Role.WORKER:
        return claims.c.worker_id == principal.worker_id
    if principal.role is Role.PLATFORM:
        return claims.c.reporter_platform_id == principal.platform_id
    return claims.c.id.is_not(None)


def list_claims(engine: Engine, principal: Principal, state: State | None = None, limit: int = 200) -> list[Claim]:
    query = select(claims).where(_visible(principal)).order_by(claims.c.id.desc()).limit(limit)
    if state is not None:
        query = query.where(claims.c.state == state.value)
    with engine.connect() as connection:
        return [_claim(row) for row in connection.execute(query)]


def get_claim(engine: Engine, claim_id: int, principal: Principal) -> Claim:
    """`ClaimNotFound` also for a claim the credential may not read (its existence is not disclosed)."""
    with engine.connect() as connection:
        row = connection.execute(select(claims).where(claims.c.id == claim_id, _visible(principal))).first()
    if row is None:
        raise ClaimNotFound(f"no claim {claim_id} for this credential")
    return _claim(row)
