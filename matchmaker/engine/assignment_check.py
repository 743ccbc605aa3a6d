"""A round's result, the reasons a need stays unserved, and a checker independent of any solver.

``check_assignment`` reads only the problem and the chosen pairs, never the solver's graph, so
that it can vouch for the exact solver, the greedy baseline and the tests alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from matchmaker.engine.assignment_graph import EligibleGraph
from matchmaker.engine.assignment_problem import ELIGIBLE, RULE_NAMES, RoundProblem, locate, member


class Reason(NamedTuple):
    """Why a need has fewer partners than it wants: a code to count, a detail to read."""

    code: str  # no_candidates, excluded_by_rules, too_few_candidates or capacity
    detail: str


@dataclass(eq=False)
class Assignment:
    """The pairs chosen in a round, what they are worth, and who is left out and why.

    Attributes
    ----------
    need, provider, score : arrays, shape (m,)
        The chosen pairs, must-pairs first.
    objective : float
        ``total_score`` plus the problem's ``region_bonus`` for each of ``region_needs``.
    total_score : float
        Sum of the chosen pairs' scores.
    region_needs : int
        Needs with at least one partner from their own region.
    partners : array of int, shape (n,)
        Partners of each need.
    provider_load, country_load : arrays of int
        Exchanges per provider and per provider country.
    unserved : dict of int to Reason
        Needs with fewer partners than ``min_partners``.
    must_failures : dict of (need, provider) to str
        Must-pairs that could not be imposed, and why.
    violations : list of str
        What ``check_assignment`` found wrong; empty when every constraint holds.
    """

    need: np.ndarray
    provider: np.ndarray
    score: np.ndarray
    objective: float
    total_score: float
    region_needs: int
    partners: np.ndarray
    provider_load: np.ndarray
    country_load: np.ndarray
    unserved: dict[int, Reason]
    must_failures: dict[tuple[int, int], str]
    violations: list[str]

    @property
    def constraints_ok(self) -> bool:
        return not self.violations

    @property
    def served(self) -> int:
        return len(self.partners) - len(self.unserved)


def assemble(problem: RoundProblem, graph: EligibleGraph, chosen: np.ndarray) -> Assignment:
    """The result of choosing the graph's free pairs `chosen` (a mask) besides its must-pairs."""
    need = np.concatenate([graph.forced_need, graph.need[chosen]])
    provider = np.concatenate([graph.forced_provider, graph.provider[chosen]])
    score = np.concatenate([graph.forced_score, graph.score[chosen]])
    partners = np.bincount(need, minlength=problem.n_needs)
    provider_load = np.bincount(provider, minlength=problem.n_providers)
    country_load = np.bincount(problem.provider_country[provider], minlength=problem.n_countries)
    same = problem.same_region(need, provider)
    region_needs = int(np.count_nonzero(np.bincount(need[same], minlength=problem.n_needs)))
    total = float(score.sum())
    return Assignment(
        need=need,
        provider=provider,
        score=score,
        objective=total + problem.region_bonus * region_needs,
        total_score=total,
        region_needs=region_needs,
        partners=partners,
        provider_load=provider_load,
        country_load=country_load,
        unserved=_unserved(problem, graph, chosen, partners, provider_load, country_load),
        must_failures=graph.must_failures,
        violations=check_assignment(problem, need, provider),
    )


def _unserved(
    problem: RoundProblem,
    graph: EligibleGraph,
    chosen: np.ndarray,
    partners: np.ndarray,
    provider_load: np.ndarray,
    country_load: np.ndarray,
) -> dict[int, Reason]:
    """Why each need below its minimum is there, from counts over its candidate pairs."""
    n = problem.n_needs
    under = np.flatnonzero(partners < problem.min_partners)
    if not len(under):
        return {}
    ranked = np.bincount(problem.edge_need, minlength=n)
    excluded = {
        name: np.bincount(problem.edge_need[graph.rules == code], minlength=n)
        for code, name in RULE_NAMES.items()
    }
    eligible = np.bincount(problem.edge_need[graph.rules == ELIGIBLE], minlength=n)
    passed = ~chosen
    need, provider = graph.need[passed], graph.provider[passed]
    country = problem.provider_country[provider]
    full = provider_load[provider] >= problem.capacity[provider]
    capped = ~full & (country_load[country] >= problem.country_limits()[country])
    others = np.bincount(need, minlength=n)
    full_count = np.bincount(need[full], minlength=n)
    capped_count = np.bincount(need[capped], minlength=n)
    reasons: dict[int, Reason] = {}
    for i in under.tolist():
        wanted = int(problem.min_partners[i])
        if ranked[i] == 0 and partners[i] == 0:
            reasons[i] = Reason("no_candidates", "no provider was ranked for it")
        elif eligible[i] == 0 and partners[i] == 0:
            parts = ", ".join(f"{int(c[i])} {name}" for name, c in excluded.items() if c[i])
            reasons[i] = Reason(
                "excluded_by_rules", f"all {ranked[i]} candidates excluded: {parts}"
            )
        elif others[i] == 0:
            reasons[i] = Reason(
                "too_few_candidates", f"{partners[i]} eligible partners for {wanted} wanted"
            )
        else:
            room = others[i] - full_count[i] - capped_count[i]
            reasons[i] = Reason(
                "capacity",
                f"{partners[i]} of {wanted} partners: of its {others[i]} other eligible "
                f"providers, {full_count[i]} are full and {capped_count[i]} in countries at "
                f"their cap" + (f"; {room} had room but were passed over" if room else ""),
            )
    return reasons


