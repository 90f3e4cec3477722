"""Claims from report to payment (ledger/claims.py), on SQLite and PostgreSQL: cover facts, every transition and every
refused one, the benefit equal to the rules' answer, the payment's postings, `check` after payments."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

import gigcover
from gigcover.ledger.access import Principal, Role
from gigcover.ledger.check import check
from gigcover.ledger.claims import (
    TRANSITIONS,
    Action,
    ClaimInvalid,
    ClaimNotFound,
    Outcome,
    Report,
    State,
    TransitionRefused,
    compute_benefit,
    confirm,
    get_claim,
    list_claims,
    pay,
    record_outcome,
    reject,
    report_claim,
)
from gigcover.ledger.contributions import Compute
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.ingest import ingest_batch
from gigcover.ledger.platforms import add_platform
from gigcover.ledger.schema import audit_log, claim_postings, workers

from .ledger_cases import WORKER_A, WORKER_B, order

NOW = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)
CST = dt.timezone(dt.timedelta(hours=8))
ADMIN = Principal(Role.ADMIN)
GRADE_7_SHANGHAI_2025_FEN = 7_237_555
# Hand-worked from the 2025 规程 (人社厅函〔2025〕79号) for a grade-7 injury on 2025-09-01 in Shanghai: the disability
# items' base is 60 % (UNVERIFIED share) of the pooling area's prior-year (2024) private-sector average monthly wage;
# Shanghai's 2024 figure is not in the parameters, so its 2023 one stands (111,347 元/年, the 2024 yearbook), and
# 0.6 × 111,347 / 12 = 5,567.35 元; grade 7 is 13 months (工伤保险条例 art. 37, the same months in the 规程):
# 13 × 5,567.35 = 72,375.55 元 = 7,237,555 fen.


@pytest.fixture
def setup(engine: Engine, compute: Compute, hasher: IdHasher) -> dict[str, Any]:
    """One platform, worker A with an order on 2025-09-01 12:00–12:30 CST; their principals."""
    platform = add_platform(engine, "美团", "meituan").id
    ingest_batch(engine, platform, [order("A-1")], compute=compute, hasher=hasher, now=NOW)
    with engine.connect() as connection:
        worker_id = connection.execute(select(workers.c.id).where(workers.c.id_hash == hasher.hash(WORKER_A))).scalar()
    return {
        "platform": platform,
        "platform_principal": Principal(Role.PLATFORM, platform_id=platform),
        "worker": Principal(Role.WORKER, worker_id=worker_id, worker_id_hash=hasher.hash(WORKER_A)),
    }


def at(hour: int, minute: int = 0, day: int = 1) -> dt.datetime:
    return dt.datetime(2025, 9, day, hour, minute, tzinfo=CST)


def report(when: dt.datetime, **fields: Any) -> Report:
    return Report(**{"accident_at": when, "region": "310000", "description": "送餐途中摔倒", **fields})


def a_claim(engine: Engine, setup: dict[str, Any], hasher: IdHasher, when: dt.datetime | None = None) -> int:
    return report_claim(engine, setup["worker"], report(when or at(12, 10)), hasher, now=NOW)


def grade_7(engine: Engine, claim: int, medical_fen: int = 0) -> dict[str, Any]:
    return record_outcome(engine, claim, Outcome(medical_fen=medical_fen, disability_grade=7), gigcover.calculate)


@pytest.mark.parametrize(
    ("when", "in_order", "near_order", "covered_day"),
    [
        (at(12, 10), True, False, True),  # during the order
        (at(12, 50), False, True, True),  # 20 minutes after it ended: within the 30-minute window
        (at(11, 45), False, True, True),  # 15 minutes before it was accepted
        (at(14, 0), False, False, True),  # later the same (covered) day
        (at(12, 10, day=2), False, False, False),  # the next day: no order, not covered
    ],
)
def test_the_report_records_what_the_orders_say(
    engine: Engine,
    setup: dict[str, Any],
    hasher: IdHasher,
    when: dt.datetime,
    in_order: bool,
    near_order: bool,
    covered_day: bool,
) -> None:
    claim = get_claim(engine, a_claim(engine, setup, hasher, when), ADMIN)
    assert (claim.in_order, claim.near_order, claim.covered_day) == (in_order, near_order, covered_day)
    assert claim.state is State.REPORTED and claim.window_minutes == 30


def test_the_window_is_configurable(engine: Engine, setup: dict[str, Any], hasher: IdHasher) -> None:
    claim = report_claim(engine, setup["worker"], report(at(12, 50)), hasher, now=NOW, between=dt.timedelta(minutes=10))
    assert not get_claim(engine, claim, ADMIN).near_order


def test_a_platform_reports_for_a_worker_naming_its_order(
    engine: Engine, setup: dict[str, Any], hasher: IdHasher
) -> None:
    claim_id = report_claim(
        engine,
        setup["platform_principal"],
        report(at(12, 10), worker_id_number=WORKER_A, order_id="A-1"),
        hasher,
        now=NOW,
    )
    claim = get_claim(engine, claim_id, setup["platform_principal"])
    assert claim.order_platform_id == setup["platform"] and claim.reported_by == f"platform:{setup['platform']}"
    assert [c.id for c in list_claims(engine, setup["worker"])] == [claim_id]  # the worker sees it too


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"region": "999999"}, "region"),
        ({"description": " "}, "description"),
        ({"accident_at": dt.datetime(2025, 10, 2, tzinfo=dt.UTC)}, "accident_at"),
        ({"accident_at": dt.datetime(2025, 9, 1, 12)}, "accident_at"),  # no offset
        ({"accident_at": dt.datetime(2022, 6, 30, 23, tzinfo=CST)}, "accident_at"),  # before the pilot began
        ({"order_id": "NOPE"}, "order_id"),
        ({"worker_id_number": WORKER_A}, "worker_id_number"),  # a worker does not name one
    ],
)
def test_a_bad_report_names_the_field_and_writes_nothing(
    engine: Engine, setup: dict[str, Any], hasher: IdHasher, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(ClaimInvalid) as refused:
        report_claim(engine, setup["worker"], report(at(12, 10), **fields), hasher, now=NOW)
    assert [e.field for e in refused.value.errors] == [field]
    assert list_claims(engine, ADMIN) == []


def test_a_platform_must_name_a_known_worker(engine: Engine, setup: dict[str, Any], hasher: IdHasher) -> None:
    for fields, field in (({}, "worker_id_number"), ({"worker_id_number": WORKER_B}, "worker_id_number")):
        with pytest.raises(ClaimInvalid) as refused:
            report_claim(engine, setup["platform_principal"], report(at(12, 10), **fields), hasher, now=NOW)
        assert refused.value.errors[0].field == field
    assert list_claims(engine, ADMIN) == []


def test_report_to_payment_with_the_hand_worked_amount(engine: Engine, setup: dict[str, Any], hasher: IdHasher) -> None:
    claim = a_claim(engine, setup, hasher)
    confirm(engine, claim)
    benefit = grade_7(engine, claim, medical_fen=12_345)
    items = {item["item"]: item for item in benefit["items"]}
    assert items["occupational_injury_one_time_disability_subsidy"]["amount_fen"] == GRADE_7_SHANGHAI_2025_FEN
    assert items["medical_costs"]["amount_fen"] == 12_345
    assert benefit["paid_now_fen"] == GRADE_7_SHANGHAI_2025_FEN + 12_345
    assert "occupational_injury.disability_benefit_base_ratio" in benefit["verification"]["unverified_parameters"]
    assert any(step["variable"] == "occupational_injury_disability_benefit_base_monthly" for step in benefit["trace"])
    assert pay(engine, claim) == GRADE_7_SHANGHAI_2025_FEN + 12_345
    assert get_claim(engine, claim, ADMIN).state is State.PAID
    with engine.connect() as connection:
        legs = connection.execute(
            select(claim_postings.c.account, claim_postings.c.debit_fen, claim_postings.c.credit_fen).order_by(
                claim_postings.c.id
            )
        ).all()
        actions = connection.execute(select(audit_log.c.action).where(audit_log.c.action.like("claim.%"))).scalars()
        assert list(actions) == ["claim.report", "claim.confirm", "claim.outcome", "claim.pay"]
    assert [tuple(leg) for leg in legs] == [
        ("occupational_injury_fund", GRADE_7_SHANGHAI_2025_FEN + 12_345, 0),
        ("benefits_paid", 0, GRADE_7_SHANGHAI_2025_FEN + 12_345),
    ]
    assert check(engine) == []


@pytest.mark.parametrize("grade", range(1, 11))
def test_the_disability_benefit_is_the_rules_answer(grade: int) -> None:
    benefit = compute_benefit(Outcome(disability_grade=grade), dt.date(2025, 9, 1), "310000", gigcover.calculate)
    names = [
        "occupational_injury_one_time_disability_subsidy",
        "occupational_injury_grade5_6_lump_sum",
        "occupational_injury_disability_allowance_monthly",
    ]
    rules = gigcover.compute({"disability_grade": [grade]}, names, date="2025-09-01", region="310000")
    fen = {item["item"]: item["amount_fen"] for item in benefit["items"]}
    assert {name: fen.get(name, 0) for name in names} == {name: round(float(rules[name][0]) * 100) for name in names}
    assert benefit["paid_now_fen"] == fen[names[0]] + fen.get(names[1], 0)


def test_the_death_benefit_is_the_rules_answer() -> None:
    outcome = Outcome(death=True, dependant_spouse=True, dependants_other=1)
    benefit = compute_benefit(outcome, dt.date(2025, 9, 1), "310000", gigcover.calculate)
    fen = {item["item"]: item["amount_fen"] for item in benefit["items"]}
    # 6 × 5,567.35 = 33,404.10 元 funeral; 20 × 54,188 (2024 urban disposable income) = 1,083,760 元 lump sum
    assert fen["occupational_injury_funeral_subsidy"] == 3_340_410
    assert fen["occupational_injury_death_lump_sum"] == 108_376_000
    # dependants: (40 % + 30 %) × 5,567.35 = 3,897.145 → 3,897.15 元 a month (half up), not paid now
    assert fen["occupational_injury_dependant_pension_monthly"] == 389_715
    assert benefit["paid_now_fen"] == 3_340_410 + 108_376_000


def test_every_refused_transition_names_the_state_and_the_allowed_actions(
    engine: Engine, setup: dict[str, Any], hasher: IdHasher
) -> None:
    claims_in: dict[State, int] = {}
    for state in State:
        claim = a_claim(engine, setup, hasher)
        if state is State.REJECTED:
            reject(engine, claim, "不在订单期间")
        if state in (State.COVER_CONFIRMED, State.ASSESSED, State.PAID):
            confirm(engine, claim)
        if state in (State.ASSESSED, State.PAID):
            grade_7(engine, claim)
        if state is State.PAID:
            pay(engine, claim)
        claims_in[state] = claim
        assert get_claim(engine, claim, ADMIN).state is state
    refused = 0
    for state, claim in claims_in.items():
        for action in Action:
            if (state, action) in TRANSITIONS:
                continue
            with pytest.raises(TransitionRefused, match=f"claim {claim} is {state.value}: {action.value} is not"):
                _act(engine, claim, action)
            assert get_claim(engine, claim, ADMIN).state is state
            refused += 1
    assert refused == len(State) * len(Action) - len(TRANSITIONS)
    assert check(engine) == []


def _act(engine: Engine, claim: int, action: Action) -> None:
    if action is Action.CONFIRM:
        confirm(engine, claim)
    elif action is Action.REJECT:
        reject(engine, claim, "理由")
    elif action is Action.OUTCOME:
        grade_7(engine, claim)
    else:
        pay(engine, claim)


def test_an_outcome_may_be_corrected_before_payment(engine: Engine, setup: dict[str, Any], hasher: IdHasher) -> None:
    claim = a_claim(engine, setup, hasher)
    confirm(engine, claim)
    grade_7(engine, claim)
    record_outcome(engine, claim, Outcome(medical_fen=500), gigcover.calculate)
    assert get_claim(engine, claim, ADMIN).benefit_fen == 500
    assert json.loads(json.dumps(get_claim(engine, claim, ADMIN).outcome))["medical_fen"] == 500


@pytest.mark.parametrize(
    ("outcome", "field"),
    [
        (Outcome(disability_grade=11), "disability_grade"),
        (Outcome(medical_fen=-1), "medical_fen"),
        (Outcome(days_off=-3), "days_off"),
        (Outcome(death=True, disability_grade=1), "disability_grade"),
        (Outcome(dependant_spouse=True), "dependants"),
    ],
)
def test_a_bad_outcome_is_refused_and_nothing_changes(
    engine: Engine, setup: dict[str, Any], hasher: IdHasher, outcome: Outcome, field: str
) -> None:
    claim = a_claim(engine, setup, hasher)
    confirm(engine, claim)
    with pytest.raises(ClaimInvalid) as refused:
        record_outcome(engine, claim, outcome, gigcover.calculate)
    assert refused.value.errors[0].field == field
    assert get_claim(engine, claim, ADMIN).state is State.COVER_CONFIRMED


def test_who_sees_which_claims(engine: Engine, setup: dict[str, Any], hasher: IdHasher, compute: Compute) -> None:
    other = add_platform(engine, "滴滴", "didi").id
    ingest_batch(engine, other, [order("B-1", worker_id_number=WORKER_B)], compute=compute, hasher=hasher, now=NOW)
    mine = a_claim(engine, setup, hasher)
    theirs = report_claim(
        engine,
        Principal(Role.PLATFORM, platform_id=other),
        report(at(12, 10), worker_id_number=WORKER_B),
        hasher,
        now=NOW,
    )
    assert [c.id for c in list_claims(engine, setup["worker"])] == [mine]
    assert [c.id for c in list_claims(engine, Principal(Role.PLATFORM, platform_id=other))] == [theirs]
    assert list_claims(engine, setup["platform_principal"]) == []
    assert {c.id for c in list_claims(engine, ADMIN)} == {mine, theirs}
    confirm(engine, mine)
    assert [c.id for c in list_claims(engine, ADMIN, State.REPORTED)] == [theirs]
    with pytest.raises(ClaimNotFound):
        get_claim(engine, theirs, setup["worker"])
    with pytest.raises(ClaimNotFound):
        confirm(engine, 999_999)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(claim_postings)).scalar_one() == 0
