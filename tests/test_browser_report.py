"""The demo report in a real browser: headless Chromium loads it, every image decodes, a screenshot is taken.

Runs by default when Debian's chromium and chromedriver are installed (`make test` installs them);
skipped with the reason otherwise. Selenium is given the driver explicitly, so selenium-manager never
downloads anything.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                       reason="needs /usr/bin/chromium and /usr/bin/chromedriver "
                              "(apt-get install chromium chromium-driver, or `make browser`)"),
]

IMAGES_JS = "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight]);"


def render(report: Path, screenshot: Path, profile: Path, width: int = 1200, height: int = 1600) -> dict:
    """Open ``report`` in headless Chromium; return console messages and image states, save a screenshot.

    Returns
    -------
    dict
        ``title``, ``severe`` (console entries of level SEVERE), ``images`` (complete, naturalWidth,
        naturalHeight per <img>), ``text`` (the page's visible text).
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.set_page_load_timeout(60)
        driver.get(report.resolve().as_uri())
        driver.execute_async_script(  # wait until every image has finished decoding (or failed)
            "const done = arguments[arguments.length - 1];"
            "Promise.all(Array.from(document.images).map(i => i.decode().catch(() => null))).then(() => done());")
        info = {"title": driver.title, "images": driver.execute_script(IMAGES_JS),
                "severe": [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"],
                "text": driver.find_element("tag name", "body").text}
        driver.save_screenshot(str(screenshot))
    finally:
        driver.quit()
    return info


def check_report(out: Path, tmp_path: Path) -> dict:
    info = render(out / "report.html", tmp_path / "report.png", tmp_path / "profile")
    summary = json.loads((out / "summary.json").read_text())
    n_figures = sum(len(s["figures"]) for s in summary["sections"])
    assert info["severe"] == []
    assert len(info["images"]) == n_figures > 0
    assert all(complete and width > 0 and height > 0 for complete, width, height in info["images"])
    assert (tmp_path / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return info


@pytest.fixture(autouse=True)
def offline_selenium(monkeypatch):
    monkeypatch.setenv("SE_OFFLINE", "true")  # belt and braces: selenium-manager must not reach the network


def test_report_renders_in_headless_chromium(tmp_path, monkeypatch):
    """A report of the cheap real sections (the glass-box LSTM and its state plots) plus one that fails."""
    from lstmlab.demo import DemoConfig, Section, run_demo
    from lstmlab.demo.runner import SECTIONS

    def broken(ctx):
        raise RuntimeError("broken on purpose for the browser test")

    cheap = [s for s in SECTIONS if s.key in ("glassbox", "states")]
    failing = Section("broken", "A section that fails", "glassbox_steps")
    sections = cheap + [failing]
    real_load = Section.load
    monkeypatch.setattr(Section, "load", lambda self: broken if self.key == "broken" else real_load(self))
    run = run_demo(DemoConfig(quick=True, seed=1), tmp_path / "out", sections=sections)
    info = check_report(run.out, tmp_path)
    assert info["title"] == "lstmlab demo report"
    assert "broken on purpose for the browser test" in info["text"]


@pytest.mark.slow
def test_full_quick_report_renders_in_headless_chromium(tmp_path):
    from lstmlab.demo import DemoConfig, run_demo

    run = run_demo(DemoConfig(quick=True), tmp_path / "out")
    info = check_report(run.out, tmp_path)
    assert all(r.title in info["text"] for r in run.results)