def check_assignment(problem: RoundProblem, need: np.ndarray, provider: np.ndarray) -> list[str]:
    """Every hard constraint the pairs break, in words; an empty list means all hold.

    Parameters
    ----------
    problem : RoundProblem
        The round.
    need, provider : array of int, shape (m,)
        The chosen pairs.

    Returns
    -------
    list of str
        One line per kind of violation, with a count and an example.
    """
    need, provider = np.asarray(need, dtype=np.int64), np.asarray(provider, dtype=np.int64)
    if len(need) != len(provider):
        return ["need and provider differ in length"]
    if len(need) and (
        min(need.min(), provider.min()) < 0
        or need.max() >= problem.n_needs
        or provider.max() >= problem.n_providers
    ):
        return ["a pair names a need or provider that does not exist"]
    problems: list[str] = []
    keys = problem.pair_keys(np.column_stack([need, provider]))
    must = member(keys, problem.pair_keys(problem.must_pairs))
    order = np.argsort(keys, kind="stable")
    first = np.searchsorted(keys[order], keys)  # where each pair's first copy sorts
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    at = locate(problem.edge_keys, keys[order])
    found = np.full(len(keys), np.nan)
    found[at[at >= 0]] = problem.edge_score[at >= 0]
    score, twice = found[first], rank != first
    checks = {
        "pairs chosen twice": twice,
        "pairs neither candidates nor must-pairs": np.isnan(score) & ~must,
        "pairs with a zero score": (score <= 0) & ~must,
        "providers from the requester's own country": (
            problem.need_country[need] == problem.provider_country[provider]
        ),
        "declared conflicts": member(keys, problem.pair_keys(problem.conflicts)),
        "never-pairs": member(keys, problem.pair_keys(problem.never_pairs)),
    }
    for what, broken in checks.items():
        if broken.any():
            k = int(np.argmax(broken))
            problems.append(f"{np.count_nonzero(broken)} {what}, e.g. ({need[k]}, {provider[k]})")
    countries = problem.provider_country[provider]
    limits = {
        "needs above max_partners": (need, problem.max_partners),
        "providers above capacity": (provider, problem.capacity),
        "countries above their cap": (countries, problem.country_limits()),
    }
    for what, (index, limit) in limits.items():
        over = np.flatnonzero(np.bincount(index, minlength=len(limit)) > limit)
        if len(over):
            problems.append(f"{len(over)} {what}, e.g. {over[0]}")
    missed = _unexcused_must_pairs(problem, keys, need[must], provider[must])
    if len(missed):
        problems.append(
            f"{len(missed)} must-pairs left out though they fit, e.g. {tuple(missed[0])}"
        )
    return problems


def _unexcused_must_pairs(
    problem: RoundProblem, keys: np.ndarray, need: np.ndarray, provider: np.ndarray
) -> np.ndarray:
    """Must-pairs absent though no rule forbids them and the chosen must-pairs leave room."""
    must = problem.must_pairs
    absent = must[~member(problem.pair_keys(must), keys)]
    i, j = absent[:, 0], absent[:, 1]
    country = problem.provider_country[j]
    must_country = problem.provider_country[provider]
    absent_keys = problem.pair_keys(absent)
    excused = (
        (problem.need_country[i] == problem.provider_country[j])
        | member(absent_keys, problem.pair_keys(problem.conflicts))
        | member(absent_keys, problem.pair_keys(problem.never_pairs))
        | (np.bincount(need, minlength=problem.n_needs)[i] >= problem.max_partners[i])
        | (np.bincount(provider, minlength=problem.n_providers)[j] >= problem.capacity[j])
        | (
            np.bincount(must_country, minlength=problem.n_countries)[country]
            >= problem.country_limits()[country]
        )
    )
    return absent[~excused]
