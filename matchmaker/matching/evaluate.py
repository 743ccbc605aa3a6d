"""Offline evaluation of the engine against the documented past exchanges in the database."""

from __future__ import annotations

from matchmaker.engine import records as engine
from matchmaker.engine.evaluation import METRICS, MODES, Case, Corpus, Report, evaluate
from matchmaker.engine.themes import ThemeTagger
from matchmaker.errors import NotFound
from matchmaker.matching import bridge
from matchmaker.matching.service import encoder

HEADERS = {"recall@5": "R@5", "mrr": "MRR", "ndcg@10": "NDCG@10"}


def documented_exchanges() -> tuple[list[engine.PastExchange], list[Case], dict[int, str]]:
    """The history, one case per exchange pointing into it, and each provider's country."""
    rows = bridge.documented_history()
    cases, countries = [], {}
    for index, (exchange, _past) in enumerate(rows):
        relevant = frozenset(p.organisation.country_code for p in exchange.providers)
        cases.append(Case(bridge.need_query(exchange.need), relevant, index))
        countries.update(
            {p.organisation_id: p.organisation.country_code for p in exchange.providers}
        )
    return [past for _exchange, past in rows], cases, countries


def evaluate_engine() -> Report:
    """Leave-one-out metrics of the engine and its baselines on the documented exchanges."""
    world = bridge.load_world()
    if not world.offers:
        raise NotFound("There are no published offers to rank.")
    history, cases, past_providers = documented_exchanges()
    vectors = bridge.embeddings_for(world.offers, world.texts, encoder())
    corpus = Corpus(
        world.offers,
        world.providers,
        world.countries,
        vectors,
        {spec.code: spec.pillar for spec in world.theme_specs},
        {**{p.id: p.country for p in world.providers.values()}, **past_providers},
    )
    if not any(corpus.findable(case) for case in cases):
        raise NotFound("No documented past exchange has a provider with published offers.")
    tagger = ThemeTagger().fit(world.theme_specs)
    return evaluate(corpus, history, cases, tagger=tagger, encoder=encoder())


def render(report: Report) -> str:
    """The report as two plain-text tables: methods by metric, and the ablation."""
    width, cell = 22, 9
    modes = "".join(f"{mode:>{cell * len(METRICS)}}" for mode in MODES)
    metrics = "".join(f"{HEADERS[m]:>{cell}}" for m in METRICS)
    lines = [
        f"Leave-one-out over {report.cases + report.unreachable} documented exchanges: "
        f"{report.cases} ranked, {report.unreachable} left out (no provider country has offers).",
        f"Provider countries, rankings cut at {report.depth}: Recall@5, MRR (0 beyond "
        f"{report.depth}), NDCG@10.",
        "",
        f"{'':<{width}}{modes}",
        f"{'method':<{width}}{metrics * len(MODES)}",
    ]
    for method, scores in report.methods.items():
        cells = "".join(f"{scores[mode][m]:>{cell}.3f}" for mode in MODES for m in METRICS)
        lines.append(f"{method:<{width}}{cells}")
    lines += [
        "",
        "Ablation: the engine with one signal's weight at 0, the others renormalised;",
        "Δ is the change from the engine.",
        "",
        f"{'':<{width}}" + "".join(f"{HEADERS[m]:>{cell}}{'Δ':>{cell}}" for m in METRICS),
    ]
    for mode in MODES:
        lines.append(mode)
        for signal, row in report.ablation.items():
            cells = "".join(
                f"{row['without'][mode][m]:>{cell}.3f}{row['delta'][mode][m]:>+{cell}.3f}"
                for m in METRICS
            )
            lines.append(f"{'  without ' + signal:<{width}}{cells}")
    return "\n".join(lines)
