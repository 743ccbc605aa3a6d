"""The whole brokering journey, clicked through in Chromium by four people in their own sessions:
a government officer, a coordinator, a provider's member, and the public, who finds the exchange
on the map and in the IATI export."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from tests.e2e.conftest import COORDINATOR, PASSWORD, PROVIDER, PROVIDER_MEMBER

OFFICER = "oficial@mtess.e2e.example"
OFFICER_ORGANISATION = "Dirección General de Inspección del Trabajo"
NEED_TITLE = "Inspección laboral para erradicar el trabajo infantil en la agricultura"
NEED_TEXT = (
    "Queremos fortalecer la inspección laboral para prevenir y erradicar el trabajo infantil "
    "en la agricultura familiar y en los basurales municipales, con protocolos de derivación."
)
EXCHANGE_TITLE = "Visita de estudio sobre trabajo infantil en Quito"
EVALUATION = {
    "Results achieved against the objectives": "Protocolo de derivación adoptado.",
    "What your organisation will apply": "Inspecciones conjuntas con los municipios.",
}


def flash(page: Any) -> str:
    return page.locator(".flashes").inner_text()


def state(page: Any) -> str:
    """The state of the need or exchange shown, as the page words it."""
    return page.locator("main .status").first.inner_text().strip().lower()


def act(page: Any, label: str, **fields: str) -> None:
    """Press an action button of the exchange page (its form's fields first)."""
    form = page.locator("form.action-form").filter(
        has=page.get_by_role("button", name=label, exact=True)
    )
    for field_label, value in fields.items():
        form.get_by_label(field_label).fill(value)
    with page.expect_navigation():
        form.get_by_role("button", name=label, exact=True).click()


def evaluate(page: Any, usefulness: str, organisation: str) -> None:
    page.get_by_label("Usefulness (1 = not useful, 5 = very useful)").select_option(usefulness)
    for label, text in EVALUATION.items():
        page.get_by_label(label).fill(text)
    with page.expect_navigation():
        page.get_by_role("button", name="Submit evaluation").click()
    mine = page.locator("article.card").filter(has_text=organisation)
    assert EVALUATION["Results achieved against the objectives"] in mine.inner_text()


def test_officer_need_to_evaluated_exchange(new_page, browse_as):
    officer = new_page()
    officer.goto("/")
    officer.get_by_role("link", name="Register", exact=True).click()
    officer.get_by_label("Your name").fill("Oficial Ortiz")
    officer.get_by_label("E-mail").fill(OFFICER)
    officer.get_by_label("Password", exact=True).fill(PASSWORD)
    officer.get_by_label("Repeat the password").fill(PASSWORD)
    officer.get_by_label("Organisation name").fill(OFFICER_ORGANISATION)
    officer.get_by_label("Country").select_option("PRY")
    officer.get_by_label("Constituent type").select_option("government")
    officer.get_by_label("Working languages").fill("es")
    officer.get_by_label("Evidence for verification").fill("https://www.mtess.gov.py/")
    officer.get_by_role("button", name="Create account").click()
    officer.wait_for_url("**/dashboard")
    assert officer.locator(".badge.pending").count() == 1  # unverified

    # An unverified organisation prepares its need as a draft.
    officer.get_by_role("link", name="New need").click()
    officer.get_by_label("Title").fill(NEED_TITLE)
    officer.get_by_label("Description").fill(NEED_TEXT)
    officer.get_by_label("Language of this text").fill("es")
    officer.locator("input[name=themes][value=child_labour]").check()
    officer.locator("input[name=themes][value=labour_inspection]").check()
    officer.locator("input[name=modalities][value=study_visit]").check()
    officer.get_by_label("Languages the exchange can run in").fill("es")
    officer.get_by_role("button", name="Save").click()
    officer.get_by_role("heading", name=NEED_TITLE).wait_for()
    need_url = officer.url

    coordinator = browse_as(COORDINATOR)
    coordinator.get_by_role("link", name="Verification", exact=True).click()
    card = coordinator.locator("article.card").filter(has_text=OFFICER_ORGANISATION)
    card.get_by_label("Reason").fill("Ministry listed on the official government portal.")
    card.get_by_role("button", name="Verify").click()
    assert OFFICER_ORGANISATION in flash(coordinator)
    assert card.count() == 0  # it left the queue

    officer.goto(need_url)
    with officer.expect_navigation():
        officer.get_by_role("button", name="Publish").click()
    assert state(officer) == "published"
    officer.get_by_role("link", name="See matching partners").click()
    officer.get_by_role("heading", name="Peers").wait_for()
    cards = officer.locator("section").filter(has=officer.get_by_role(
        "heading", name="Peers")).locator("article.match")
    scores = [float(s) for s in re.findall(r"score (\d\.\d\d)", " ".join(cards.all_inner_texts()))]
    assert len(scores) >= 3 and scores == sorted(scores, reverse=True)
    provider_card = cards.filter(
        has=officer.get_by_role("link", name=PROVIDER[0], exact=True), has_text="Ecuador"
    ).first
    provider_card.get_by_text("Why this match").click()
    why = provider_card.locator("table.signals")
    assert why.is_visible() and "Contribution" in why.inner_text()
    assert "Child labour" in provider_card.inner_text()  # a shared theme, explained
    provider_card.get_by_role("link", name="Propose an exchange").click()

    officer.get_by_label("Title").fill(EXCHANGE_TITLE)
    officer.get_by_label("Modality").select_option("study_visit")
    officer.get_by_label("Objectives").fill("Conocer el protocolo de erradicación en basurales.")
    officer.get_by_role("button", name="Save as draft").click()
    officer.get_by_role("heading", name=EXCHANGE_TITLE).wait_for()
    exchange_url = officer.url
    act(officer, "Propose to the providers")
    assert state(officer) == "proposed"

    provider = browse_as(PROVIDER_MEMBER)
    provider.get_by_role("link", name="Exchanges", exact=True).click()
    provider.get_by_role("link", name=EXCHANGE_TITLE).click()
    act(provider, "Accept", Comment="Con gusto compartimos nuestra experiencia.")
    assert state(provider) == "accepted"

    coordinator.goto(exchange_url)
    act(coordinator, "Start review")
    assert state(coordinator) == "under review"
    act(coordinator, "Approve", Comment="Aligned with the regional child labour initiative.")
    assert state(coordinator) == "approved"
    act(coordinator, "Schedule", **{"Start date": "2027-03-01", "End date": "2027-03-05"})
    assert state(coordinator) == "scheduled"

    officer.goto(exchange_url)
    act(officer, "Start")
    assert state(officer) == "in progress"
    act(officer, "Mark completed")
    assert state(officer) == "completed"
    evaluate(officer, "5", OFFICER_ORGANISATION)
    provider.goto(exchange_url)
    evaluate(provider, "4", PROVIDER[0])
    assert state(provider) == "evaluated"
    timeline = provider.locator("ol.timeline").inner_text()
    assert "Cora Coordinator" in timeline and "Paula Proveedora" in timeline

    visitor = new_page()
    visitor.goto("/")
    visitor.get_by_role("link", name="Public dashboard").click()
    visitor.get_by_label("Search").fill(EXCHANGE_TITLE)
    visitor.get_by_role("button", name="Apply filters").click()
    flows = visitor.locator(".world-map g.flows path title").all_text_contents()
    assert len(flows) == 1 and flows[0].startswith("From Ecuador to Paraguay")
    assert visitor.locator(".world-map path.involved").count() == 2
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="Exchanges as IATI activities (XML)").click()
    activities = etree.parse(download.value.path()).getroot().findall("iati-activity")
    assert len(activities) == 1
    activity = activities[0]
    assert activity.findtext("title/narrative") == EXCHANGE_TITLE
    assert activity.find("recipient-country").get("code") == "PY"
    partners = {org.findtext("narrative") for org in activity.findall("participating-org")}
    assert {OFFICER_ORGANISATION, PROVIDER[0]} <= partners
    visitor.get_by_role("link", name=EXCHANGE_TITLE).click()
    ratings = r"Average usefulness: 4\.50? out of 5, from 2 evaluations"
    assert re.search(ratings, visitor.inner_text("main"))
