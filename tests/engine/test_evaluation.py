"""Offline evaluation: the metrics on hand-computed rankings, the leave-one-out protocol (no case
sees its own exchange in the track record) and the baselines."""

from __future__ import annotations

import math

import numpy as np
import pytest

from matchmaker.engine.country_rankers import (
    EngineRanker,
    OffersText,
    Popularity,
    RandomOrder,
    SameRegion,
    TfidfAlone,
)
from matchmaker.engine.evaluation import (
    Case,
    Corpus,
    evaluate,
    leave_one_out,
    ndcg_at_k,
    recall_at_k,
    reciprocal_rank,
)
from matchmaker.engine.ranker import DEFAULT_WEIGHTS
from matchmaker.engine.records import CountryInfo, NeedQuery, Offer, PastExchange, Provider
from matchmaker.engine.themes import ThemeSpec, ThemeTagger

INJURY = "employment injury insurance for workers"


class ConstantEncoder:
    """Every text means the same: only words, themes, context and track record tell apart."""

    def encode(self, texts):
        out = np.zeros((len(texts), 4), dtype=np.float32)
        out[:, 0] = 1.0
        return out


COUNTRIES = {
    "PAK": CountryInfo("PAK", "asia_pacific", "Southern Asia", None, "lower_middle"),
    "MYS": CountryInfo("MYS", "asia_pacific", "South-eastern Asia", None, "lower_middle"),
    "THA": CountryInfo("THA", "asia_pacific", "South-eastern Asia", None, "upper_middle"),
    "BRA": CountryInfo("BRA", "americas", "South America", None, "high"),
}
PROVIDERS = {
    1: Provider(1, "PERKESO", "MYS", working_languages=("en",)),
    2: Provider(2, "Thai SSO", "THA", working_languages=("en",)),
    3: Provider(3, "MTE", "BRA", working_languages=("en",)),
    4: Provider(4, "PESSI", "PAK", working_languages=("en",)),
}
OFFERS = [  # Malaysia and Thailand offer the same, word for word
    Offer(10, 1, "Injury", INJURY, "en", ("employment_injury",)),
    Offer(20, 2, "Injury", INJURY, "en", ("employment_injury",)),
    Offer(30, 3, "Cotton", "child labour in cotton farming", "en", ("child_labour",)),
    Offer(31, 3, "Inspection", "labour inspection of farms", "en", ("child_labour",)),
    Offer(40, 4, "Pensions", "old age pensions", "en", ("employment_injury",)),
]
PILLARS = {"employment_injury": "social_protection", "child_labour": "rights"}
SPECS = [
    ThemeSpec("employment_injury", "social_protection", {"en": ["employment injury"]}),
    ThemeSpec("child_labour", "rights", {"en": ["child labour"]}),
]


def corpus() -> Corpus:
    return Corpus(
        OFFERS,
        PROVIDERS,
        COUNTRIES,
        ConstantEncoder().encode([o.text for o in OFFERS]),
        PILLARS,
        {1: "MYS", 2: "THA", 3: "BRA", 4: "PAK", 9: "AGO"},  # 9: no offer
    )


def case(index: int, relevant: set[str], text: str = INJURY, country: str = "PAK") -> Case:
    need = NeedQuery(text, country, "en", ("employment_injury",), ("en",), requester_id=4)
    return Case(need, frozenset(relevant), index)


def thai_exchange(requester: str = "PAK", year: int = 2018) -> PastExchange:
    return PastExchange((2,), ("employment_injury",), 5.0, requester, year)


def engine_ranker() -> EngineRanker:
    """Malaysia's context (Pakistan's income group) beats Thailand's, unless Thailand has a
    track record: one exchange rated 5 outweighs the difference at these weights."""
    text = OffersText(ConstantEncoder())
    weights = {**dict.fromkeys(DEFAULT_WEIGHTS, 0.0), "context": 0.1, "track_record": 0.9}
    return EngineRanker(corpus(), weights, text, ThemeTagger().fit(SPECS), depth=10)


def test_metrics_on_a_hand_computed_ranking():
    ranked = ["MYS", "MYS", "THA", "IDN", "IND", "CHN", "VNM"]  # MYS twice: counts once
    relevant = {"THA", "VNM"}
    assert recall_at_k(ranked, relevant, 5) == 0.5  # THA 2nd, VNM 6th
    assert recall_at_k(ranked, relevant, 6) == 1.0
    assert reciprocal_rank(ranked, relevant) == 0.5
    dcg = 1 / math.log2(3) + 1 / math.log2(7)
    ideal = 1 + 1 / math.log2(3)
    assert ndcg_at_k(ranked, relevant, 10) == pytest.approx(dcg / ideal)
    assert ndcg_at_k(ranked, relevant, 10) == pytest.approx(0.60527, abs=1e-5)
    assert ndcg_at_k(["THA", "VNM", "MYS"], relevant, 10) == pytest.approx(1.0)
    assert ndcg_at_k(ranked, {"THA"}, 1) == 0.0


