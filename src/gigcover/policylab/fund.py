"""The occupational-injury fund (职业伤害保障基金): expected claims, the per-order premium that balances it, and
the probability of a deficit, by Monte Carlo over accident rates with their uncertainty.

The premiums come from the rules (`occupational_injury_monthly_levy`, every payer's share) times take-up; the
claims from the prior below. No claim rate or case cost is published (platform-workers.md §2.6, §4 item 5), so the
prior is an ASSUMPTION built on the only figures there are:

- claim rate: about 20 confirmed claims per 1,000 FTE-years — derived in platform-workers.md §2.6 from 32,000
  confirmed cases by 2023-09 over about 15 months and 6.68 M cumulative enrolees (MOHRSS Q3-2023 press conference),
  weighted by Meituan's intensity split (11 % > 260 days ≈ 1 FTE, the rest ≈ 0.15 FTE). "Order-of-magnitude only":
  the rate is drawn log-normally around 20 ‰ with log-sd 0.6 (a 95 % interval of about ×0.3 to ×3.3);
- cost of a case: the average paid case to 2023-09, 490 M yuan ÷ 32,000 ≈ 15,300 yuan (§1.8), a lower bound
  (long-term benefits are paid over years), drawn log-normally around it with log-sd 0.3;
- exposure: order-taking days ÷ 300 per worker (at most one FTE-year), or one FTE-year when the population gives
  no days.

One replication draws a rate and a case cost common to the whole fund (the uncertainty that does not average out)
and a Poisson number of claims per group; a deficit is claims cost > premium income. All replications and groups
are one array operation, so 1,000 replications take milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CLAIMS_PER_FTE_YEAR = 0.020
"""Confirmed claims per FTE-year (platform-workers.md §2.6, derived, order of magnitude: ASSUMPTION)."""
CLAIM_RATE_LOG_SD = 0.6
"""Log-sd of the claim rate (ASSUMPTION: 'order-of-magnitude only')."""
COST_PER_CLAIM = 15_300.0
"""Average paid case, yuan (platform-workers.md §1.8: 490 M ÷ 32,000; a lower bound)."""
COST_LOG_SD = 0.3
"""Log-sd of the average case cost (ASSUMPTION)."""


@dataclass(frozen=True)
class FundPrior:
    claims_per_fte_year: float = CLAIMS_PER_FTE_YEAR
    claim_rate_log_sd: float = CLAIM_RATE_LOG_SD
    cost_per_claim: float = COST_PER_CLAIM
    cost_log_sd: float = COST_LOG_SD

    def expected_cost_per_fte_year(self) -> float:
        """E[rate] × E[cost per case] (the draws' medians are the central figures; a log-normal's mean is
        median × exp(sd² / 2))."""
        rate = self.claims_per_fte_year * np.exp(self.claim_rate_log_sd**2 / 2)
        cost = self.cost_per_claim * np.exp(self.cost_log_sd**2 / 2)
        return float(rate * cost)


@dataclass(frozen=True)
class FundResult:
    """Per group: expected claims a year, the balancing premium per order, the probability of a deficit."""

    expected_claims: np.ndarray
    expected_cost: np.ndarray
    premium_income: np.ndarray
    covered_orders: np.ndarray
    break_even_per_order: np.ndarray
    deficit_probability: np.ndarray


def simulate_fund(
    exposure: np.ndarray,
    premium_income: np.ndarray,
    covered_orders: np.ndarray,
    *,
    replications: int = 1000,
    seed: int = 2026,
    prior: FundPrior | None = None,
) -> FundResult:
    """Monte Carlo for G groups at once: `exposure` (FTE-years in the fund), `premium_income` (yuan a year) and
    `covered_orders` (orders a year) are arrays of length G. The same seed gives the same draws for every
    scenario (common random numbers), so differences between scenarios are not noise."""
    if replications < 1:
        raise ValueError("replications must be at least 1")
    prior = prior or FundPrior()
    exposure = np.asarray(exposure, dtype=float)
    rng = np.random.default_rng(seed)
    rate = prior.claims_per_fte_year * np.exp(prior.claim_rate_log_sd * rng.standard_normal(replications))
    case = prior.cost_per_claim * np.exp(prior.cost_log_sd * rng.standard_normal(replications))
    claims = rng.poisson(np.outer(np.maximum(exposure, 0.0), rate))  # groups × replications
    cost = claims * case
    premium = np.asarray(premium_income, dtype=float)
    orders = np.asarray(covered_orders, dtype=float)
    mean_cost = cost.mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        break_even = np.where(orders > 0, mean_cost / orders, np.nan)
    in_fund = exposure > 0
    deficit = np.where(in_fund, (cost > premium[:, None]).mean(axis=1), np.nan)
    return FundResult(
        expected_claims=claims.mean(axis=1),
        expected_cost=mean_cost,
        premium_income=premium,
        covered_orders=orders,
        break_even_per_order=break_even,
        deficit_probability=deficit,
    )
