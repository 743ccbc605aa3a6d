"""A world with public exchanges and, around them, private data marked with distinctive strings
that no public page or export may ever show."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from matchmaker.extensions import db
from models import Evaluation, Exchange, ExchangeEvent, ExchangeProvider

# Strings that must never appear publicly.
SECRETS = (
    "zorro.secret@private.example",
    "Zorro Secretname",
    "SECRET-EVENT-COMMENT",
    "SECRET-EVAL-RESULTS",
    "SECRET-EVAL-APPLY",
    "SECRET-FUNDING-SOURCE",
    "SECRET-CONSENT-REASON",
    "HIDDEN-DRAFT",
    "HIDDEN-PROPOSED",
    "HIDDEN-ACCEPTED",
    "HIDDEN-UNDER-REVIEW",
    "HIDDEN-DECLINED",
    "HIDDEN-WITHDRAWN",
    "HIDDEN-REJECTED",
    "HIDDEN-CANCELLED",
    "HIDDEN-UNVERIFIED-PROVIDER",
    "HIDDEN-UNVERIFIED-REQUESTER",
    "Unverified Secret Agency",
    "HIDDEN-DRAFT-OFFER",
    "HIDDEN-UNVERIFIED-OFFER",
)
PRINCIPLES = {
    "country_ownership": 5,
    "focus_on_results": 4,
    "inclusive_partnership": 4,
    "transparency_accountability": 3,
}


def _exchange(need, providers, title: str, state: str, **fields: Any) -> Exchange:
    exchange = Exchange(
        need=need,
        title=title,
        state=state,
        modality=fields.pop("modality", "study_visit"),
        providers=[
            ExchangeProvider(organisation=p, consent="accepted", consent_reason=None)
            for p in providers
        ],
        **fields,
    )
    db.session.add(exchange)
    return exchange


@pytest.fixture
def public_world(make_organisation, make_user, make_need, make_offer) -> dict[str, Any]:
    zambia = make_organisation("Ministry of Labour and Social Security", "ZMB")
    kenya = make_organisation("National Employment Authority", "KEN")
    south_africa = make_organisation("Department of Employment and Labour", "ZAF")
    ilo = make_organisation(
        "International Labour Organization", "CHE", constituent_type="other", subtype="un_agency"
    )
    hidden = make_organisation("Unverified Secret Agency", "GHA", verified=False)
    person = make_user(zambia, email=SECRETS[0], display_name=SECRETS[1])
    need = make_need(
        zambia, title="Employment promotion", themes=["employment_policy", "skills_development"]
    )

    completed = _exchange(
        need,
        [kenya, south_africa],
        "Peer learning on employment promotion",
        "evaluated",
        objectives="PUBLIC-OBJECTIVES: learn how peers promote employment.",
        expected_results="PUBLIC-EXPECTED: a revised employment policy.",
        results="PUBLIC-RESULTS: local governments now deliver services.",
        start_date=date(2023, 3, 1),
        end_date=date(2023, 3, 10),
        facilitator=ilo,
        facilitator_role="technical_support",
        funding_source="SECRET-FUNDING-SOURCE",
        created_by_id=person.id,
        text_language="en",
    )
    scheduled = _exchange(
        need,
        [kenya],
        "Ongoing twinning on labour market information",
        "scheduled",
        modality="twinning",
        objectives="PUBLIC-ONGOING objectives.",
        start_date=date(2031, 5, 1),
        end_date=date(2031, 5, 20),
        facilitator=ilo,
        facilitator_role="funding",
    )
    for state in ("draft", "proposed", "accepted", "under_review", "declined", "withdrawn",
                  "rejected", "cancelled"):  # fmt: skip
        _exchange(need, [kenya], f"HIDDEN-{state.upper().replace('_', '-')}", state)
    _exchange(need, [kenya, hidden], "HIDDEN-UNVERIFIED-PROVIDER", "completed", year=2022)
    hidden_need = make_need(hidden, title="Hidden need")
    _exchange(hidden_need, [kenya], "HIDDEN-UNVERIFIED-REQUESTER", "completed", year=2022)
    db.session.flush()
    completed.providers[0].consent_reason = "SECRET-CONSENT-REASON"
    db.session.add(
        ExchangeEvent(
            exchange_id=completed.id,
            action="complete",
            from_state="in_progress",
            to_state="completed",
            actor_id=person.id,
            actor_name=SECRETS[1],
            actor_role="member",
            comment="SECRET-EVENT-COMMENT",
        )
    )
    for organisation, side, usefulness in ((zambia, "requester", 5), (kenya, "provider", 4)):
        db.session.add(
            Evaluation(
                exchange_id=completed.id,
                organisation_id=organisation.id,
                author_id=person.id,
                side=side,
                usefulness=usefulness,
                results_achieved="SECRET-EVAL-RESULTS",
                will_apply="SECRET-EVAL-APPLY",
                principles=PRINCIPLES,
            )
        )
    public_offer = make_offer(kenya, title="PUBLIC-OFFER on employment services")
    make_offer(kenya, status="draft", title="HIDDEN-DRAFT-OFFER")
    make_offer(hidden, title="HIDDEN-UNVERIFIED-OFFER")
    db.session.commit()
    return {
        "completed": completed.id,
        "scheduled": scheduled.id,
        "hidden": [
            e.id for e in db.session.query(Exchange).filter(Exchange.title.like("HIDDEN-%"))
        ],
        "offer": public_offer.id,
    }
