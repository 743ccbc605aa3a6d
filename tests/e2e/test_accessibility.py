"""axe-core on the main pages, as the people who see them: no serious or critical violation.
With MATCHMAKER_SCREENSHOTS=1 the same visit saves the screenshots in docs/screenshots/."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.e2e.conftest import AXE, COORDINATOR, PROVIDER_MEMBER, SCREENSHOTS

BLOCKING = ("serious", "critical")
RUN_AXE = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
PHONE = 390


def audit(page: Any, source: str) -> list[dict[str, Any]]:
    """Inject axe-core through the DevTools protocol (the app's CSP forbids inline scripts)."""
    page.evaluate(source)
    return page.evaluate(RUN_AXE)


def screenshot(page: Any, name: str) -> None:
    """The top of the page, at most 1.6 screens tall: enough to show it, small enough to commit."""
    if os.environ.get("MATCHMAKER_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    viewport = page.viewport_size
    height = min(page.evaluate("document.documentElement.scrollHeight"),
                 int(viewport["height"] * 1.6))
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": viewport["width"], "height": height})


def summary(results: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    for name, violations in results.items():
        found = [f"{v['impact']} {v['id']} ({v['help']}) at {', '.join(v['nodes'])}"
                 for v in violations]
        lines.append(f"{name}: " + ("; ".join(found) or "no violation"))
    return "\n".join(lines)


def test_main_pages_have_no_serious_violations(new_page, browse_as):
    if not AXE.exists():
        pytest.skip(f"accessibility check skipped: {AXE} is missing (make install, with npm)")
    source = AXE.read_text()
    results: dict[str, list[dict[str, Any]]] = {}

    def check(page: Any, name: str, path: str | None = None) -> None:
        if path:
            page.goto(path)
        results[name] = audit(page, source)
        screenshot(page, name)

    visitor = new_page()
    check(visitor, "home", "/")
    check(visitor, "directory", "/directory?kind=offers")
    check(visitor, "sign-in", "/login")
    check(visitor, "register", "/register")
    member = browse_as(PROVIDER_MEMBER)
    check(member, "dashboard")

    coordinator = browse_as(COORDINATOR)
    coordinator.goto("/directory?kind=needs")
    coordinator.locator("main article a").first.click()
    coordinator.get_by_role("link", name="See matching partners").click()
    coordinator.locator("article.match summary").first.click()
    check(coordinator, "matches")
    coordinator.goto("/exchanges")
    coordinator.locator("main table a").first.click()
    check(coordinator, "exchange")
    check(coordinator, "verification", "/coordination/verification")
    check(visitor, "public-dashboard", "/public")
    visitor.locator("main article.card h3 a").first.click()
    check(visitor, "public-exchange")

    phone = new_page(PHONE, 844)
    for name, path in (("home", "/"), ("public-dashboard", "/public")):
        check(phone, f"{name}-phone", path)

    report = summary(results)
    print(report)  # the per-page results, with pytest -s
    blocking = [v for found in results.values() for v in found if v["impact"] in BLOCKING]
    assert not blocking, report
