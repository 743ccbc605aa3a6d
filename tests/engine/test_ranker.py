"""The hybrid ranker on a small world, with a deterministic stand-in encoder."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from matchmaker.engine.ranker import Matcher
from matchmaker.engine.records import CountryInfo, NeedQuery, Offer, PastExchange, Provider
from matchmaker.engine.text import TextRelevance

PILLARS = {
    "employment_injury": "social_protection",
    "pensions": "social_protection",
    "child_labour": "rights",
    "skills_development": "employment",
}
COUNTRIES = {
    "PAK": CountryInfo("PAK", "asia_pacific", "Southern Asia", None, "lower_middle"),
    "MYS": CountryInfo("MYS", "asia_pacific", "South-eastern Asia", None, "upper_middle"),
    "THA": CountryInfo("THA", "asia_pacific", "South-eastern Asia", None, "upper_middle"),
    "IND": CountryInfo("IND", "asia_pacific", "Southern Asia", None, "lower_middle"),
    "BRA": CountryInfo("BRA", "americas", "South America", None, "upper_middle"),
    "DEU": CountryInfo("DEU", "europe_central_asia", "Western Europe", None, "high", False),
}


class BagOfWordsEncoder:
    """Hashes words into 64 dimensions: same words, same direction; deterministic and quick."""

    def encode(self, texts):
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, int(hashlib.sha256(word.encode()).hexdigest(), 16) % 64] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


def provider(pid, name, country, languages=("en",), needs=()):
    return Provider(pid, name, country, "government", tuple(languages), tuple(needs))


PROVIDERS = {
    1: provider(1, "PERKESO", "MYS"),
    2: provider(2, "Thai SSO", "THA"),
    3: provider(3, "ESIC", "IND"),
    4: provider(4, "Brazil MTE", "BRA", ("pt",)),
    5: provider(5, "DGUV", "DEU"),
    6: provider(6, "PESSI", "PAK"),
}
OFFERS = [
    Offer(
        10,
        1,
        "Employment injury scheme",
        "employment injury insurance compensation scheme for workers with return to work",
        "en",
        ("employment_injury",),
        ("en",),
        3,
    ),
    Offer(11, 1, "Pensions", "old age pension fund administration", "en", ("pensions",)),
    Offer(
        20,
        2,
        "Workmen's compensation fund",
        "employment injury compensation fund for workers",
        "en",
        ("employment_injury",),
        ("en",),
        2,
    ),
    Offer(30, 3, "Skills", "vocational skills training for youth", "en", ("skills_development",)),
    Offer(
        40,
        4,
        "Trabalho infantil",
        "erradicação do trabalho infantil fiscalização",
        "pt",
        ("child_labour",),
        ("pt",),
    ),
    Offer(
        50,
        5,
        "Accident insurance",
        "employment injury accident insurance for workers",
        "en",
        ("employment_injury",),
    ),
    Offer(60, 6, "Own offer", "employment injury compensation", "en", ("employment_injury",)),
]
NEED = NeedQuery(
    "employment injury compensation for workers",
    "PAK",
    "en",
    ("employment_injury",),
    ("en",),
    requester_id=6,
)


@pytest.fixture
def matcher() -> Matcher:
    return Matcher(theme_pillars=PILLARS, text=TextRelevance(BagOfWordsEncoder())).fit(
        OFFERS, PROVIDERS, COUNTRIES
    )


def test_peers_rank_by_relevance_and_facilitators_are_apart(matcher):
    ranking = matcher.rank(NEED, top=5)
    names = [m.name for m in ranking.peers]
    assert names[:2] in (["PERKESO", "Thai SSO"], ["Thai SSO", "PERKESO"])
    assert "DGUV" not in names and not any(m.triangular for m in ranking.peers)
    assert [m.name for m in ranking.facilitators] == ["DGUV"]
    assert ranking.facilitators[0].triangular


def test_own_country_and_own_organisation_are_left_out_unless_asked(matcher):
    assert "PESSI" not in [m.name for m in matcher.rank(NEED).peers]
    other_requester = NeedQuery(NEED.text, "PAK", "en", NEED.themes, ("en",))
    assert "PESSI" in [
        m.name for m in matcher.rank(other_requester, include_own_country=True).peers
    ]


def test_explanation_lists_every_signal_and_sums_to_the_score(matcher):
    best = matcher.rank(NEED).peers[0]
    signals = best.explanation["signals"]
    assert set(signals) == {"text", "themes", "geography", "track_record", "context", "language"}
    total = sum(s["contribution"] for s in signals.values())
    assert best.score == pytest.approx(total, abs=1e-3)
    assert best.explanation["matched_themes"] == ["employment_injury"]
    assert "compensation" in " ".join(best.explanation["matched_phrases"])


def test_capacity_exhausted_is_demoted_and_flagged():
    matcher = Matcher(theme_pillars=PILLARS, text=TextRelevance(BagOfWordsEncoder())).fit(
        OFFERS, PROVIDERS, COUNTRIES, load={1: 10}
    )
    peers = matcher.rank(NEED).peers
    perkeso = next(m for m in peers if m.name == "PERKESO")
    assert peers[0].name == "Thai SSO"
    assert any("capacity" in flag for flag in perkeso.explanation["flags"])


def test_track_record_raises_a_provider_with_good_ratings():
    history = [PastExchange((2,), ("employment_injury",), 5.0)] * 3
    plain = Matcher(theme_pillars=PILLARS, text=TextRelevance(BagOfWordsEncoder())).fit(
        OFFERS, PROVIDERS, COUNTRIES
    )
    rated = Matcher(theme_pillars=PILLARS, text=TextRelevance(BagOfWordsEncoder())).fit(
        OFFERS, PROVIDERS, COUNTRIES, history=history
    )
    score = {m.name: m.score for m in plain.rank(NEED).peers}
    better = {m.name: m.score for m in rated.rank(NEED).peers}
    assert better["Thai SSO"] > score["Thai SSO"]
    assert better["PERKESO"] == pytest.approx(score["PERKESO"])


def test_diversity_caps_organisations_per_country():
    many = {i: provider(i, f"Malaysian body {i}", "MYS") for i in range(100, 105)}
    offers = [
        Offer(
            i * 10,
            i,
            f"Injury {i}",
            "employment injury compensation for workers",
            "en",
            ("employment_injury",),
        )
        for i in many
    ]
    matcher = Matcher(
        theme_pillars=PILLARS, per_country=2, text=TextRelevance(BagOfWordsEncoder())
    ).fit(offers + OFFERS, {**PROVIDERS, **many}, COUNTRIES)
    countries = [m.country for m in matcher.rank(NEED, top=6).peers]
    assert countries.count("MYS") == 2


def test_reciprocity_bonus_is_explained():
    providers = {**PROVIDERS, 2: provider(2, "Thai SSO", "THA", needs=("child_labour",))}
    matcher = Matcher(theme_pillars=PILLARS, text=TextRelevance(BagOfWordsEncoder())).fit(
        OFFERS, providers, COUNTRIES
    )
    need = NeedQuery(
        NEED.text, "PAK", "en", NEED.themes, ("en",), 6, offered_themes=("child_labour",)
    )
    thai = next(m for m in matcher.rank(need).peers if m.name == "Thai SSO")
    assert thai.explanation["reciprocity"] == 1.0


def test_language_mismatch_is_flagged(matcher):
    need = NeedQuery("trabalho infantil fiscalização", "PAK", "pt", ("child_labour",), ("pt",))
    brazil = next(m for m in matcher.rank(need).peers if m.name == "Brazil MTE")
    assert brazil.explanation["signals"]["language"]["value"] == 1.0
    perkeso = next(m for m in matcher.rank(need, top=10).peers if m.name == "PERKESO")
    assert any("interpretation" in f for f in perkeso.explanation["flags"])


def test_bad_weights_and_empty_offers_are_refused():
    with pytest.raises(ValueError, match="no offers"):
        Matcher(theme_pillars=PILLARS).fit([], PROVIDERS, COUNTRIES)
    matcher = Matcher(
        weights={"text": 1.0, "magic": 1.0},
        theme_pillars=PILLARS,
        text=TextRelevance(BagOfWordsEncoder()),
    ).fit(OFFERS, PROVIDERS, COUNTRIES)
    with pytest.raises(ValueError, match="unknown signal"):
        matcher.rank(NEED)
