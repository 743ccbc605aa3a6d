"""A deterministic synthetic world of work for the benchmarks: offers, providers, needs, history.

Texts are composed from the taxonomy's own phrase banks (data/themes.yaml: theme names,
descriptions and keywords in English, French, Spanish and Portuguese) and the templates of
benchmarks/phrases.yaml; countries are the 195 of data/countries. Each offer is a "base" text
(title and description, one of a few thousand) plus an evidence line and a focus keyword of
its own, so that the real encoder embeds only the bases (cached on disk) and each offer's
vector is its base's vector with a small random perturbation (cosine about 0.95 to the base),
standing for what its own lines add. Needs are few and embedded for real.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from matchmaker.engine.embeddings import Encoder
from matchmaker.engine.records import CountryInfo, NeedQuery, Offer, PastExchange, Provider
from matchmaker.engine.themes import ThemeSpec
from matchmaker.knowledge.countries import load_countries
from matchmaker.knowledge.themes import load_themes

SEED = 2026
CACHE = Path.home() / ".cache" / "matchmaker-bench"
LANGUAGES = ("en", "fr", "es", "pt")
LANGUAGE_SHARE = (0.45, 0.2, 0.2, 0.15)
BASES = 3000  # distinct base texts, embedded for real
PERTURBATION = 0.33  # norm of the noise added to a base vector: cosine 1 / sqrt(1 + 0.33²)

PHRASES = yaml.safe_load((Path(__file__).parent / "phrases.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class World:
    """Everything a Matcher is fitted on, the needs to rank, and how offers map to bases."""

    offers: list[Offer]
    providers: dict[int, Provider]
    countries: dict[str, CountryInfo]
    history: list[PastExchange]
    load: dict[int, int]
    needs: list[NeedQuery]
    specs: list[ThemeSpec]
    base_texts: list[str]
    base_of_offer: np.ndarray

    @property
    def pillars(self) -> dict[str, str]:
        return {spec.code: spec.pillar for spec in self.specs}


def _clause(description: str, rng: np.random.Generator) -> str:
    """One or two clauses of a theme's description, so that bases of one theme differ."""
    parts = [p.strip() for p in description.replace(";", ",").split(",") if len(p.strip()) > 12]
    chosen = sorted(rng.choice(len(parts), size=min(2, len(parts)), replace=False))
    return ", ".join(parts[i] for i in chosen).rstrip(".") + "."


def _bases(themes: list, n_bases: int, rng: np.random.Generator) -> list[tuple]:
    """(text, language, theme codes) of each base; the language follows LANGUAGE_SHARE."""
    bases = []
    for _ in range(n_bases):
        language = str(rng.choice(LANGUAGES, p=LANGUAGE_SHARE))
        main = themes[rng.integers(len(themes))]
        keywords = list(main.keywords[language])
        a, b, c = (keywords[i] for i in rng.choice(len(keywords), 3, replace=False))
        title = PHRASES["titles"][language][rng.integers(3)].format(name=main.names[language], kw=a)
        text = f"{title}\n{_clause(main.description[language], rng)} "
        text += PHRASES["sharing"][language].format(a=a, b=b, c=c)
        codes = (main.code,)
        if rng.random() < 0.3:
            other = themes[rng.integers(len(themes))]
            if other.code != main.code:
                kw = other.keywords[language][rng.integers(len(other.keywords[language]))]
                text += " " + PHRASES["also"][language].format(a=kw)
                codes += (other.code,)
        bases.append((text, language, codes))
    return bases


def _countries() -> tuple[dict[str, CountryInfo], dict[str, tuple[str, ...]], list[str]]:
    facts = load_countries()
    infos = {
        c.iso3: CountryInfo(
            c.iso3,
            c.ilo_region,
            c.m49_subregion,
            c.m49_intermediate_region,
            c.income_group,
            c.south_south_peer,
        )
        for c in facts
    }
    spoken = {
        c.iso3: tuple(code for code in c.official_languages if code in (*LANGUAGES, "ar"))
        for c in facts
    }
    return infos, spoken, [c.names["en"] for c in facts]


