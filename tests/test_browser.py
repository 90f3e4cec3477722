"""The web advisor in a real browser: Debian's headless Chromium driven by Selenium against a live server.

Without Chromium these tests skip, except under CI (CI=true), where a missing browser is a failure.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from gigcover.web import STATIC_DIR, router

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
PHONE = (390, 844)
DATE = "2025-09-01"


def _require_chromium() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not (p.exists() and os.access(p, os.X_OK))]
    if not missing:
        return
    reason = f"Chromium not installed ({', '.join(missing)} missing): apt-get install chromium chromium-driver"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " — required under CI", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The advisor served by uvicorn on a free loopback port, in a background thread."""
    app = FastAPI()
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    live = uvicorn.Server(config)
    thread = threading.Thread(target=live.run, name="advisor-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not live.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the advisor server did not start on 127.0.0.1:{port}")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    live.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    _require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_AVOID_STATS", "true")
    profile = tmp_path_factory.mktemp("chromium-profile")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1200,900",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """The browser as a 390×844 phone (mobile viewport, touch), back to desktop afterwards."""
    width, height = PHONE
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True},
    )
    browser.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True})
    try:
        yield browser
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})


def _wait(driver: Any, css: str, timeout: float = 15) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def _fill_rider(driver: Any) -> None:
    """A full-time rider in Shanghai, rural hukou in Zhoukou (Henan), 7,000 a month — typed as a person would."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    def click(css: str) -> None:
        element = driver.find_element(By.CSS_SELECTOR, css)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()

    Select(driver.find_element(By.ID, "work_city")).select_by_value("310000")
    driver.find_element(By.ID, "hukou_region").send_keys("河南周口")
    click("input[name=hukou_type][value=rural]")
    Select(driver.find_element(By.ID, "industry")).select_by_value("food_delivery")
    Select(driver.find_element(By.ID, "platform")).select_by_value("meituan")
    click("input[name=labor_contract][value=no]")
    click("input[name=managed][value=yes]")
    driver.find_element(By.ID, "weekly_hours").send_keys("60")
    driver.find_element(By.ID, "monthly_income").send_keys("7000")
    Select(driver.find_element(By.ID, "birth_year")).select_by_value("1995")
    Select(driver.find_element(By.ID, "birth_month")).select_by_value("3")
    click("input[name=sex][value=male]")
    click("input[name=enrolled][value=resident_medical]")


def _submit(driver: Any) -> None:
    from selenium.webdriver.common.by import By

    button = driver.find_element(By.ID, "submit")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    _wait(driver, "#plan")


def _no_horizontal_scroll(driver: Any) -> None:
    """Nothing sticks out to the right of the viewport (names the widest element if something does)."""
    widths = driver.execute_script(
        """
        const vw = document.documentElement.clientWidth;
        let worst = null, right = 0;
        for (const el of document.querySelectorAll('body *')) {
          const r = el.getBoundingClientRect();
          if (r.width > 0 && r.right > right) { right = r.right; worst = el; }
        }
        return {vw: vw, inner: window.innerWidth, scroll: document.documentElement.scrollWidth,
                bodyScroll: document.body.scrollWidth, right: right,
                worst: worst ? worst.outerHTML.slice(0, 160) : ''};
        """
    )
    assert widths["vw"] == PHONE[0], widths
    assert widths["scroll"] <= widths["vw"], widths
    assert widths["bodyScroll"] <= widths["vw"], widths
    assert widths["right"] <= widths["vw"] + 0.5, widths


def _full_page_screenshot(driver: Any, path: Path) -> None:
    """The whole page, not only the viewport (Chromium's DevTools capture beyond the viewport)."""
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        },
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))


def test_rider_fills_the_form_sees_the_plan_and_switches_to_english(server: str, phone: Any) -> None:
    from selenium.webdriver.common.by import By

    driver = phone
    driver.get(f"{server}/?date={DATE}")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    assert "您在哪个城市干活" in driver.find_element(By.TAG_NAME, "body").text
    _no_horizontal_scroll(driver)

    _fill_rider(driver)
    _submit(driver)
    cards = driver.find_elements(By.CSS_SELECTOR, "article.plan-card")
    assert len(cards) >= 3
    assert cards[0].get_attribute("data-item") == "occupational_injury"
    assert all(c.is_displayed() for c in cards)
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "您的保障方案" in body and "第 1 步" in body and "参保最难" in body  # the paper's ★★★★, in words
    assert driver.find_element(By.ID, "affordability").is_displayed()
    _no_horizontal_scroll(driver)

    # sources are one click away
    sources = cards[0].find_element(By.CSS_SELECTOR, "details.sources")
    sources.find_element(By.TAG_NAME, "summary").click()
    assert sources.get_attribute("open") is not None
    assert sources.find_element(By.CSS_SELECTOR, "li.citation").is_displayed()

    # switch language: the answers stay, the plan comes back in English
    driver.find_element(By.ID, "lang-switch").click()
    _wait(driver, "html[lang=en] #plan")
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "Your social insurance plan" in body and "Step 1" in body and "Can you afford it?" in body
    assert len(driver.find_elements(By.CSS_SELECTOR, "article.plan-card")) == len(cards)
    _no_horizontal_scroll(driver)
    _full_page_screenshot(driver, ARTIFACTS / "advisor.png")
    assert (ARTIFACTS / "advisor.png").stat().st_size > 10_000


