"""Matching rounds: the globally best pairs of needs and providers under the round's limits.

Ranking need by need sends every need to the same famous few; a round chooses all pairs at
once, as conference reviewer assignment does, with network flows (Google OR-Tools, arcs passed
as numpy arrays) through this network::

    cover -> need             capacity: partners it still wants before it counts as served
    spare -> need             capacity: the other partners it may take
    spare -> sink             capacity: all of spare's supply (partners not worth giving)
    need -> need's region     capacity: 1                          cost: -region bonus
    need -> need's region     capacity: the need's maximum
    need -> provider          capacity: 1                          cost: -score
    provider -> its country   capacity: the provider's capacity
    country -> sink           capacity: the country's cap

Same-region pairs leave from the need's region node, the others from the need. The country
layer keeps "at most N exchanges per provider country" a plain flow constraint.

Priorities, exactly, in this order:

1. must-pairs, imposed beforehand, best-scored first, while the rules and limits allow
   (see ``eligible_graph``);
2. as many partners towards the needs' ``min_partners`` as can be given at once: a maximum
   flow from ``cover`` (spare arcs left out) counts them, then the min-cost flow must send
   exactly that many from ``cover``, so no score gain can leave a need unserved that could
   have been served;
3. the largest total score plus ``region_bonus`` once per need with at least one partner from
   its own region: the min-cost flow.

The region preference is soft: a need gives up at most ``region_bonus`` of score for one
same-region partner, and a second earns nothing more, because the bonus arc carries one unit
(a bonus on every same-region pair would pile same-region partners on a need instead). Two
flows rather than one with a reward for coverage: that reward must exceed any total score,
and the cost range it adds made OR-Tools' cost scaling 60% slower on 20,000 x 20,000.

Rounding: OR-Tools needs integer costs, so scores are multiplied by ``MAX_SCALE`` (1e9; less
only if scores are so large that OR-Tools' cost range, |cost| x (nodes + 1) below about 2^62,
requires it) and rounded. The chosen pairs are optimal for the rounded scores, so their
objective, reported in floats from the original scores, is within (pairs chosen) / scale of
the float optimum: 1.5e-4 for 150,000 pairs, against an objective of about 85,000.
"""

from __future__ import annotations

import time
from collections import Counter

import numpy as np
from numpy.typing import ArrayLike
from ortools.graph.python.max_flow import SimpleMaxFlow
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

from matchmaker.engine.assignment_check import Assignment, Reason, assemble, check_assignment
from matchmaker.engine.assignment_graph import EligibleGraph, eligible_graph
from matchmaker.engine.assignment_problem import (
    DEFAULT_CANDIDATES,
    RoundProblem,
    top_candidates,
)

MAX_SCALE = 1e9
_COST_LIMIT = 2**60  # per unit of (nodes + 1): OR-Tools refuses about 2^62
_GREEDY_BLOCK = 65_536

__all__ = [
    "DEFAULT_CANDIDATES",
    "Assignment",
    "Reason",
    "RoundProblem",
    "check_assignment",
    "compare_with_greedy",
    "greedy",
    "solve",
    "solve_and_compare",
    "top_candidates",
]


def solve(problem: RoundProblem) -> Assignment:
    """The exact optimum of the round, by min-cost flow; never fails for lack of room.

    Parameters
    ----------
    problem : RoundProblem
        The candidate graph, limits and rules.

    Returns
    -------
    Assignment
        The chosen pairs; needs left below their minimum are in ``unserved`` with a reason,
        must-pairs that could not be imposed in ``must_failures``.
    """
    graph = eligible_graph(problem)
    return assemble(problem, graph, _min_cost_flow(problem, graph))


def greedy(problem: RoundProblem) -> Assignment:
    """The baseline: pairs by descending score, each taken while every limit still allows it.

    Same rules and must-pairs as ``solve``, and the same priorities as far as a single pass
    allows: a first pass takes pairs only for needs below their minimum, a second fills needs
    up to their maximum. A same-region pair counts the region bonus in its score.

    Parameters
    ----------
    problem : RoundProblem
        The candidate graph, limits and rules.

    Returns
    -------
    Assignment
        As ``solve`` returns it.
    """
    graph = eligible_graph(problem)
    value = graph.score + problem.region_bonus * graph.same_region
    order = np.argsort(-value, kind="stable")
    ends = (graph.need, graph.provider, problem.provider_country[graph.provider])
    provider_left, country_left = graph.provider_left.copy(), graph.country_left.copy()
    chosen = np.zeros(len(order), dtype=bool)
    _take(order, ends, (graph.wanted_left.copy(), provider_left, country_left), chosen)
    taken = np.bincount(graph.need[chosen], minlength=problem.n_needs)
    _take(order, ends, (graph.partners_left - taken, provider_left, country_left), chosen)
    return assemble(problem, graph, chosen)


def _take(
    order: np.ndarray,
    ends: tuple[np.ndarray, np.ndarray, np.ndarray],
    left: tuple[np.ndarray, np.ndarray, np.ndarray],
    chosen: np.ndarray,
) -> None:
    """Take pairs in order while need, provider and country all have room left.

    A vectorised sieve drops, block by block, the pairs that can no longer fit, so that the
    Python loop sees few of the millions of pairs once the popular providers are full.
    """
    need, provider, country = ends
    need_left, provider_left, country_left = left
    for start in range(0, len(order), _GREEDY_BLOCK):
        block = order[start : start + _GREEDY_BLOCK]
        block = block[
            ~chosen[block]
            & (need_left[need[block]] > 0)
            & (provider_left[provider[block]] > 0)
            & (country_left[country[block]] > 0)
        ]
        rows = zip(
            block.tolist(),
            need[block].tolist(),
            provider[block].tolist(),
            country[block].tolist(),
            strict=True,
        )
        for edge, i, j, c in rows:
            if need_left[i] > 0 and provider_left[j] > 0 and country_left[c] > 0:
                chosen[edge] = True
                need_left[i] -= 1
                provider_left[j] -= 1
                country_left[c] -= 1


