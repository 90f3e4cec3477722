"""The policy lab's page (/lab) in headless Chromium: an analyst opens it from the advisor's footer, picks two
scenarios, edits the per-order amount, runs, finds every chart drawn with its reading, and switches to English
with the results kept (from the cache, not run again). Nothing of the run is in any URL.

The live server and the browser are test_browser.py's (skipped without Chromium, except under CI)."""

from __future__ import annotations

from typing import Any

from test_browser import ARTIFACTS, _full_page_screenshot, _wait, browser, phone, server

__all__ = ["browser", "phone", "server"]  # the fixtures, used by name

CHARTS = ("coverage-by-risk", "coverage-by-cell", "cost-by-payer", "worker-cost-share", "injury-fund")
RUN_SECONDS = 300  # a run is seconds of CPU; a loaded 2-core machine may take minutes


def _click(driver: Any, css: str) -> None:
    from selenium.webdriver.common.by import By

    element = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def _click_to_new_page(driver: Any, css: str, then: str, timeout: float) -> None:
    """Click `css`, wait until the page it leaves is gone, then for `then` on the new one (the old page has `then`
    too: waiting for it alone can find the old page's element, stale a moment later)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    leaving = driver.find_element(By.TAG_NAME, "html")
    _click(driver, css)

    def left(_: Any) -> bool:
        """The old page's root is gone: stale, or (Chromium, mid-navigation) a node "that does not belong to the
        document" — `expected_conditions.staleness_of` knows only the first and raised the second."""
        try:
            leaving.is_enabled()
        except WebDriverException:  # StaleElementReferenceException is one
            return True
        return False

    WebDriverWait(driver, timeout).until(left)
    _wait(driver, then, timeout=timeout)


def _charts_drawn(driver: Any) -> dict[str, dict[str, Any]]:
    """Each chart's figure: its SVG's drawn size and its reading."""
    found: dict[str, dict[str, Any]] = driver.execute_script(
        """
        const out = {};
        for (const figure of document.querySelectorAll('figure.lab-chart')) {
          const svg = figure.querySelector('svg');
          const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
          out[figure.id.replace('chart-', '')] = {
            width: box.width, height: box.height, shapes: svg ? svg.querySelectorAll('path, rect').length : 0,
            reading: (figure.querySelector('.reading') || {}).textContent || '',
            caption: (figure.querySelector('figcaption') || {}).textContent || ''};
        }
        return out;
        """
    )
    return found


def test_an_analyst_runs_two_scenarios_with_an_edited_per_order_amount(server: str, phone: Any) -> None:
    """On a phone-sized screen: the page (its charts and the headline table) never scrolls sideways."""
    from selenium.webdriver.common.by import By

    driver = phone
    driver.get(f"{server}/?lang=zh")
    _click_to_new_page(driver, "#lab-link", "#lab-form", timeout=15)
    assert driver.current_url.endswith("/lab?lang=zh")
    assert driver.find_element(By.TAG_NAME, "h1").text == "政策实验室"
    for name in ("law-2026", "paper-package", "formalization"):  # picks law-2026 and formalization only
        box = driver.find_element(By.ID, f"scenario-{name}")
        if box.is_selected() != (name in ("law-2026", "formalization")):
            _click(driver, f"#scenario-{name}")
    amount = driver.find_element(By.ID, "per_order_amount")
    amount.clear()
    amount.send_keys("0.2")
    size = driver.find_element(By.ID, "size")
    size.clear()
    size.send_keys("1000")
    _click_to_new_page(driver, "#run", "#lab-results", timeout=RUN_SECONDS)
    assert driver.current_url.endswith("/lab"), driver.current_url  # posted: nothing of the run in the URL
    assert "per_order_amount = 0.2" in driver.find_element(By.ID, "lab-edits").text
    heads = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "#lab-headline thead th")][1:]
    assert heads == ["baseline-2021", "law-2026", "formalization"]
    charts = _charts_drawn(driver)
    assert set(charts) == set(CHARTS), charts.keys()
    for key, chart in charts.items():
        assert chart["width"] > 100 and chart["height"] > 50, (key, chart)
        assert chart["shapes"] > 5, (key, chart)  # axes, bars, cells: something is drawn
        assert chart["reading"].strip() and chart["caption"].strip(), (key, chart)
    assert "law-2026" in charts["injury-fund"]["reading"] and "每单" in charts["injury-fund"]["reading"]
    assert driver.find_element(By.ID, "per_order_amount").get_attribute("value") == "0.2"  # the form kept
    assert driver.find_element(By.ID, "scenario-formalization").is_selected()
    widths = driver.execute_script(
        """
        const vw = document.documentElement.clientWidth;
        const right = (css) => Math.max(0, ...[...document.querySelectorAll(css)].map(e => e.getBoundingClientRect().right));
        return {vw: vw, page: document.documentElement.scrollWidth, svg: right('figure.lab-chart svg'),
                table: right('.lab-table-scroll'), form: right('#lab-form')};
        """
    )
    assert widths["page"] <= widths["vw"], widths  # the page does not scroll sideways
    for part in ("svg", "table", "form"):  # the charts scale down; the headline table scrolls inside its card
        assert 0 < widths[part] <= widths["vw"] + 0.5, widths
    _full_page_screenshot(driver, ARTIFACTS / "lab-page-zh.png")

    _click_to_new_page(driver, "#lang-switch", "#lab-results", timeout=60)  # the form posted back: cached, in English
    assert driver.find_element(By.TAG_NAME, "h1").text == "Policy lab"
    assert driver.current_url.endswith("/lab")
    english = _charts_drawn(driver)
    assert set(english) == set(CHARTS)
    assert "yuan per order" in english["injury-fund"]["reading"]
    assert english["injury-fund"]["caption"].startswith("Occupational-injury fund")
