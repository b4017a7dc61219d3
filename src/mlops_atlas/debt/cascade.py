"""Correction cascades (Sculley et al. 2015, §2): improving the upstream model hurts the system.

§2 describes learning a model for a slightly different problem as a small
correction on top of an existing model's output. The correction depends on
the upstream model's errors, so improving the upstream model on its own
objective can make the corrected system worse: a cascade of dependencies
that makes every improvement costly.

Here model A predicts a smooth signal, under-fitting it (a straight line);
problem A' is the same signal plus a shift in one region, and a team learns
correction C on A's residuals. Then A is improved (a better fit of its own
target) and redeployed while C is left as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CascadeResult", "simulate_cascade"]


def _target_a(x: np.ndarray) -> np.ndarray:
    return np.sin(x)


def _target_a_prime(x: np.ndarray) -> np.ndarray:
    return np.sin(x) + 0.5 * (x > 0)  # the same signal, shifted in one region


@dataclass(frozen=True)
class CascadeResult:
    """Errors of the upstream model and of the corrected system, before and after A improves.

    Attributes:
        a_error_old: Mean squared error of the old A on its own target.
        a_error_new: Mean squared error of the improved A on its own target.
        system_error_old: Error of old A + correction on problem A'.
        system_error_new: Error of improved A + the same correction on A'.
        system_error_retrained: Error of improved A + a correction re-learned on it.
    """

    a_error_old: float
    a_error_new: float
    system_error_old: float
    system_error_new: float
    system_error_retrained: float

    def table(self) -> str:
        """The five errors as a fixed-width text table."""
        rows = [
            ("model A alone, on its own target (old A)", self.a_error_old),
            ("model A alone, on its own target (improved A)", self.a_error_new),
            ("A + correction, on problem A' (old A)", self.system_error_old),
            ("A + correction, on problem A' (improved A)", self.system_error_new),
            ("A + re-learned correction (improved A)", self.system_error_retrained),
        ]
        return "\n".join(f"{label:<48}{value:>9.5f}" for label, value in rows)


def simulate_cascade(*, seed: int = 0, n: int = 4_000, noise: float = 0.1) -> CascadeResult:
    """Fit A, learn the correction for A', improve A, and measure both problems.

    Args:
        seed: Seed of the random generator.
        n: Examples for each fit and for evaluation.
        noise: Standard deviation of the observation noise.

    Returns:
        The errors before and after A improves, and after the correction is re-learned.

    Examples:
        >>> result = simulate_cascade(seed=0, n=2_000)
        >>> result.a_error_new < result.a_error_old and result.system_error_new > result.system_error_old
        True
    """
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures
    from sklearn.tree import DecisionTreeRegressor

    rng = np.random.default_rng(seed)

    def draw() -> np.ndarray:
        return rng.uniform(-3, 3, size=(n, 1))

    x_a, x_c, x_test = draw(), draw(), draw()
    y_a = _target_a(x_a[:, 0]) + noise * rng.standard_normal(n)
    y_c = _target_a_prime(x_c[:, 0]) + noise * rng.standard_normal(n)

    old_a = LinearRegression().fit(x_a, y_a)
    new_a = make_pipeline(PolynomialFeatures(5), LinearRegression()).fit(x_a, y_a)

    def correction_for(model) -> DecisionTreeRegressor:
        return DecisionTreeRegressor(max_depth=5, random_state=seed).fit(
            x_c, y_c - model.predict(x_c)
        )

    correction = correction_for(old_a)  # learned once, on the old A's residuals
    truth_a, truth_a_prime = _target_a(x_test[:, 0]), _target_a_prime(x_test[:, 0])

    def mse(prediction: np.ndarray, truth: np.ndarray) -> float:
        return float(np.mean((prediction - truth) ** 2))

    return CascadeResult(
        a_error_old=mse(old_a.predict(x_test), truth_a),
        a_error_new=mse(new_a.predict(x_test), truth_a),
        system_error_old=mse(old_a.predict(x_test) + correction.predict(x_test), truth_a_prime),
        system_error_new=mse(new_a.predict(x_test) + correction.predict(x_test), truth_a_prime),
        system_error_retrained=mse(
            new_a.predict(x_test) + correction_for(new_a).predict(x_test), truth_a_prime
        ),
    )
