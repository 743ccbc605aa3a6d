"""Matching rounds: the min-cost flow against SciPy's MILP optimum, every rule, and the reasons."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from matchmaker.engine.assignment import (
    Assignment,
    RoundProblem,
    check_assignment,
    greedy,
    solve,
    top_candidates,
)
from matchmaker.engine.assignment_synthetic import synthetic_round


def random_round(seed: int, scale: float = 1.0) -> RoundProblem:
    """6-12 needs x 5-10 providers with every rule, and must-pairs that can all be imposed."""
    rng = np.random.default_rng(seed)
    n, p, countries = rng.integers(6, 13), rng.integers(5, 11), rng.integers(2, 5)
    need_country = rng.integers(0, countries, n)
    provider_country = rng.integers(0, countries, p)
    pairs = np.argwhere(rng.random((n, p)) < 0.7)
    score = np.round(rng.random(len(pairs)), 4) * scale
    score[rng.random(len(pairs)) < 0.1] = 0.0
    capacity = rng.integers(1, 4, p)
    eligible = (need_country[pairs[:, 0]] != provider_country[pairs[:, 1]]) & (score > 0)
    picked = rng.permutation(np.flatnonzero(eligible))
    must, conflicts, never = [], pairs[picked[-2:]], pairs[picked[-4:-2]]
    for i, j in pairs[picked[:-4]]:  # at most one must-pair per need and per provider
        if len(must) < 2 and all(i != a and j != b for a, b in must):
            must.append((i, j))
    must_per_country = np.bincount(provider_country[[j for _, j in must]], minlength=countries)
    return RoundProblem(
        edge_need=pairs[:, 0],
        edge_provider=pairs[:, 1],
        edge_score=score,
        need_country=need_country,
        provider_country=provider_country,
        capacity=capacity,
        min_partners=rng.integers(0, 3, n),
        max_partners=rng.integers(2, 4, n),
        country_cap=np.maximum(rng.integers(1, 6, countries), must_per_country),
        need_region=rng.integers(0, 2, n),
        provider_region=rng.integers(0, 2, p),
        region_bonus=0.05 * scale,
        conflicts=conflicts,
        never_pairs=never,
        must_pairs=np.array(must, dtype=np.int64).reshape(-1, 2),
    )


def milp_optimum(problem: RoundProblem) -> tuple[float, float]:
    """Most partners towards the needs' minimums, then the best objective: two MILPs.

    Variables: x (one per allowed pair), c (partners counted towards each need's minimum) and
    y (1 when a need has a same-region partner).
    """
    n, p, countries = problem.n_needs, problem.n_providers, problem.n_countries
    keys = problem.edge_keys
    rules = np.vstack([problem.conflicts, problem.never_pairs])
    own = problem.need_country[problem.edge_need] == problem.provider_country[problem.edge_provider]
    must = np.isin(keys, problem.pair_keys(problem.must_pairs))
    allowed = (~np.isin(keys, problem.pair_keys(rules)) & ~own & (problem.edge_score > 0)) | must
    need, provider = problem.edge_need[allowed], problem.edge_provider[allowed]
    m = len(need)

    def incidence(index: np.ndarray, size: int) -> np.ndarray:
        return (index[None, :] == np.arange(size)[:, None]).astype(float)

    per_need, eye, none = incidence(need, n), np.eye(n), np.zeros((n, n))
    same = per_need * problem.same_region(need, provider)
    matrix = np.block(
        [
            [per_need, none, none],  # partners <= max_partners
            [per_need, -eye, none],  # c <= partners
            [same, none, -eye],  # y <= same-region partners
            [incidence(provider, p), np.zeros((p, 2 * n))],
            [
                incidence(problem.provider_country[provider], countries),
                np.zeros((countries, 2 * n)),
            ],
        ]
    )
    high = np.concatenate(
        [problem.max_partners, np.full(2 * n, np.inf), problem.capacity, problem.country_limits()]
    )
    constraints = [LinearConstraint(matrix, 0, high)]
    bounds = Bounds(
        np.concatenate([must[allowed], np.zeros(2 * n)]),
        np.concatenate([np.ones(m), problem.min_partners, np.ones(n)]),
    )
    coverage = np.concatenate([np.zeros(m), np.ones(n), np.zeros(n)])
    first = milp(-coverage, constraints=constraints, integrality=1, bounds=bounds)
    assert first.success
    covered = -first.fun
    constraints.append(LinearConstraint(coverage[None, :], covered - 1e-6, np.inf))
    bonus = np.full(n, problem.region_bonus)
    value = np.concatenate([problem.edge_score[allowed], np.zeros(n), bonus])
    second = milp(-value, constraints=constraints, integrality=1, bounds=bounds)
    assert second.success
    return covered, -second.fun


def coverage(problem: RoundProblem, result: Assignment) -> int:
    """Partners given towards the needs' minimums: what the solver maximises first."""
    return int(np.minimum(result.partners, problem.min_partners).sum())


def pairs_of(result: Assignment) -> set[tuple[int, int]]:
    return set(zip(result.need.tolist(), result.provider.tolist(), strict=True))


@pytest.mark.parametrize("seed", range(30))
def test_flow_equals_the_milp_optimum_and_every_constraint_holds(seed):
    problem = random_round(seed, scale=1000.0 if seed >= 25 else 1.0)  # large scores round too
    result = solve(problem)
    covered, best = milp_optimum(problem)
    assert result.must_failures == {}
    assert result.constraints_ok, result.violations
    assert coverage(problem, result) == round(covered)
    assert result.objective == pytest.approx(best, abs=1e-6)
    baseline = greedy(problem)
    assert baseline.constraints_ok, baseline.violations
    greedy_rank = (coverage(problem, baseline), baseline.objective - 1e-9)
    assert greedy_rank <= (coverage(problem, result), result.objective)


def round_of(pairs, scores, **rules) -> RoundProblem:
    """A hand-made round: every need in country 0, providers in countries 1, 2, ..."""
    pairs = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    n = rules.pop("n", int(pairs[:, 0].max(initial=-1)) + 1)
    p = rules.pop("p", int(pairs[:, 1].max(initial=-1)) + 1)
    return RoundProblem(
        edge_need=pairs[:, 0],
        edge_provider=pairs[:, 1],
        edge_score=np.array(scores, dtype=float),
        need_country=rules.pop("need_country", np.zeros(n, dtype=np.int64)),
        provider_country=rules.pop("provider_country", np.arange(1, p + 1)),
        capacity=rules.pop("capacity", 1),
        **rules,
    )


def test_the_famous_provider_goes_where_it_serves_a_need():
    # Need 0 prefers provider 0 but has another; need 1 has only provider 0.
    problem = round_of([(0, 0), (0, 1), (1, 0)], [0.9, 0.5, 0.6], max_partners=1)
    exact, baseline = solve(problem), greedy(problem)
    assert sorted(pairs_of(exact)) == [(0, 1), (1, 0)]
    assert exact.unserved == {}
    assert baseline.objective == pytest.approx(0.9) and exact.objective == pytest.approx(1.1)
    assert list(baseline.unserved) == [1] and baseline.unserved[1].code == "capacity"


def test_serving_a_need_outranks_any_score():
    # One provider with capacity 1: the need wanting a first partner beats a far higher score
    # for a need that already has one.
    problem = round_of([(0, 0), (0, 1), (1, 1)], [0.1, 0.99, 0.01], max_partners=2, min_partners=1)
    result = solve(problem)
    assert result.served == 2 and (1, 1) in pairs_of(result)


def test_own_country_conflicts_and_never_pairs_are_never_chosen():
    pairs, scores = [(0, 0), (0, 1), (0, 2), (0, 3)], [0.9, 0.8, 0.7, 0.1]
    rules = {"provider_country": [0, 1, 2, 3], "conflicts": [(0, 1)], "never_pairs": [(0, 2)]}
    problem = round_of(pairs, scores, **rules)
    assert solve(problem).provider.tolist() == greedy(problem).provider.tolist() == [3]


def test_country_cap_limits_exchanges_per_provider_country():
    problem = round_of(
        [(0, 0), (1, 1), (2, 2)], [0.9, 0.9, 0.1], provider_country=[1, 1, 2], country_cap=[9, 1, 9]
    )
    result = solve(problem)
    assert result.country_load.tolist() == [0, 1, 1] and result.served == 2
    reason = next(iter(result.unserved.values()))
    assert reason.code == "capacity" and "1 in countries at their cap" in reason.detail


def test_one_same_region_partner_is_preferred_within_the_bonus():
    pairs, regions = [(0, 0), (0, 1), (0, 2)], {"need_region": [0], "provider_region": [1, 0, 0]}
    close = solve(round_of(pairs, [0.5, 0.47, 0.1], max_partners=1, **regions))
    far = solve(round_of(pairs, [0.5, 0.40, 0.1], max_partners=1, **regions))
    assert close.provider.tolist() == [1] and close.region_needs == 1
    assert far.provider.tolist() == [0] and far.region_needs == 0
    # The bonus counts once: a second partner is chosen on score alone.
    two = solve(round_of(pairs, [0.5, 0.47, 0.46], max_partners=2, **regions))
    assert sorted(two.provider.tolist()) == [0, 1]
    assert two.objective == pytest.approx(0.5 + 0.47 + 0.05)


def test_unserved_needs_say_why():
    problem = round_of(
        [(1, 0), (1, 1), (2, 2), (3, 2), (4, 3)],
        [0.5, 0.5, 0.9, 0.8, 0.0],
        n=5,
        provider_country=[0, 1, 2, 3],
        conflicts=[(1, 1)],
        min_partners=[1, 1, 1, 2, 1],
    )
    result = solve(problem)
    reasons = {need: reason.code for need, reason in result.unserved.items()}
    rules, capacity = "excluded_by_rules", "capacity"
    assert reasons == {0: "no_candidates", 1: rules, 3: capacity, 4: rules}
    assert "1 from the requester's own country, 1 declared conflicts" in result.unserved[1].detail
    assert "zero scores" in result.unserved[4].detail
    assert result.constraints_ok


def test_must_pairs_are_imposed_or_explained():
    problem = round_of(
        [(0, 0), (1, 0), (2, 0), (2, 1)],
        [0.1, 0.2, 0.9, 0.3],
        n=4,
        provider_country=[1, 0],
        must_pairs=[(0, 0), (1, 0), (3, 1), (1, 0)],
    )
    result = solve(problem)
    pairs = pairs_of(result)
    assert (1, 0) in pairs and (2, 0) not in pairs  # imposed though 2 scores higher
    assert "provider 0 is full" in result.must_failures[(0, 0)]
    assert "own country" in result.must_failures[(3, 1)]
    assert result.constraints_ok
    # A must-pair outside the candidate graph is imposed at score 0.
    outside = solve(round_of([(0, 0)], [0.5], p=2, must_pairs=[(0, 1)], max_partners=1))
    assert outside.provider.tolist() == [1] and outside.objective == 0.0


def test_nothing_to_match_does_not_crash():
    empty = round_of(np.empty((0, 2)), [], n=3, p=2, capacity=0)
    result = solve(empty)
    assert len(result.need) == 0 and result.objective == 0.0
    assert {r.code for r in result.unserved.values()} == {"no_candidates"}
    full = solve(round_of([(0, 0), (1, 0)], [0.5, 0.4], capacity=0))
    assert len(full.need) == 0 and {r.code for r in full.unserved.values()} == {"capacity"}


def test_check_assignment_names_each_violation():
    problem = round_of(
        [(0, 0), (1, 0), (2, 1)], [0.5, 0.5, 0.5], provider_country=[1, 0], must_pairs=[(0, 0)]
    )
    violations = check_assignment(problem, np.array([1, 1, 2, 0]), np.array([0, 0, 1, 1]))
    assert [line.split(",")[0] for line in violations] == [
        "1 pairs chosen twice",
        "1 pairs neither candidates nor must-pairs",
        "2 providers from the requester's own country",
        "2 providers above capacity",
        "1 must-pairs left out though they fit",
    ]
    assert check_assignment(problem, np.array([0]), np.array([0])) == []


GOOD_ROUND = {
    "edge_need": [0, 0],
    "edge_provider": [0, 1],
    "edge_score": [0.5, 0.4],
    "need_country": [0],
    "provider_country": [1, 2],
    "capacity": 1,
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"edge_score": [0.5, -1.0]}, "edge_score"),
        ({"edge_provider": [0, 0]}, "candidate twice"),
        ({"min_partners": 4}, "min_partners exceeds"),
        ({"capacity": [1.5, 1]}, "whole numbers"),
        ({"must_pairs": [(5, 0)]}, "does not exist"),
    ],
)
def test_bad_rounds_are_refused_with_a_reason(change, message):
    with pytest.raises(ValueError, match=message):
        RoundProblem(**{**GOOD_ROUND, **change})