def test_metrics_without_a_hit_and_without_an_answer():
    assert recall_at_k(["MYS"], {"THA"}, 5) == 0.0
    assert reciprocal_rank([], {"THA"}) == 0.0
    assert ndcg_at_k(["MYS"], {"THA"}, 10) == 0.0
    with pytest.raises(ValueError, match="no relevant"):
        recall_at_k(["MYS"], set(), 5)


def test_leave_one_out_never_fits_on_the_case_itself():
    history = [thai_exchange(year=y) for y in (2016, 2017, 2018)]
    seen: list[list[PastExchange]] = []

    class Spy(Popularity):
        def fit(self, rest):
            seen.append(list(rest))
            return super().fit(rest)

    leave_one_out(Spy(corpus()), [case(1, {"THA"}), case(1, {"THA"}), case(2, {"THA"})], history)
    assert [[p.year for p in rest] for rest in seen] == [[2016, 2018], [2016, 2017]]
    with pytest.raises(ValueError, match="outside"):
        leave_one_out(Spy(corpus()), [case(3, {"THA"})], history)


def test_the_engine_does_not_find_a_provider_by_its_own_exchange():
    """Thailand's only edge over Malaysia would be this very exchange: it must not count."""
    ranker = engine_ranker()
    left_out = leave_one_out(ranker, [case(0, {"THA"})], [thai_exchange()])
    assert left_out[0].tolist() == [1.0, 0.5, pytest.approx(1 / math.log2(3))]
    # another documented exchange of Thailand does count
    both = leave_one_out(ranker, [case(0, {"THA"})], [thai_exchange(), thai_exchange("BRA")])
    assert both[0].tolist() == [1.0, 1.0, 1.0]


def test_baselines_rank_countries_but_never_the_requesters_own():
    history = [thai_exchange(), PastExchange((3,), ("child_labour",), None, "PER", 2017)]
    history += [PastExchange((3, 9), ("child_labour",), None, "MOZ", 2022)]  # 9: no offer
    need = case(0, {"THA"})
    popularity = Popularity(corpus()).fit(history)
    assert popularity.rank(need) == ["BRA", "THA", "MYS"]  # 2 exchanges, 1, then none
    assert SameRegion(corpus()).fit(history).rank(need) == ["THA", "MYS", "BRA"]
    text = OffersText(ConstantEncoder())
    text.fit([o.text for o in OFFERS], [o.language for o in OFFERS])
    cotton = case(0, {"BRA"}, text="child labour on cotton farms")
    assert TfidfAlone(corpus(), text).rank(cotton)[0] == "BRA"
    draws = [RandomOrder(corpus(), seed).rank(need) for seed in range(20)]
    assert all(sorted(order) == ["BRA", "MYS", "THA"] for order in draws)
    assert len({tuple(order) for order in draws}) > 1
    assert RandomOrder(corpus(), 3).rank(need) == draws[3]  # reproducible


def test_evaluate_reports_every_method_in_both_modes():
    history = [thai_exchange(), thai_exchange("BRA"), PastExchange((9,), (), None, "MYS", 2020)]
    cases = [case(0, {"THA"}), case(1, {"THA"}, country="BRA"), case(2, {"AGO"}, country="MYS")]
    report = evaluate(
        corpus(),
        history,
        cases,
        tagger=ThemeTagger().fit(SPECS),
        encoder=ConstantEncoder(),
        draws=3,
    )
    assert (report.cases, report.unreachable) == (2, 1)  # no offer from Angola: unfindable
    assert list(report.methods) == [
        "engine",
        "TF-IDF alone",
        "same region",
        "popularity",
        "random (3 draws)",
    ]
    assert set(report.methods["engine"]) == {"themes given", "themes inferred"}
    assert set(report.methods["engine"]["themes inferred"]) == {"recall@5", "mrr", "ndcg@10"}
    assert set(report.ablation) == set(DEFAULT_WEIGHTS)
    engine = report.methods["engine"]["themes given"]["mrr"]
    without = report.ablation["track_record"]
    assert without["delta"]["themes given"]["mrr"] == pytest.approx(
        without["without"]["themes given"]["mrr"] - engine
    )
