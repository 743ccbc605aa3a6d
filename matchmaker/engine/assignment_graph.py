"""What is left to decide in a round once the rules have removed pairs and must-pairs are imposed.

The exact solver and the greedy baseline both start from here, so that they differ only in how
they choose among the same eligible pairs under the same remaining limits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchmaker.engine.assignment_problem import ELIGIBLE, RoundProblem, locate, member

_FROM_OTHERS = "with the must-pairs imposed before it"


@dataclass(eq=False)
class EligibleGraph:
    """Eligible free pairs, the imposed must-pairs, and the limits they leave.

    Attributes
    ----------
    need, provider, score, same_region : arrays, shape (E',)
        The eligible candidate pairs not imposed as must-pairs.
    forced_need, forced_provider, forced_score : arrays
        The must-pairs imposed (a must-pair outside the candidate graph scores 0).
    must_failures : dict of (need, provider) to str
        The must-pairs that could not be imposed, and why.
    rules : array of int8, shape (E,)
        The first rule each candidate pair of the problem breaks (see ``edge_rules``).
    partners_left, wanted_left : arrays of int, shape (n,)
        Partners each need may still take, and still wants before it counts as served.
    provider_left, country_left : arrays of int
        Exchanges each provider and each provider country can still take.
    region_met : array of bool, shape (n,)
        Needs that already have a same-region partner among their must-pairs.
    """

    need: np.ndarray
    provider: np.ndarray
    score: np.ndarray
    same_region: np.ndarray
    forced_need: np.ndarray
    forced_provider: np.ndarray
    forced_score: np.ndarray
    must_failures: dict[tuple[int, int], str]
    rules: np.ndarray
    partners_left: np.ndarray
    wanted_left: np.ndarray
    provider_left: np.ndarray
    country_left: np.ndarray
    region_met: np.ndarray


def eligible_graph(problem: RoundProblem) -> EligibleGraph:
    """Apply the rules, then impose the must-pairs, best-scored first, while the limits allow."""
    rules = problem.edge_rules()
    must = np.unique(problem.must_pairs, axis=0) if len(problem.must_pairs) else problem.must_pairs
    must_edge = np.full(len(must), -1, dtype=np.int64)
    at = locate(problem.edge_keys, problem.pair_keys(must))
    must_edge[at[at >= 0]] = np.flatnonzero(at >= 0)
    must_score = np.zeros(len(must))
    must_score[must_edge >= 0] = problem.edge_score[must_edge[must_edge >= 0]]
    left = (problem.max_partners.copy(), problem.capacity.copy(), problem.country_limits())
    imposed, failures = _impose(problem, must, must_score, left)
    partners_left, provider_left, country_left = left
    forced_need, forced_provider = must[imposed, 0], must[imposed, 1]
    free = rules == ELIGIBLE
    free[must_edge[imposed & (must_edge >= 0)]] = False
    need, provider = problem.edge_need[free], problem.edge_provider[free]
    forced_same = problem.same_region(forced_need, forced_provider)
    return EligibleGraph(
        need=need,
        provider=provider,
        score=problem.edge_score[free],
        same_region=problem.same_region(need, provider),
        forced_need=forced_need,
        forced_provider=forced_provider,
        forced_score=must_score[imposed],
        must_failures=failures,
        rules=rules,
        partners_left=partners_left,
        wanted_left=np.maximum(problem.min_partners - problem.max_partners + partners_left, 0),
        provider_left=provider_left,
        country_left=country_left,
        region_met=np.bincount(forced_need[forced_same], minlength=problem.n_needs) > 0,
    )


def _impose(
    problem: RoundProblem,
    must: np.ndarray,
    score: np.ndarray,
    left: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, dict[tuple[int, int], str]]:
    """Impose must-pairs best-scored first, taking from `left`; must-pairs are few, so a loop."""
    partners_left, provider_left, country_left = left
    imposed = np.zeros(len(must), dtype=bool)
    failures: dict[tuple[int, int], str] = {}
    broken = _broken_rules(problem, must)
    for k in np.argsort(-score, kind="stable"):
        need, provider = int(must[k, 0]), int(must[k, 1])
        country = problem.provider_country[provider]
        if broken[k]:
            failures[(need, provider)] = broken[k]
        elif partners_left[need] == 0:
            failures[(need, provider)] = f"need {need} has all its partners {_FROM_OTHERS}"
        elif provider_left[provider] == 0:
            failures[(need, provider)] = f"provider {provider} is full {_FROM_OTHERS}"
        elif country_left[country] == 0:
            failures[(need, provider)] = f"country {country} is at its cap {_FROM_OTHERS}"
        else:
            imposed[k] = True
            partners_left[need] -= 1
            provider_left[provider] -= 1
            country_left[country] -= 1
    return imposed, failures


def _broken_rules(problem: RoundProblem, must: np.ndarray) -> list[str]:
    """The rule each must-pair breaks, or an empty string: rules outrank must-pairs."""
    keys = problem.pair_keys(must)
    own = problem.need_country[must[:, 0]] == problem.provider_country[must[:, 1]]
    rules = [
        ("its provider is from the requester's own country", own),
        ("it is also a declared conflict", member(keys, problem.pair_keys(problem.conflicts))),
        ("it is also a never-pair", member(keys, problem.pair_keys(problem.never_pairs))),
    ]
    return [next((text for text, broken in rules if broken[k]), "") for k in range(len(must))]