def test_top_candidates_keeps_the_best_allowed_positive_scores():
    scores = np.array([[0.1, 0.9, 0.8, 0.0], [0.0, 0.0, 0.3, 0.0]])
    allowed = np.array([[True, False, True, True], [True, True, True, True]])
    need, provider, score = top_candidates(scores, k=2, allowed=allowed)
    kept = sorted(zip(need.tolist(), provider.tolist(), score.tolist(), strict=True))
    assert kept == [(0, 0, 0.1), (0, 2, 0.8), (1, 2, 0.3)]


def test_synthetic_rounds_are_reproducible_and_pruned():
    dense = synthetic_round(40, 30, per_need=2, capacity=2, seed=3)
    again = synthetic_round(40, 30, per_need=2, capacity=2, seed=3)
    pruned = synthetic_round(40, 30, per_need=2, capacity=2, candidates=5, seed=3)
    assert len(dense.edge_need) == 40 * 30
    assert np.array_equal(dense.edge_score, again.edge_score)
    assert np.bincount(pruned.edge_need).max() <= 5
    assert not np.any(
        pruned.need_country[pruned.edge_need] == pruned.provider_country[pruned.edge_provider]
    )
    assert np.array_equal(dense.edge_score[pruned.edge_keys], pruned.edge_score)  # same pairs
