"""Keeping a model fresh on a drifting stream: four retraining policies (Huyen 2022, ch. 9).

The world drifts a little every batch: the users move (``P(X)`` changes) and
the boundary between converters and the rest turns (``P(Y | X)`` changes). Each
batch is first scored by the model in service, then its labels arrive and the
policy may update the model (a "test, then train" stream). Four policies:

- ``never``: train once, never again.
- ``scheduled``: *stateless retraining*: every ``every`` batches, train a new model
  from scratch on the last ``window`` batches.
- ``stateful``: *stateful training*: after every batch, continue training the model
  in service on that batch alone (``partial_fit``: one pass over the fresh rows).
- ``triggered``: retrain from scratch, as ``scheduled`` does, but only when the
  input-drift monitor of `mlops_atlas.monitoring` fires on a batch (at its
  default alarm levels, against the data the model in service was trained on).

Compute is counted as *rows processed*: rows times passes over them. A model
trained from scratch makes `EPOCHS` passes over its window; a stateful
update makes one pass over one batch. Fit time is measured too, for the page;
on a shared machine it varies from run to run, so nothing depends on it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mlops_atlas.monitoring import input_drift
from mlops_atlas.validation import compute_statistics

__all__ = [
    "EPOCHS",
    "POLICIES",
    "ContinualResult",
    "PolicyRun",
    "drifting_batch",
    "simulate_continual_learning",
]

POLICIES = ("never", "scheduled", "stateful", "triggered")
"""The retraining policies compared, in order."""

EPOCHS = 20
"""Passes over the window when a model is trained from scratch."""


def drifting_batch(step: int, rows: int, rng: np.random.Generator, *, turn: float) -> pd.DataFrame:
    """Users at time ``step``: inputs and concept both turned by ``turn * step`` radians.

    Inputs are two Gaussian features centred on a point that circles the origin;
    a user converts when their features point, with some noise, in the direction
    the world favours at that time.

    Args:
        step: The batch's index in time (0 = when the first model is trained).
        rows: Users in the batch.
        rng: The random generator.
        turn: Radians the world turns per step.

    Returns:
        A frame with columns ``x1``, ``x2`` and ``converted``.
    """
    angle = turn * step
    direction = np.array([np.cos(angle), np.sin(angle)])
    centre = 1.5 * np.array([np.cos(angle + np.pi / 2), np.sin(angle + np.pi / 2)])
    features = centre + rng.standard_normal((rows, 2)) * 1.2
    logit = 3.0 * (features @ direction) + rng.logistic(size=rows) * 0.5
    return pd.DataFrame({"x1": features[:, 0], "x2": features[:, 1], "converted": logit > 0})


@dataclass
class PolicyRun:
    """One policy's record over the stream.

    Attributes:
        name: The policy.
        accuracy: Accuracy of the model in service on each batch, before learning from it.
        rows_processed: Cumulative rows processed by training after each batch
            (the initial training included).
        fit_seconds: Total wall-clock time spent fitting.
        retrained_at: Batches after which a model was trained from scratch.
    """

    name: str
    accuracy: list[float] = field(default_factory=list)
    rows_processed: list[int] = field(default_factory=list)
    fit_seconds: float = 0.0
    retrained_at: list[int] = field(default_factory=list)

    @property
    def mean_accuracy(self) -> float:
        """Mean accuracy over the stream."""
        return float(np.mean(self.accuracy))

    @property
    def total_rows(self) -> int:
        """Rows processed by training in all."""
        return self.rows_processed[-1]


@dataclass(frozen=True)
class ContinualResult:
    """The four policies on the same stream.

    Attributes:
        runs: One `PolicyRun` per policy, by name.
        batches: Batches in the stream.
        batch_size: Rows per batch.
    """

    runs: dict[str, PolicyRun]
    batches: int
    batch_size: int

    def table(self) -> str:
        """Mean and final accuracy, retrains and compute of each policy."""
        header = (
            f"{'policy':<11}{'mean acc.':>10}{'last 5':>8}{'retrains':>10}"
            f"{'rows processed':>16}{'fit time':>10}"
        )
        lines = [header, "-" * len(header)]
        for run in self.runs.values():
            lines.append(
                f"{run.name:<11}{run.mean_accuracy:>10.3f}{np.mean(run.accuracy[-5:]):>8.3f}"
                f"{len(run.retrained_at):>10}{run.total_rows:>16,}{run.fit_seconds:>9.2f}s"
            )
        return "\n".join(lines)


def _fresh_model(seed: int):
    from sklearn.linear_model import SGDClassifier

    return SGDClassifier(
        loss="log_loss",
        learning_rate="constant",
        eta0=0.05,
        max_iter=EPOCHS,
        tol=None,  # always EPOCHS passes: compute is what the policy chose, not luck
        random_state=seed,
    )


def _xy(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return frame[["x1", "x2"]].to_numpy(), frame["converted"].to_numpy().astype(int)


def simulate_continual_learning(
    *,
    seed: int = 0,
    batches: int = 30,
    batch_size: int = 500,
    turn: float = 0.06,
    every: int = 5,
    window: int = 3,
) -> ContinualResult:
    """Run the four policies on one drifting stream (the same batches for all).

    Args:
        seed: Seed of the random generator (and of the models).
        batches: Batches in the stream after the initial training.
        batch_size: Rows per batch.
        turn: Radians the world turns per batch.
        every: Batches between two scheduled retrains.
        window: Batches a model trained from scratch learns from (the latest ones).

    Returns:
        Accuracy over time, retrains and compute for each policy.
    """
    rng = np.random.default_rng(seed)
    initial = [drifting_batch(0, batch_size, rng, turn=turn) for _ in range(window)]
    stream = [drifting_batch(step, batch_size, rng, turn=turn) for step in range(1, batches + 1)]

    runs: dict[str, PolicyRun] = {}
    for policy in POLICIES:
        run = PolicyRun(policy)
        history = list(initial)
        model, rows, seconds = _train_from_scratch(history[-window:], seed)
        reference = compute_statistics(pd.concat(history[-window:])[["x1", "x2"]])
        run.fit_seconds += seconds
        total = rows
        for index, batch in enumerate(stream):
            inputs, labels = _xy(batch)
            run.accuracy.append(float(np.mean(model.predict(inputs) == labels)))
            history.append(batch)  # its labels have arrived
            retrain = (policy == "scheduled" and (index + 1) % every == 0) or (
                policy == "triggered" and input_drift(reference, batch[["x1", "x2"]]).alarm
            )
            if retrain:
                model, rows, seconds = _train_from_scratch(history[-window:], seed)
                reference = compute_statistics(pd.concat(history[-window:])[["x1", "x2"]])
                run.retrained_at.append(index)
            elif policy == "stateful":
                start = time.perf_counter()
                model.partial_fit(inputs, labels)
                rows, seconds = len(labels), time.perf_counter() - start
            else:
                rows, seconds = 0, 0.0
            total += rows
            run.fit_seconds += seconds
            run.rows_processed.append(total)
        runs[policy] = run
    return ContinualResult(runs=runs, batches=batches, batch_size=batch_size)


def _train_from_scratch(frames: list[pd.DataFrame], seed: int):
    inputs, labels = _xy(pd.concat(frames))
    model = _fresh_model(seed)
    start = time.perf_counter()
    model.fit(inputs, labels)
    return model, len(labels) * EPOCHS, time.perf_counter() - start
