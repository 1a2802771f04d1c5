"""The casebook in a real browser: headless Debian Chromium driven through selenium.

Opens the casebook from disk, goes from the index to a case, switches norm sets and checks
what the page then says against the replay. Saves screenshots as test artifacts in
$CASEBOOK_ARTIFACTS (default: the test's tmp folder). Skips, saying why, where Chromium,
chromedriver or selenium is missing; `.ci/run` installs them so that CI runs it for real.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from conftest import build_casebook as build

from case_procedure import corpus
from case_procedure.casebook import DIFFERING, replay_sets
from case_procedure.codebook import factory_name, label
from case_procedure.replay import replay

CHROMIUM = os.environ.get("CASEBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CASEBOOK_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,1600")

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
    pytest.skip(f"Chromium is missing at {CHROMIUM} (apt-get install chromium chromium-driver)",
                allow_module_level=True)
if not (Path(CHROMEDRIVER).exists() or shutil.which("chromedriver")):
    pytest.skip(f"chromedriver is missing at {CHROMEDRIVER} (apt-get install chromium-driver)",
                allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, book, engine) -> Path:
    cases = corpus.load_cases(corpus.case_files(ROOT / "cases"))
    out = tmp_path_factory.mktemp("casebook") / "site"
    build(out, cases, book, engine, progress=lambda _: None)
    return out


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("CASEBOOK_ARTIFACTS") or tmp_path_factory.mktemp("artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _chromium(profile: Path, javascript: bool = True):
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM if Path(CHROMIUM).exists() else str(shutil.which("chromium"))
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    # An explicit driver path keeps selenium from looking for a driver to download.
    driver_path = CHROMEDRIVER if Path(CHROMEDRIVER).exists() else str(shutil.which("chromedriver"))
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    return driver


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    driver = _chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


def _case_to_visit(book, engine):
    """A case with at least two hearings whose prescribed decisions differ between two norm sets."""
    cases = corpus.load_cases(corpus.case_files(ROOT / "cases"))
    sets = [n.id for n in replay_sets(book.norm_sets)]
    for case in cases:
        traces = {s: replay(case, s, book, engine) for s in sets}
        for n in range(len(case.hearings())):
            words = {s: _prescribed(t.steps[n]) for s, t in traces.items()}
            if len(set(words.values())) > 1:
                return case, traces, n + 1
    pytest.fail("no case whose replay differs between norm sets: the browser test has nothing to switch")


def _prescribed(step) -> str:
    return step.prescribed.words() if step.prescribed else "nothing"


def _visible_panels(browser) -> list[str]:
    return [p.get_attribute("data-normset") for p in browser.find_elements(By.CSS_SELECTOR, ".panel[data-normset]")
            if p.is_displayed()]


def test_index_to_case_and_switch_norm_sets(site: Path, browser, artifacts: Path, book, engine) -> None:
    case, traces, step = _case_to_visit(book, engine)
    browser.get((site / "index.html").as_uri())
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Party cases")
    rows = browser.find_elements(By.CSS_SELECTOR, "#case-index tbody tr")
    assert len(rows) == len(corpus.case_files(ROOT / "cases"))

    browser.find_element(By.CSS_SELECTOR, f'#case-index a[href="cases/{case.id}.html"]').click()
    WebDriverWait(browser, 30).until(expected_conditions.title_contains(case.title[:20]))
    assert browser.current_url.endswith(f"cases/{case.id}.html")
    switcher = browser.find_element(By.ID, "normset-switch")
    assert switcher.is_displayed(), "the script did not reveal the switcher"
    assert len(_visible_panels(browser)) == 1, "with JavaScript one norm set is shown at a time"

    for normset, trace in traces.items():
        browser.find_element(By.ID, f"switch-{normset}").click()
        assert _visible_panels(browser) == [normset]
        panel = browser.find_element(By.ID, f"panel-{normset}")
        shown = panel.find_element(By.CSS_SELECTOR, f'.prescribed[data-step="{step}"]').text
        assert shown == _prescribed(trace.steps[step - 1])
        status = browser.find_element(By.ID, "switch-status").text
        assert normset in status
        for agreement in {s.agreement for s in trace.steps}:
            count = sum(s.agreement == agreement for s in trace.steps)
            assert f"{count} {agreement}" in status
        selected = browser.find_elements(By.CSS_SELECTOR, "#replay-table .selected")
        assert selected and all(c.get_attribute("data-normset-col") == normset for c in selected)
        browser.save_screenshot(str(artifacts / f"casebook-{case.id}-{normset}.png"))
    assert label(case.factory) in browser.find_element(By.CSS_SELECTOR, "dl.facts").text
    browser.execute_script("document.getElementById('replay').scrollIntoView()")
    browser.save_screenshot(str(artifacts / "casebook-case.png"))  # the picture in docs/casebook-case.png


def test_pages_fit_a_phone_screen(site: Path, browser, artifacts: Path) -> None:
    browser.set_window_size(390, 844)
    try:
        for page in ("index.html", "procedure.html", "cases/somov.html", "norms/norms-1938.html"):
            browser.get((site / page).as_uri())
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{page} is {overflow}px wider than a phone screen"
        browser.save_screenshot(str(artifacts / "casebook-phone.png"))
    finally:
        browser.set_window_size(1280, 1600)


def _shown_rows(browser) -> list:
    return [r for r in browser.find_elements(By.CSS_SELECTOR, "#case-index tbody tr") if r.is_displayed()]


def _choose(browser, select_id: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element(By.ID, select_id)).select_by_value(value)


def test_the_index_filters_searches_and_sorts(site: Path, browser, book, engine) -> None:
    cases = corpus.load_cases(corpus.case_files(ROOT / "cases"))
    browser.get((site / "index.html").as_uri())
    assert browser.find_element(By.ID, "case-controls").is_displayed(), "the script did not reveal the controls"
    assert len(_shown_rows(browser)) == len(cases)

    factory = "Serp i Molot"
    _choose(browser, "filter-factory", factory)
    shown = {r.get_attribute("data-accused") for r in _shown_rows(browser)}
    assert shown == {c.people[c.accused].name for c in cases if factory_name(c.factory) == factory}
    count = browser.find_element(By.ID, "case-count").text
    assert count == f"{len(shown)} of {len(cases)} cases shown"
    _choose(browser, "filter-factory", "")

    somov = next(c for c in cases if c.id == "somov")
    search = browser.find_element(By.ID, "case-search")
    search.send_keys(somov.people[somov.accused].name.split()[-1].upper())
    found = [r.find_element(By.TAG_NAME, "a").get_attribute("href") for r in _shown_rows(browser)]
    assert any(href.endswith("cases/somov.html") for href in found)
    assert len(found) < len(cases)
    search.clear()
    search.send_keys(" ")  # an input event with an empty query: every case again
    assert len(_shown_rows(browser)) == len(cases)

    _choose(browser, "filter-differs", "norms-1938")
    differing = {c.id for c in cases
                 if any(s.agreement in DIFFERING for s in replay(c, "norms-1938", book, engine).steps)}
    hrefs = {Path(r.find_element(By.TAG_NAME, "a").get_attribute("href")).stem for r in _shown_rows(browser)}
    assert hrefs == differing
    _choose(browser, "filter-differs", "")

    _choose(browser, "case-sort", "year")
    years = [int(r.get_attribute("data-year")) for r in _shown_rows(browser)]
    assert years == sorted(years) and len(years) == len(cases)


def test_case_page_without_javascript_shows_every_norm_set(site: Path, tmp_path: Path, book) -> None:
    driver = _chromium(tmp_path / "profile", javascript=False)
    try:
        driver.get((site / "index.html").as_uri())
        assert not driver.find_element(By.ID, "case-controls").is_displayed()
        assert len(_shown_rows(driver)) == len(corpus.case_files(ROOT / "cases")), "without JS every case is listed"
        driver.get((site / "cases" / "somov.html").as_uri())
        assert not driver.find_element(By.ID, "normset-switch").is_displayed()
        assert len(_visible_panels(driver)) == len(replay_sets(book.norm_sets)) + 1  # and the `auto` replay
    finally:
        driver.quit()
