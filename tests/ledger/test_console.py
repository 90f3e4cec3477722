"""The ledger console (gigcover.web.console) through TestClient, on SQLite and PostgreSQL: sign-in with a token kept
in a cookie (never in a URL), the admin's claims queue, a claim with its benefit trace, levy statements, a worker's
days and contributions; Chinese by default with an English switch; no external assets; every role refused where it
should be. One Chromium test drives the console on a phone-sized screen (skips without Chromium, except under CI)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select
from tests.test_browser import _free_port, _wait
from tests.test_browser import browser as browser  # the fixtures
from tests.test_browser import phone as phone

import gigcover
from gigcover.api import create_app
from gigcover.api.ledger_routes import LedgerContext
from gigcover.ledger.access import issue_admin_token, issue_worker_token
from gigcover.ledger.check import check
from gigcover.ledger.claims import Outcome, confirm, record_outcome
from gigcover.ledger.db import connect, migrate
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.platforms import add_platform
from gigcover.ledger.schema import audit_log, claim_postings

from .ledger_cases import WORKER_A, order
from .test_http import CONFIGURED_ADMIN, Ledger, TestClient, batch
from .test_http import ledger as ledger  # the fixture

GRADE_7_SHANGHAI_2025 = "72,375.55"  # 元; derivation in test_claims.py
REPORT = {"accident_at": "2025-09-01T12:10:00+08:00", "region": "310000", "description": "送餐途中摔倒"}


def assessed_claim(ledger: Ledger) -> int:
    ledger.call("POST", "/v1/orders:batch", "platform", **batch(order("A-1"), order("A-2")))
    claim = int(ledger.call("POST", "/v1/claims", "worker", json=REPORT).json()["id"])
    confirm(ledger.engine, claim)
    record_outcome(ledger.engine, claim, Outcome(disability_grade=7), gigcover.calculate)
    return claim


def sign_in(ledger: Ledger, role: str, lang: str = "") -> Any:
    token = ledger.keys[role]
    return ledger.client.post(f"/console/login{lang}", data={"token": token}, follow_redirects=False)


def test_the_sign_in_page_is_chinese_with_an_english_switch_and_no_external_assets(ledger: Ledger) -> None:
    page = ledger.client.get("/console")
    assert page.status_code == 200 and 'lang="zh-CN"' in page.text and "职业伤害保障台账" in page.text
    assert 'name="viewport"' in page.text
    assert not re.search(r'(src|href)="(https?:)?//', page.text)
    english = ledger.client.get("/console?lang=en")
    assert "Occupational-injury ledger" in english.text and 'lang="en"' in english.text


@pytest.mark.parametrize("role", ["invalid", "platform"])
def test_a_token_that_is_no_console_users_is_refused(ledger: Ledger, role: str) -> None:
    response = sign_in(ledger, role)
    assert response.status_code == 401 and "令牌无效" in response.text
    assert "set-cookie" not in response.headers


def test_the_admin_sees_the_queue_a_claim_with_its_trace_and_levies(ledger: Ledger) -> None:
    claim = assessed_claim(ledger)
    signed = sign_in(ledger, "admin")
    assert signed.status_code == 303 and signed.headers["location"] == "/console/claims"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert ledger.keys["admin"] not in signed.headers["location"]
    queue = ledger.client.get("/console/claims")
    assert queue.status_code == 200 and f'href="/console/claims/{claim}"' in queue.text and "已核定" in queue.text
    assert "订单进行中" in queue.text
    assert f"/console/claims/{claim}" not in ledger.client.get("/console/claims?state=paid").text
    detail = ledger.client.get(f"/console/claims/{claim}")
    assert detail.status_code == 200
    assert "一次性伤残补助金（职业伤害）" in detail.text and GRADE_7_SHANGHAI_2025 in detail.text
    assert "occupational_injury.disability_benefit_base_ratio" in detail.text and "UNVERIFIED" in detail.text
    assert "工伤保险条例" in detail.text  # the trace's sources
    english = ledger.client.get(f"/console/claims/{claim}?lang=en")
    assert "One-time disability subsidy (occupational injury)" in english.text
    levies = ledger.client.get("/console/levies?month=2025-09")
    due = ledger.call("GET", "/v1/levies?month=2025-09", "admin").json()["amount_fen"]
    assert levies.status_code == 200 and f"{due // 100:,}.{due % 100:02d}" in levies.text
    assert ledger.client.get("/console/levies?month=2025-13").status_code == 422
    assert ledger.client.get("/console/claims/999999").status_code == 404
    assert ledger.client.get("/console/me").status_code == 403  # not a worker
    ledger.client.post("/console/logout")
    assert ledger.client.get("/console/claims").status_code == 401


def test_a_worker_sees_their_days_and_contributions_only(ledger: Ledger) -> None:
    assessed_claim(ledger)
    signed = sign_in(ledger, "worker", "?lang=en")
    assert signed.headers["location"] == "/console/me?lang=en"
    page = ledger.client.get("/console/me")
    assert page.status_code == 200
    assert re.search(r'id="covered-days">1<', page.text) and "2025-09-01" in page.text and "美团" in page.text
    assert ledger.client.get("/console/claims").status_code == 403
    ledger.client.cookies.clear()
    sign_in(ledger, "other worker")
    other = ledger.client.get("/console/me")
    assert re.search(r'id="covered-days">0<', other.text) and "2025-09-01" not in other.text


# -- claim actions from the console (admin) ------------------------------------------------------------------------
def reported_claim(ledger: Ledger) -> int:
    ledger.call("POST", "/v1/orders:batch", "platform", **batch(order("A-1"), order("A-2")))
    return int(ledger.call("POST", "/v1/claims", "worker", json=REPORT).json()["id"])


def claim_json(ledger: Ledger, claim: int) -> dict[str, Any]:
    return dict(ledger.call("GET", f"/v1/claims/{claim}", "admin").json())


def test_an_admin_takes_a_claim_from_report_to_payment_in_the_console(ledger: Ledger) -> None:
    """Confirm → outcome (grade 7, medical costs in yuan) → pay, by the claim page's forms: each a 303 back to the
    claim; the benefit is the rules' (the hand-worked grade-7 case of test_claims.py, plus the medical costs to the
    fen); the payment's postings and `ledger check` as through the API; every action audited as the admin's."""
    claim = reported_claim(ledger)
    sign_in(ledger, "admin")
    page = ledger.client.get(f"/console/claims/{claim}")
    assert 'id="act-confirm"' in page.text and 'id="act-reject"' in page.text and 'id="act-pay"' not in page.text
    done = ledger.client.post(f"/console/claims/{claim}/confirm", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/console/claims/{claim}"
    assert claim_json(ledger, claim)["state"] == "cover_confirmed"
    form = {"medical_yuan": "1,234.56", "days_off": "30", "disability_grade": "7", "dependants_other": "0"}
    done = ledger.client.post(f"/console/claims/{claim}/outcome", data=form, follow_redirects=False)
    assert done.status_code == 303
    recorded = claim_json(ledger, claim)
    assert recorded["state"] == "assessed" and recorded["outcome"]["medical_fen"] == 123_456
    assert recorded["outcome"]["days_off"] == 30 and recorded["outcome"]["disability_grade"] == 7
    assert recorded["benefit"]["paid_now_fen"] == 7_237_555 + 123_456  # 72,375.55 元 + the medical costs
    page = ledger.client.get(f"/console/claims/{claim}")
    assert "73,610.11" in page.text and 'id="act-pay"' in page.text  # 72,375.55 + 1,234.56
    assert ledger.client.post(f"/console/claims/{claim}/pay", follow_redirects=False).status_code == 303
    assert claim_json(ledger, claim)["state"] == "paid"
    page = ledger.client.get(f"/console/claims/{claim}")
    assert "已支付" in page.text and "<form" not in page.text.split("<main>", 1)[1]  # no action is left
    assert check(ledger.engine) == []
    with ledger.engine.connect() as connection:
        paid = connection.execute(
            select(claim_postings.c.account, claim_postings.c.debit_fen, claim_postings.c.credit_fen).where(
                claim_postings.c.claim_id == claim
            )
        ).all()
        actors = connection.execute(select(audit_log.c.actor, audit_log.c.action)).all()
    assert sorted(paid) == [("benefits_paid", 0, 7_361_011), ("occupational_injury_fund", 7_361_011, 0)]
    assert {action for actor, action in actors if actor.startswith("admin")} >= {
        "claim.confirm",
        "claim.outcome",
        "claim.pay",
    }


@pytest.mark.parametrize(
    ("form", "named"),
    [
        ({"medical_yuan": "12.345"}, "医疗费用（元）"),  # a third decimal: not to the fen
        ({"medical_yuan": "-5"}, "医疗费用（元）"),
        ({"medical_yuan": "abc"}, "医疗费用（元）"),
        ({"medical_yuan": "1e30"}, "医疗费用（元）"),  # beyond the outcome's range (and beyond Decimal's quantize)
        ({"medical_yuan": "1e-5"}, "医疗费用（元）"),
        ({"days_off": "2.5"}, "停工留薪天数"),
        ({"days_off": "²"}, "停工留薪天数"),  # a digit to str.isdigit, not to int()
        ({"disability_grade": "11"}, "伤残等级"),
        ({"dependants_other": "1"}, "供养亲属"),  # dependants without a death
    ],
)
def test_a_bad_outcome_form_is_refused_naming_the_field_and_nothing_changes(
    ledger: Ledger, form: dict[str, str], named: str
) -> None:
    claim = reported_claim(ledger)
    confirm(ledger.engine, claim)
    sign_in(ledger, "admin")
    before = claim_json(ledger, claim)
    refused = ledger.client.post(f"/console/claims/{claim}/outcome", data=form, follow_redirects=False)
    assert refused.status_code == 422 and 'id="refused"' in refused.text and named in refused.text
    assert claim_json(ledger, claim) == before
    for name, value in form.items():  # what was typed is shown again
        assert f'value="{value}"' in refused.text or name == "disability_grade"


def test_an_action_the_state_does_not_allow_is_refused_with_the_allowed_ones(ledger: Ledger) -> None:
    claim = reported_claim(ledger)
    sign_in(ledger, "admin")
    refused = ledger.client.post(f"/console/claims/{claim}/pay", follow_redirects=False)
    assert refused.status_code == 409 and "该申请已报案，不能执行此操作" in refused.text
    assert "确认职业伤害" in refused.text and "不予确认" in refused.text
    assert claim_json(ledger, claim)["state"] == "reported"
    english = ledger.client.post(f"/console/claims/{claim}/pay?lang=en", follow_redirects=False)
    assert english.status_code == 409 and "Allowed: Confirm cover, Reject" in english.text
    assert ledger.client.post(f"/console/claims/{claim}/fly", follow_redirects=False).status_code == 404
    assert ledger.client.post("/console/claims/999999/confirm", follow_redirects=False).status_code == 404
    assert ledger.client.post("/console/claims/999999/reject", follow_redirects=False).status_code == 404


def test_a_rejection_needs_a_reason_and_is_final(ledger: Ledger) -> None:
    claim = reported_claim(ledger)
    sign_in(ledger, "admin", "?lang=en")
    refused = ledger.client.post(f"/console/claims/{claim}/reject", data={"reason": "  "}, follow_redirects=False)
    assert refused.status_code == 422 and "理由" in refused.text
    done = ledger.client.post(f"/console/claims/{claim}/reject?lang=en", data={"reason": "非工作时间"})
    assert done.status_code == 200 and "非工作时间" in done.text and "rejected" in done.text
    assert claim_json(ledger, claim)["state"] == "rejected"
    again = ledger.client.post(f"/console/claims/{claim}/confirm", follow_redirects=False)
    assert again.status_code == 409 and "可执行：无" in again.text


@pytest.mark.parametrize("role", ["worker", "none"])
def test_only_an_admin_acts_on_a_claim_in_the_console(ledger: Ledger, role: str) -> None:
    claim = reported_claim(ledger)
    if role == "worker":
        sign_in(ledger, "worker")
    refused = ledger.client.post(f"/console/claims/{claim}/confirm", follow_redirects=False)
    assert refused.status_code == (403 if role == "worker" else 401)
    assert claim_json(ledger, claim)["state"] == "reported"


# -- in Chromium, on a phone-sized screen ---------------------------------------------------------------------------
@pytest.fixture
def live_console(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A console served by uvicorn on SQLite with one assessed claim; its URL and an admin token."""
    engine = connect(f"sqlite:///{tmp_path / 'ledger.db'}")
    migrate(engine)
    hasher = IdHasher(b"test-only-key-not-a-secret-0123456789")
    app = create_app(db_url="sqlite://")
    app.state.ledger = LedgerContext(engine, hasher, gigcover.compute, admin_token=CONFIGURED_ADMIN)
    key = add_platform(engine, "美团", "meituan").key
    client = TestClient(app)
    client.post("/v1/orders:batch", headers={"Authorization": f"Bearer {key}"}, json={"orders": [order("A-1")]})
    worker = issue_worker_token(engine, hasher, WORKER_A)
    claim = client.post("/v1/claims", headers={"Authorization": f"Bearer {worker}"}, json=REPORT).json()["id"]
    confirm(engine, claim)
    record_outcome(engine, claim, Outcome(disability_grade=7), gigcover.calculate)
    port = _free_port()
    live = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=live.run, name="console-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not live.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the console server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", issue_admin_token(engine)
    live.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