def _min_cost_flow(problem: RoundProblem, graph: EligibleGraph) -> np.ndarray:
    """Which free pairs the optimal flow uses, as a mask over the graph's pairs."""
    n, p, c = problem.n_needs, problem.n_providers, problem.n_countries
    rest = graph.partners_left - graph.wanted_left
    if not len(graph.need) or not graph.partners_left.any():
        return np.zeros(len(graph.need), dtype=bool)
    bonus_needs = np.zeros(n, dtype=bool)
    if problem.region_bonus > 0:
        bonus_needs[graph.need[graph.same_region]] = True
        bonus_needs &= ~graph.region_met & (graph.partners_left > 0)
    score, bonus = _integer_costs(graph.score, problem.region_bonus, nodes=3 + 2 * n + p + c)
    cover, spare, sink = 0, 1, 2
    need_node = 3 + np.arange(n)
    region_node = need_node + n
    provider_node = 3 + 2 * n + np.arange(p)
    country_node = 3 + 2 * n + p + np.arange(c)
    from_region = graph.same_region & bonus_needs[graph.need]
    b = np.flatnonzero(bonus_needs)
    # tail, head, capacity, unit cost; the pairs first, so that arc k is pair k
    arcs: list[tuple[ArrayLike, ...]] = [
        (
            np.where(from_region, region_node[graph.need], need_node[graph.need]),
            provider_node[graph.provider],
            1,
            -score,
        ),
        (need_node[b], region_node[b], 1, -bonus),
        (need_node[b], region_node[b], graph.partners_left[b], 0),
        (provider_node, country_node[problem.provider_country], graph.provider_left, 0),
        (country_node, sink, graph.country_left, 0),
        (cover, need_node, graph.wanted_left, 0),
        (spare, need_node, rest, 0),
        (spare, sink, rest.sum(), 0),
    ]
    tails, heads, capacities, costs = (
        np.concatenate([np.ravel(np.broadcast_arrays(*arc)[k]) for arc in arcs]).astype(np.int64)
        for k in range(4)
    )
    tails, heads = tails.astype(np.int32), heads.astype(np.int32)
    spare_arcs = len(tails) - n - 1  # the last n + 1 arcs leave the spare source
    covered = (
        _max_flow(tails[:spare_arcs], heads[:spare_arcs], capacities[:spare_arcs], cover, sink)
        if graph.wanted_left.any()
        else 0
    )
    flow = SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.array([covered, rest.sum(), -covered - rest.sum()], dtype=np.int64)
    flow.set_nodes_supplies(np.array([cover, spare, sink], dtype=np.int32), supplies)
    status = flow.solve()
    if status != SimpleMinCostFlow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with {status}; the maximum coverage is feasible")
    return flow.flows(np.arange(len(graph.need), dtype=np.int32)) > 0


def _max_flow(
    tails: np.ndarray, heads: np.ndarray, capacities: np.ndarray, source: int, sink: int
) -> int:
    """How many of the partners still wanted can be given at once, from the cover source."""
    flow = SimpleMaxFlow()
    flow.add_arcs_with_capacity(tails, heads, capacities)
    status = flow.solve(source, sink)
    if status != SimpleMaxFlow.OPTIMAL:
        raise RuntimeError(f"maximum flow ended with {status}")
    return int(flow.optimal_flow())


def _integer_costs(score: np.ndarray, region_bonus: float, nodes: int) -> tuple[np.ndarray, int]:
    """Scores and region bonus as integers, on the largest scale OR-Tools accepts."""
    magnitude = float(score.max()) + region_bonus
    scale = min(MAX_SCALE, _COST_LIMIT / (nodes + 1) / magnitude)
    return np.rint(score * scale).astype(np.int64), round(region_bonus * scale)


def compare_with_greedy(problem: RoundProblem) -> dict[str, object]:
    """Solve exactly and greedily, timed, in the figures that the CLI and the benchmark print."""
    return solve_and_compare(problem)[1]


def solve_and_compare(problem: RoundProblem) -> tuple[Assignment, dict[str, object]]:
    """The exact assignment and ``compare_with_greedy``'s figures: a stored round keeps both."""
    start = time.perf_counter()
    exact = solve(problem)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    baseline = greedy(problem)
    greedy_seconds = time.perf_counter() - start
    gain = exact.objective - baseline.objective
    return exact, {
        "needs": problem.n_needs,
        "providers": problem.n_providers,
        "candidate_pairs": len(problem.edge_need),
        "seconds": round(seconds, 3),
        "greedy_seconds": round(greedy_seconds, 3),
        "objective": round(exact.objective, 6),
        "greedy_objective": round(baseline.objective, 6),
        "gain": round(gain, 6),
        "gain_percent": round(100 * gain / baseline.objective, 3) if baseline.objective else None,
        "constraints_ok": exact.constraints_ok,
        "greedy_constraints_ok": baseline.constraints_ok,
        "served_needs": exact.served,
        "greedy_served_needs": baseline.served,
        "unserved_reasons": dict(Counter(r.code for r in exact.unserved.values())),
        "assigned_pairs": len(exact.need),
        "greedy_assigned_pairs": len(baseline.need),
        "region_needs": exact.region_needs,
        "greedy_region_needs": baseline.region_needs,
        "must_pair_failures": len(exact.must_failures),
        "violations": exact.violations,
    }