def test_switching_language_on_the_form_keeps_what_was_typed(server: str, phone: Any) -> None:
    from selenium.webdriver.common.by import By

    driver = phone
    driver.get(f"{server}/")
    driver.find_element(By.ID, "monthly_income").send_keys("6500")
    driver.find_element(By.ID, "hukou_region").send_keys("四川南充")
    driver.find_element(By.CSS_SELECTOR, "input[name=hukou_type][value=rural]").click()
    driver.find_element(By.ID, "lang-switch").click()
    _wait(driver, "html[lang=en]")
    assert "Where do you work?" in driver.find_element(By.TAG_NAME, "body").text
    assert driver.find_element(By.ID, "monthly_income").get_attribute("value") == "6500"
    assert driver.find_element(By.ID, "hukou_region").get_attribute("value") == "四川南充"
    assert driver.find_element(By.CSS_SELECTOR, "input[name=hukou_type][value=rural]").is_selected()


def test_bad_income_is_marked_on_a_phone(server: str, phone: Any) -> None:
    from selenium.webdriver.common.by import By

    driver = phone
    driver.get(f"{server}/?date={DATE}&lang=en")
    _fill_rider(driver)
    income = driver.find_element(By.ID, "monthly_income")
    income.clear()
    income.send_keys("abc")
    driver.find_element(By.ID, "submit").click()
    error = _wait(driver, "#err-monthly_income")
    assert "Please enter a number" in error.text and error.is_displayed()
    assert driver.find_element(By.ID, "monthly_income").get_attribute("value") == "abc"
    assert driver.find_element(By.ID, "hukou_region").get_attribute("value") == "河南周口"
    _no_horizontal_scroll(driver)


