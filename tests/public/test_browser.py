"""The public pages in a real headless browser (Debian's chromium through chromedriver and Selenium):
the list, a report page with its map, the statistics, the language switch, and a phone-sized screenshot."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest
from public_helpers import (
    ANONYMOUS_ADDRESS,
    CONFIDENTIAL_TEXT,
    PRIVATE_NOTE,
    SECRET_CHATS,
    SECRET_NAMES,
    UNVERIFIED_TEXT,
    Seeded,
    seed,
    serving,
    site,
)
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy.engine import Engine

from storage.media import MediaStore

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# Where screenshots are kept for people to look at (CI keeps the folder as an artefact).
ARTIFACTS = Path(os.environ.get("ADUAN_TEST_ARTIFACTS",
                                Path(__file__).resolve().parents[2] / "test-artifacts"))
PHONE = (390, 844)


def follow(browser: webdriver.Chrome, element: WebElement) -> None:
    """Click a link or button that loads another page, and wait until that page has replaced this one."""
    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 30).until(staleness_of(page))


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        if os.environ.get("CI"):
            pytest.fail("chromium and chromium-driver are missing (.ci/run installs them with apt)")
        pytest.skip("apt install chromium chromium-driver to run the browser tests")
    profile = tempfile.mkdtemp(prefix="aduan-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", f"--window-size={PHONE[0]},{PHONE[1]}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "id-ID,id"})  # an Indonesian phone
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def served(engine: Engine, tmp_path: Path) -> Iterator[tuple[str, Seeded]]:
    """The pages served from a thread of their own, so the browser's blocking calls never hold them up."""
    seeded = seed(engine, MediaStore(tmp_path / "media"))
    loop = asyncio.new_event_loop()
    started: Future[str] = Future()
    stop = asyncio.Event()

    async def run() -> None:
        async with serving(site(engine, tmp_path / "media")) as root:
            started.set_result(root)
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
    thread.start()
    try:
        yield started.result(timeout=30), seeded
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=30)
        loop.close()


def test_list_report_statistics_and_language_switch(browser: webdriver.Chrome,
                                                   served: tuple[str, Seeded]) -> None:
    root, seeded = served
    seen: list[str] = []
    browser.get(f"{root}/laporan")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "id"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Laporan publik"
    codes = [element.text for element in browser.find_elements(By.CSS_SELECTOR, ".report-card .code")]
    assert codes == [seeded.anonymous, seeded.public, seeded.resolved]
    seen.append(browser.page_source)

    # Filtering is a plain form: choose a category and submit.
    browser.find_element(By.CSS_SELECTOR, "select[name=kategori] option[value=waste]").click()
    follow(browser, browser.find_element(By.CSS_SELECTOR, ".filters button"))
    codes = [element.text for element in browser.find_elements(By.CSS_SELECTOR, ".report-card .code")]
    assert codes == [seeded.public] and "kategori=waste" in browser.current_url

    follow(browser, browser.find_element(By.LINK_TEXT, seeded.public))
    assert browser.find_element(By.CSS_SELECTOR, "h1.code").text == seeded.public
    history = browser.find_element(By.CSS_SELECTOR, ".history").text
    assert "Petugas dijadwalkan besok" in history and PRIVATE_NOTE not in history
    photo = browser.find_element(By.CSS_SELECTOR, "figure img")
    assert browser.execute_script("return arguments[0].naturalWidth", photo) == 64
    # Leaflet (vendored) turned the place into a map with a marker.
    assert browser.find_elements(By.CSS_SELECTOR, "#map.leaflet-container .leaflet-marker-icon")
    assert browser.save_screenshot(str(ARTIFACTS / "public-report-phone.png"))
    seen.append(browser.page_source)

    follow(browser, browser.find_element(By.ID, "lang-en"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "Category" in browser.find_element(By.CSS_SELECTOR, ".facts").text
    follow(browser, browser.find_element(By.LINK_TEXT, "Statistics"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Statistics"
    all_time = browser.find_element(By.ID, "all_time")
    assert all_time.find_element(By.CSS_SELECTOR, ".received").text == "5"
    assert browser.save_screenshot(str(ARTIFACTS / "public-statistics-phone.png"))
    seen.append(browser.page_source)

    follow(browser, browser.find_element(By.ID, "lang-id"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Statistik"
    for code in (seeded.anonymous, seeded.confidential, seeded.unverified):
        browser.get(f"{root}/laporan/{code}")
        seen.append(browser.page_source)
    html = "\n".join(seen)
    for secret in (*SECRET_NAMES, *SECRET_CHATS, PRIVATE_NOTE, CONFIDENTIAL_TEXT, UNVERIFIED_TEXT,
                   ANONYMOUS_ADDRESS, "-6.3456789", "106.7123456"):
        assert secret not in html, secret


def test_the_pages_work_without_javascript(browser: webdriver.Chrome, served: tuple[str, Seeded]) -> None:
    root, seeded = served
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(f"{root}/laporan/{seeded.anonymous}?lang=en")
        assert browser.find_element(By.CSS_SELECTOR, "h1.code").text == seeded.anonymous
        assert not browser.find_elements(By.CSS_SELECTOR, ".leaflet-container")
        link = browser.find_element(By.PARTIAL_LINK_TEXT, "OpenStreetMap")
        assert "mlat=-6.346" in (link.get_attribute("href") or "")
        assert "Approximate location" in browser.page_source
        assert browser.save_screenshot(str(ARTIFACTS / "public-report-no-javascript.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
