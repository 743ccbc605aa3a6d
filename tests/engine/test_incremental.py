"""Offers added, edited and withdrawn in place rank as a fresh fit on the same offers would."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from matchmaker.engine.ranker import Matcher, Ranking
from matchmaker.engine.records import NeedQuery, Offer
from matchmaker.engine.text import TextRelevance
from tests.engine.test_ranker import (
    COUNTRIES,
    NEED,
    OFFERS,
    PILLARS,
    PROVIDERS,
    BagOfWordsEncoder,
    provider,
)

EXTRA = [
    Offer(
        70,
        3,
        "Injury benefits",
        "employment injury benefits and compensation for workers in the informal economy",
        "en",
        ("employment_injury",),
        ("en",),
        4,
    ),
    Offer(71, 2, "Pension reform", "pension fund reform for workers", "en", ("pensions",)),
]
NEEDS = [
    NEED,
    NeedQuery("old age pension fund for workers", "MYS", "en", ("pensions",), ("en",)),
    NeedQuery("trabalho infantil fiscalização", "IND", "pt", (), ("pt",)),
]


def fitted(offers: list[Offer], **options: object) -> Matcher:
    return Matcher(theme_pillars=PILLARS, text=TextRelevance(BagOfWordsEncoder()), **options).fit(
        offers, PROVIDERS, COUNTRIES
    )


def listed(ranking: Ranking) -> list[tuple]:
    """Everything a person reads in a ranking, explanations included."""
    return [
        (m.provider_id, m.score, m.offers, m.triangular, m.explanation)
        for m in ranking.peers + ranking.facilitators
    ]


def rankings(matcher: Matcher) -> list[list[tuple]]:
    return [listed(matcher.rank(need, top=5)) for need in NEEDS]


def without_text(matcher: Matcher) -> list[list[tuple]]:
    """The rankings, less what the vocabulary decides: text values and shared words."""
    kept = []
    for ranking in rankings(matcher):
        for *head, explanation in ranking:
            signals = {k: v for k, v in explanation["signals"].items() if k != "text"}
            rest = {k: v for k, v in explanation.items() if k not in ("signals", "matched_phrases")}
            kept.append((*head, signals, rest))
    return kept


def test_withdrawing_and_adding_back_equals_a_fresh_fit_of_the_same_offers():
    first, *rest = OFFERS
    matcher = fitted(OFFERS).remove_offers([first.id]).add_offers([first])
    assert rankings(matcher) == rankings(fitted([*rest, first]))


def test_adding_then_withdrawing_leaves_the_rankings_as_they_were():
    matcher = fitted(OFFERS).add_offers(EXTRA)
    assert rankings(matcher) != rankings(fitted(OFFERS))
    matcher.remove_offers([offer.id for offer in EXTRA])
    assert rankings(matcher) == rankings(fitted(OFFERS))


def test_added_offers_rank_as_in_a_fresh_fit_but_for_the_vocabulary():
    """New words count from the next full fit; every other signal is exact at once."""
    no_text = {"weights": {"text": 0.0, "themes": 0.5, "geography": 0.3, "language": 0.2}}
    added = fitted(OFFERS, **no_text).add_offers(EXTRA)
    assert without_text(added) == without_text(fitted(OFFERS + EXTRA, **no_text))
    with_text = fitted(OFFERS).add_offers(EXTRA).rank(NEED, top=5).peers
    fresh = fitted(OFFERS + EXTRA).rank(NEED, top=5).peers
    assert [m.provider_id for m in with_text] == [m.provider_id for m in fresh]
    # the new offer's words unknown to the vocabulary are left out of its TF-IDF row
    assert [m.score for m in with_text] == pytest.approx([m.score for m in fresh], abs=0.1)


def test_an_edit_is_a_withdrawal_and_an_addition():
    edited = replace(OFFERS[2], themes=("pensions",), capacity=5)  # Thai SSO's offer
    matcher = fitted(OFFERS).remove_offers([edited.id]).add_offers([edited])
    expected = fitted([o for o in OFFERS if o.id != edited.id] + [edited])
    assert rankings(matcher) == rankings(expected)


def test_a_withdrawn_offer_is_never_listed_and_releases_its_capacity():
    matcher = fitted(OFFERS)
    perkeso = next(m for m in matcher.rank(NEED).peers if m.name == "PERKESO")
    assert [o.offer_id for o in perkeso.offers] == [10, 11]
    assert perkeso.explanation["capacity_left"] == 5
    matcher.remove_offers([10])
    for need in NEEDS:
        for match in matcher.rank(need, top=10).peers:
            assert 10 not in [o.offer_id for o in match.offers]
    perkeso = next(m for m in matcher.rank(NEED).peers if m.name == "PERKESO")
    assert [o.offer_id for o in perkeso.offers] == [11]
    assert perkeso.explanation["capacity_left"] == 2
    matcher.remove_offers([11])
    assert "PERKESO" not in [m.name for m in matcher.rank(NEED, top=10).peers]


def test_offers_of_a_new_organisation_are_indexed_with_its_record():
    newcomer = {7: provider(7, "Ghana SSNIT", "THA")}
    offer = replace(EXTRA[0], id=80, provider_id=7)
    with pytest.raises(ValueError, match="unknown providers"):
        fitted(OFFERS).add_offers([offer])
    matcher = fitted(OFFERS).add_offers([offer], providers=newcomer)
    assert "Ghana SSNIT" in [m.name for m in matcher.rank(NEED, top=10).peers]


def test_indexed_ids_cannot_be_added_twice_nor_unknown_ones_withdrawn():
    matcher = fitted(OFFERS)
    with pytest.raises(ValueError, match="duplicate offer ids"):
        matcher.add_offers([OFFERS[0]])
    with pytest.raises(KeyError, match="not indexed"):
        matcher.remove_offers([999])
    assert rankings(matcher) == rankings(fitted(OFFERS)), "a refused update changes nothing"


def many_offers(count: int, first_id: int = 1000) -> tuple[list[Offer], dict]:
    """Offers of many small organisations, with texts drawn from a few topics."""
    rng = np.random.default_rng(3)
    topics = [
        "employment injury compensation insurance for workers",
        "old age pension fund administration and reform",
        "vocational skills training for youth and apprentices",
        "child labour inspection and eradication",
    ]
    countries = list(COUNTRIES)
    providers = {
        first_id + i: provider(first_id + i, f"Body {i}", countries[i % len(countries)])
        for i in range(count // 2)
    }
    offers = []
    for i in range(count):
        words = topics[i % len(topics)].split()
        text = " ".join(rng.choice(words, size=6)) + f" case {i}"
        owner = first_id + int(rng.integers(count // 2))
        offers.append(Offer(first_id + i, owner, f"Offer {i}", text, "en", (), ("en",)))
    return offers, providers


def test_two_stages_score_the_listed_providers_exactly_and_list_all_their_offers():
    offers, providers = many_offers(120)
    world = {**PROVIDERS, **providers}
    exact = Matcher(
        theme_pillars=PILLARS, text=TextRelevance(BagOfWordsEncoder()), candidates=None
    ).fit(OFFERS + offers, world, COUNTRIES)
    staged = Matcher(
        theme_pillars=PILLARS,
        text=TextRelevance(BagOfWordsEncoder()),
        candidates=30,
        sketch_dimensions=16,
    ).fit(OFFERS + offers, world, COUNTRIES)
    assert staged.sketch_ is not None
    truth = {m.provider_id: m for m in exact.rank(NEED, top=10).peers}
    found = staged.rank(NEED, top=10).peers
    assert len({m.provider_id for m in found} & set(truth)) >= 7
    for match in found:
        if match.provider_id in truth:
            assert match.score == truth[match.provider_id].score
            assert match.offers == truth[match.provider_id].offers


def test_many_additions_grow_the_index_and_are_found():
    offers, providers = many_offers(60)
    world = {**PROVIDERS, **providers}

    def empty(candidates: int | None) -> Matcher:
        text = TextRelevance(BagOfWordsEncoder())
        return Matcher(theme_pillars=PILLARS, text=text, candidates=candidates).fit(
            OFFERS, world, COUNTRIES
        )

    one_by_one, staged = empty(None), empty(10)
    for offer in offers:  # well past the room left after the fit
        one_by_one.add_offers([offer])
        staged.add_offers([offer])
    assert rankings(one_by_one) == rankings(empty(None).add_offers(offers))
    assert one_by_one.text_.doc_embeddings_.shape == (len(OFFERS) + 60, 64)
    assert staged.sketch_ is not None, "the first stage starts once the index outgrows it"
    last = offers[-1]
    need = NeedQuery(last.text, "PAK", "en", (), ("en",))
    assert staged.rank(need, top=3).peers[0].offers[0].offer_id == last.id