def test_an_admin_reads_a_claims_trace_and_pays_it_on_a_phone(live_console: tuple[str, str], phone: Any) -> None:
    from selenium.webdriver.common.by import By

    url, token = live_console
    phone.get(f"{url}/console")
    phone.find_element(By.ID, "token").send_keys(token)
    phone.find_element(By.ID, "sign-in").click()
    _wait(phone, "#claims")
    assert token not in phone.current_url
    phone.find_element(By.CSS_SELECTOR, "#claims a").click()
    _wait(phone, "#benefit")
    assert GRADE_7_SHANGHAI_2025 in phone.find_element(By.ID, "paid-now").text
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    phone.find_element(By.ID, "switch-lang").click()
    _wait(phone, "#benefit")
    assert "How it was computed" in phone.page_source
    phone.find_element(By.ID, "act-pay").click()  # the form posts, the claim comes back paid, with no action left
    deadline = time.monotonic() + 10
    while _text_of(phone, "claim-state") != "paid":
        assert time.monotonic() < deadline, _text_of(phone, "claim-state")
        time.sleep(0.1)
    assert not phone.find_elements(By.CSS_SELECTOR, "form.action")


def _text_of(driver: Any, element_id: str) -> str:
    """The element's text, or "" while the page is being replaced (the old page's element gone stale)."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By

    try:
        return str(driver.find_element(By.ID, element_id).text)
    except (NoSuchElementException, StaleElementReferenceException):
        return ""
