"""/api/v1/exchanges: create, read with history, transitions and evaluations."""

from __future__ import annotations

from typing import Any

from matchmaker.api import api
from matchmaker.api.common import caller, json_body
from matchmaker.errors import DomainError
from matchmaker.exchanges import evaluations, services
from matchmaker.web import commit
from models import Exchange


def exchange_body(exchange: Exchange) -> dict[str, Any]:
    actor = caller()
    return {
        "id": exchange.id,
        "state": exchange.state,
        "version": exchange.version,
        "title": exchange.title,
        "need": {
            "id": exchange.need.id,
            "title": exchange.need.title,
            "organisation": {
                "id": exchange.need.organisation.id,
                "name": exchange.need.organisation.name,
                "country": exchange.need.organisation.country_code,
            },
        },
        "providers": [
            {
                "organisation": {
                    "id": p.organisation.id,
                    "name": p.organisation.name,
                    "country": p.organisation.country_code,
                },
                "consent": p.consent,
            }
            for p in exchange.providers
        ],
        "facilitator": (
            {
                "id": exchange.facilitator.id,
                "name": exchange.facilitator.name,
                "country": exchange.facilitator.country_code,
                "role": exchange.facilitator_role,
            }
            if exchange.facilitator
            else None
        ),
        "modality": exchange.modality,
        "objectives": exchange.objectives,
        "expected_results": exchange.expected_results,
        "start_date": exchange.start_date.isoformat() if exchange.start_date else None,
        "end_date": exchange.end_date.isoformat() if exchange.end_date else None,
        "budget_amount": str(exchange.budget_amount)
        if exchange.budget_amount is not None
        else None,
        "budget_currency": exchange.budget_currency,
        "funding_source": exchange.funding_source,
        "participants": exchange.participants,
        "languages": exchange.languages,
        "allowed_actions": services.actions_for(actor, exchange),
        "history": [
            {
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "actor": e.actor_name,
                "organisation": e.organisation.name if e.organisation else None,
                "comment": e.comment,
                "at": e.at.isoformat(),
            }
            for e in services.history(exchange)
        ],
    }


@api.get("/exchanges")
def list_exchanges():
    return {
        "exchanges": [
            {"id": e.id, "title": e.title, "state": e.state, "version": e.version}
            for e in services.for_user(caller())
        ]
    }


@api.post("/exchanges")
def create_exchange():
    exchange = services.create(caller(), json_body())
    body = exchange_body(exchange)  # before the commit expires what the session holds
    commit()
    return body, 201


@api.get("/exchanges/<id:exchange_id>")
def get_exchange(exchange_id: int):
    return exchange_body(services.get_visible(caller(), exchange_id))


@api.post("/exchanges/<id:exchange_id>/transitions")
def transition_exchange(exchange_id: int):
    data = json_body()
    action = data.get("action")
    if not isinstance(action, str):
        raise DomainError('Send {"action": NAME, "version": N, "comment": "..."}.')
    dates = {key: data[key] for key in ("start_date", "end_date") if key in data}
    exchange = services.transition(
        caller(),
        exchange_id,
        action,
        data.get("version"),
        str(data.get("comment") or ""),
        dates=dates,
    )
    commit()
    return {"id": exchange.id, "state": exchange.state, "version": exchange.version}


@api.post("/exchanges/<id:exchange_id>/evaluations")
def evaluate_exchange(exchange_id: int):
    evaluation = evaluations.submit(caller(), exchange_id, json_body())
    commit()
    exchange = services.get_visible(caller(), exchange_id)
    return {
        "id": evaluation.id,
        "side": evaluation.side,
        "usefulness": evaluation.usefulness,
        "exchange": {"id": exchange.id, "state": exchange.state, "version": exchange.version},
    }, 201
