"""The data-coverage page (/data) in headless Chromium on a phone: it loads, its tables scroll inside their cards
(the page itself does not scroll sideways), and the advisor's footer link and the language switch lead there.

The live server and the browser are test_browser.py's (skipped without Chromium, except under CI)."""

from __future__ import annotations

from typing import Any

from test_browser import ARTIFACTS, _full_page_screenshot, _wait, browser, phone, server

__all__ = ["browser", "phone", "server"]  # the fixtures, used by name


def test_the_data_page_on_a_phone(server: str, phone: Any) -> None:
    from selenium.webdriver.common.by import By

    driver = phone
    driver.get(f"{server}/?lang=zh")
    link = _wait(driver, "#data-link")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
    link.click()
    _wait(driver, "#targets")
    assert driver.current_url.endswith("/data?lang=zh")
    assert driver.find_element(By.TAG_NAME, "h1").text == "各地数据覆盖"
    widths = driver.execute_script(
        """
        const box = document.querySelector('.data-scroll');
        return {vw: document.documentElement.clientWidth, page: document.documentElement.scrollWidth,
                box: box.clientWidth, table: box.scrollWidth};
        """
    )
    assert widths["page"] <= widths["vw"], widths  # the page does not scroll sideways
    assert widths["box"] <= widths["vw"], widths  # a wide table scrolls inside its card
    _full_page_screenshot(driver, ARTIFACTS / "data-page-zh.png")
    driver.find_element(By.ID, "lang-switch").click()
    _wait(driver, "#targets")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Data coverage by place"