def test_the_form_works_without_javascript(server: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(f"{server}/?date={DATE}")
        _fill_rider(browser)
        _submit(browser)
        assert len(browser.find_elements(By.CSS_SELECTOR, "article.plan-card")) >= 3
        browser.find_element(By.ID, "lang-switch").click()
        _wait(browser, "html[lang=en] #plan")
        assert "Your social insurance plan" in browser.find_element(By.TAG_NAME, "body").text
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


# -- the issue's four workers (2026-06-01) ----------------------------------------------------------------------
ISSUE_DATE = "2026-06-01"
LATIN_ALLOWED = {"App", "English"}  # the app's name as Chinese users write it; the language switch's own label


def _fill(driver: Any, answers: dict[str, str]) -> None:
    """Fill the form as a person would: selects by value, radios and ticks by value, text typed."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    for name, value in answers.items():
        if name in ("work_city", "industry", "platform", "birth_year", "birth_month"):
            Select(driver.find_element(By.ID, name)).select_by_value(value)
        elif name in ("hukou_type", "labor_contract", "managed", "sex", "enrolled"):
            element = driver.find_element(By.CSS_SELECTOR, f"input[name={name}][value={value}]")
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
            element.click()
        else:
            driver.find_element(By.ID, name).send_keys(value)


def _advice(driver: Any, server: str, answers: dict[str, str]) -> str:
    """The advice page's whole text (hidden parts too: closed <details> are text a worker can open)."""
    driver.get(f"{server}/?date={ISSUE_DATE}")
    _fill(driver, answers)
    _submit(driver)
    _no_horizontal_scroll(driver)
    return str(driver.execute_script("return document.body.textContent"))


def _assert_plain_chinese(text: str) -> None:
    """No English words and no internal names (parameter paths, files) on the Chinese page."""
    latin = {w for w in re.findall(r"[A-Za-z][A-Za-z0-9_.\-/]*", text) if not w.endswith(".gov.cn")}
    assert latin <= LATIN_ALLOWED, sorted(latin - LATIN_ALLOWED)
    shown = re.sub(r"[\w.-]+\.gov\.cn", "", text)  # the host of an official link is fine
    assert not re.search(r"[a-z_]+\.[a-z_]+\.[a-z_]+|reference/|\.ya?ml|\.md\b", shown)


SHANGHAI_RIDER = {
    "work_city": "310000", "hukou_region": "河南周口", "hukou_type": "rural", "industry": "food_delivery",
    "platform": "meituan", "labor_contract": "no", "managed": "yes", "monthly_income": "7000",
    "birth_year": "1995", "birth_month": "3", "sex": "male",
}  # fmt: skip


def test_shanghai_rider_what_ifs_next_steps_plain_chinese(server: str, phone: Any) -> None:
    from selenium.webdriver.common.by import By

    text = _advice(phone, server, SHANGHAI_RIDER)
    _assert_plain_chinese(text)
    # the what-ifs move away from the resident plan the page advises: up to the employee pension, medical at home
    what_ifs = {e.get_attribute("id") for e in phone.find_elements(By.CSS_SELECTOR, "article.what-if")}
    assert what_ifs == {"whatif-switch_scheme", "whatif-enrol_at_hukou_place"}
    assert "居民养老保险换成职工养老保险" in text and "5年后回户籍地" not in text
    # every card says what to do next and whom to call
    for card in phone.find_elements(By.CSS_SELECTOR, "article.plan-card"):
        steps = card.find_elements(By.CSS_SELECTOR, "ol.next-steps li")
        assert steps and steps[0].is_displayed(), card.get_attribute("id")
        assert re.search(r"123(33|93)", card.find_element(By.CSS_SELECTOR, ".hotline").text)
    assert "集中缴费期" in phone.find_element(By.ID, "item-medical").text


def test_chengdu_driver_over_the_line_sees_the_cheaper_route(server: str, phone: Any) -> None:
    from selenium.webdriver.common.by import By

    driver = {
        **SHANGHAI_RIDER, "work_city": "510100", "hukou_region": "510100", "hukou_type": "urban",
        "industry": "ride_hailing", "platform": "didi", "monthly_income": "6000", "birth_year": "1988",
        "birth_month": "7",
    }  # fmt: skip
    text = _advice(phone, server, driver)
    _assert_plain_chinese(text)
    routes = phone.find_elements(By.CSS_SELECTOR, "#cheaper-routes li")
    assert routes and routes[0].get_attribute("data-route") == "both_resident" and routes[0].is_displayed()
    assert "75.00 元" in routes[0].text and "1,498.72 元" in phone.find_element(By.ID, "affordability").text
    assert "司机" in text and "骑手" not in text


def test_zhengzhou_rider_sees_the_gap_in_chinese(server: str, phone: Any) -> None:
    from selenium.webdriver.common.by import By

    text = _advice(phone, server, {**SHANGHAI_RIDER, "work_city": "other", "work_code": "郑州"})
    _assert_plain_chinese(text)
    note = phone.find_element(By.CSS_SELECTOR, "#item-medical .gap-note")
    assert note.is_displayed() and "郑州市" in note.text and "暂缺" in note.text and "估算" in note.text
    cost = phone.find_element(By.CSS_SELECTOR, "#item-medical .cost")
    assert re.search(r"约 [\d,.]+–[\d,.]+ 元/月（估算", cost.text), cost.text
    assert "负担较重" not in text


def test_livestreamer_gets_a_plan_for_a_livestreamer(server: str, phone: Any) -> None:
    from selenium.webdriver.common.by import By

    streamer = {
        **SHANGHAI_RIDER, "work_city": "330100", "hukou_region": "杭州", "hukou_type": "urban",
        "industry": "livestreaming", "platform": "other", "managed": "no", "monthly_income": "9000",
        "birth_year": "1998", "birth_month": "11", "sex": "female",
    }  # fmt: skip
    text = _advice(phone, server, streamer)
    _assert_plain_chinese(text)
    assert "主播" in text and "骑手" not in text and "三个行业" not in text
    assert len(phone.find_elements(By.CSS_SELECTOR, "article.plan-card")) == 4


def test_language_switch_and_edit_leave_no_answer_in_the_url(server: str, phone: Any) -> None:
    from selenium.webdriver.common.by import By

    driver = phone
    _advice(driver, server, SHANGHAI_RIDER)
    driver.find_element(By.ID, "lang-switch").click()
    _wait(driver, "html[lang=en] #plan")
    for secret in ("7000", "monthly_income", "hukou", "birth", "%E6%B2%B3"):
        assert secret not in driver.current_url
    driver.find_element(By.ID, "edit-answers").click()
    _wait(driver, "html[lang=en] #advisor-form")
    assert driver.find_element(By.ID, "monthly_income").get_attribute("value") == "7000"
    assert "7000" not in driver.current_url and "hukou" not in driver.current_url


def test_missing_chromium_skips_locally_and_fails_under_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    me = sys.modules[__name__]
    monkeypatch.setattr(me, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium not installed"):
        me._require_chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required under CI"):
        me._require_chromium()