def make_world(n_offers: int, n_needs: int = 220, seed: int = SEED) -> World:
    """N offers of about N/3 providers in 195 countries, with needs, history and load."""
    rng = np.random.default_rng(seed)
    themes = load_themes()
    specs = [ThemeSpec(t.code, t.pillar, t.keywords, t.names) for t in themes]
    countries, spoken, names = _countries()
    codes = list(countries)
    weights = rng.gamma(0.8, size=len(codes))
    n_providers = max(n_offers // 3, 2)
    homes = rng.choice(len(codes), size=n_providers, p=weights / weights.sum())
    providers: dict[int, Provider] = {}
    for pid, country in enumerate(homes.tolist(), start=1):
        langs = tuple(
            dict.fromkeys(spoken[codes[country]] + (("en",) if rng.random() < 0.6 else ()))
        )
        main = next((code for code in langs if code in LANGUAGES), "en")
        org = PHRASES["organisations"][main][rng.integers(6)]
        needed = tuple(sorted({specs[i].code for i in rng.integers(len(specs), size=3)}))
        providers[pid] = Provider(
            pid,
            f"{org} ({names[country]}) #{pid}",
            codes[country],
            "government",
            langs or ("en",),
            needed if rng.random() < 0.4 else (),
        )
    texts = np.random.default_rng([seed, 1])  # apart, so that every size shares the texts
    bases = _bases(themes, BASES, texts)
    by_language = {lang: [i for i, b in enumerate(bases) if b[1] == lang] for lang in LANGUAGES}
    offers, base_of_offer = [], []
    pids = list(providers)
    theme_index = {spec.code: i for i, spec in enumerate(specs)}
    for oid in range(1, n_offers + 1):
        p = providers[pids[oid - 1] if oid <= len(pids) else pids[rng.integers(len(pids))]]
        language = next((code for code in p.working_languages if code in LANGUAGES), "en")
        b = by_language[language][rng.integers(len(by_language[language]))]
        text, _, theme_codes = bases[b]
        keywords = themes[theme_index[theme_codes[0]]].keywords[language]
        evidence = PHRASES["evidence"][language].format(
            year=2000 + rng.integers(25),
            org=p.name.split(" (")[0],
            country=p.country,
            n=int(rng.integers(50, 50_000)),
            unit=PHRASES["units"][language][rng.integers(5)],
            kw=keywords[rng.integers(len(keywords))],
        )
        offers.append(
            Offer(
                oid,
                p.id,
                text.split("\n")[0],
                f"{text}\n{evidence}",
                language,
                theme_codes,
                p.working_languages,
                int(rng.integers(1, 5)),
            )
        )
        base_of_offer.append(b)
    history = [
        PastExchange(
            tuple(int(x) + 1 for x in rng.integers(len(pids), size=rng.integers(1, 3))),
            (specs[rng.integers(len(specs))].code,),
            None if rng.random() < 0.3 else float(rng.integers(1, 6)),
        )
        for _ in range(max(n_offers // 20, 1))
    ]
    busy = rng.integers(len(pids), size=len(pids) // 10) + 1
    load = {int(pid): int(rng.integers(1, 8)) for pid in busy}
    return World(
        offers,
        providers,
        countries,
        history,
        load,
        _needs(specs, themes, codes, countries, (texts, rng), n_needs, pids),
        specs,
        [b[0] for b in bases],
        np.array(base_of_offer),
    )


def _needs(specs, themes, codes, countries, rngs, n_needs, pids) -> list[NeedQuery]:
    """Needs of peer countries: 70 % tagged with their theme, the rest left to inference."""
    peers = [c for c in codes if countries[c].south_south_peer]
    needs = []
    texts, rng = rngs
    for _ in range(n_needs):
        language = str(texts.choice(LANGUAGES, p=LANGUAGE_SHARE))
        theme = themes[texts.integers(len(themes))]
        keywords = theme.keywords[language]
        a, b = (keywords[i] for i in texts.choice(len(keywords), 2, replace=False))
        context = _clause(theme.description[language], texts)
        text = PHRASES["needs"][language].format(a=a, b=b, context=context)
        needs.append(
            NeedQuery(
                text,
                str(rng.choice(peers)),
                language,
                (theme.code,) if rng.random() < 0.7 else (),
                (language,),
                int(rng.integers(len(pids))) + 1 if rng.random() < 0.5 else None,
                (specs[rng.integers(len(specs))].code,) if rng.random() < 0.3 else (),
            )
        )
    return needs


def _cached_encode(texts: list[str], encoder: Encoder) -> tuple[np.ndarray, float | None]:
    """Embeddings from the cache when present, else encoded now; and ms per text if encoded."""
    key = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]
    path = CACHE / f"usem3-{key}.npy"
    if path.exists():
        return np.load(path), None
    import time

    start = time.perf_counter()
    vectors = encoder.encode(texts)
    per_text = (time.perf_counter() - start) * 1000 / len(texts)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors, per_text


def embeddings(world: World, encoder: Encoder, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Offer vectors (perturbed base vectors) and the needs' real vectors, both L2-normalised."""
    bases, _ = _cached_encode(world.base_texts, encoder)
    needs, _ = _cached_encode([need.text for need in world.needs], encoder)
    rng = np.random.default_rng(seed + 1)
    noise = rng.standard_normal((len(world.offers), bases.shape[1]), dtype=np.float32)
    vectors = bases[world.base_of_offer] + noise * (PERTURBATION / np.sqrt(bases.shape[1]))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors, needs
