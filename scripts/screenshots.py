"""Take the README screenshots from a running demo: `python scripts/screenshots.py [base_url]`.

Drives Debian's Chromium through Playwright; signs in as the demo community staff and secretary."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "gongzhi-demo-2026")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        desktop = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
        sign_in(desktop, "demo_district")
        desktop.goto(f"{BASE}/territory/map/")
        desktop.wait_for_timeout(1200)
        desktop.screenshot(path=str(OUT / "map-district.png"))
        desktop.goto(f"{BASE}/orgs/")
        desktop.screenshot(path=str(OUT / "org-chart.png"))
        phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, locale="zh-CN")
        sign_in(phone, "demo_secretary")
        phone.screenshot(path=str(OUT / "home-phone.png"), full_page=False)
        phone.goto(f"{BASE}/people/")
        phone.click("table a >> nth=0")
        phone.wait_for_load_state("networkidle")
        phone.screenshot(path=str(OUT / "person-masked-phone.png"), full_page=True)
        browser.close()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
