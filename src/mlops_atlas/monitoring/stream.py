"""Run the three monitors side by side over streams that shift (Huyen 2022, ch. 8).

One model is trained in the world before any shift. Then, for each kind of
shift (and for no shift, the control), a stream of batches arrives: the first
batches come from the old world, the rest from the shifted one. On every batch
each monitor reads what it can: the inputs, the model's scores, and the labels
of the batch served ``delay`` batches ago, which only now arrive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mlops_atlas.monitoring.monitors import (
    PERFORMANCE_TOLERANCE,
    Reading,
    calibrate_thresholds,
    column_drift,
    input_drift,
    performance_drop,
    prediction_drift,
)
from mlops_atlas.monitoring.shifts import CHANNELS, FEATURES, LABEL, SHIFTS, sample_conversions
from mlops_atlas.validation import compute_statistics

__all__ = ["MONITORS", "MonitoringResult", "features_matrix", "simulate_monitoring"]

MONITORS = ("input drift", "prediction drift", "delayed labels")
"""The monitors, in the order of the table's columns."""


def features_matrix(frame: pd.DataFrame) -> np.ndarray:
    """The model's inputs: the two numbers and a one-hot encoding of the channel (first dropped)."""
    one_hot = (frame["channel"].to_numpy()[:, None] == np.asarray(CHANNELS)).astype(float)
    return np.column_stack([frame[["income", "engagement"]].to_numpy(float), one_hot[:, 1:]])


@dataclass(frozen=True)
class MonitoringResult:
    """What each monitor read on each batch of each stream.

    Attributes:
        readings: ``readings[shift][monitor]`` is the list of readings, one per batch.
        accuracy: ``accuracy[shift]`` is the model's true accuracy on each batch
            (known to the simulation, not to the monitors in time).
        reference_accuracy: The model's accuracy on held-out data before any shift.
        shift_at: Index of the first shifted batch.
        delay: How many batches late the labels arrive.
        thresholds: The alarm levels calibrated on quiet batches: one per input
            column, and ``"score"`` for the prediction-drift monitor.
    """

    readings: dict[str, dict[str, list[Reading]]]
    accuracy: dict[str, list[float]]
    reference_accuracy: float
    shift_at: int
    delay: int
    thresholds: dict[str, float]

    def detection(self, shift: str, monitor: str) -> int | None:
        """Batches from the start of the shift to the monitor's first alarm (1 = at once).

        ``None`` if the monitor never fired after the shift began.
        """
        alarms = [reading.alarm for reading in self.readings[shift][monitor]]
        return next(
            (
                index - self.shift_at + 1
                for index in range(self.shift_at, len(alarms))
                if alarms[index]
            ),
            None,
        )

    def false_alarms(self, shift: str, monitor: str) -> int:
        """Alarms the monitor raised before the shift began."""
        return sum(reading.alarm for reading in self.readings[shift][monitor][: self.shift_at])

    def trace(self, shift: str) -> str:
        """Batch by batch on one stream: true accuracy and each monitor's reading / alarm level."""
        names = [f"labels of t-{self.delay}" if m == "delayed labels" else m for m in MONITORS]
        header = f"{'batch':>5}{'shifted':>9}{'accuracy':>10}" + "".join(
            f"{name:>18}" for name in names
        )
        lines = [header]
        for index, accuracy in enumerate(self.accuracy[shift]):
            cells = []
            for monitor in MONITORS:
                reading = self.readings[shift][monitor][index]
                if reading.value is None:
                    cells.append("no labels yet")
                else:
                    ratio = max(reading.value / reading.threshold, 0.0)  # accuracy may rise
                    cells.append(f"{ratio:5.1f}x{' ALARM' if reading.alarm else '      '}")
            shifted = "yes" if index >= self.shift_at else ""
            lines.append(
                f"{index:>5}{shifted:>9}{accuracy:>10.3f}" + "".join(f"{c:>18}" for c in cells)
            )
        return "\n".join(lines)

    def table(self) -> str:
        """Which monitor caught which shift, and on which batch after it began.

        ``batch 1`` is the first shifted batch; ``missed`` means no alarm after
        the shift began; on the stream with no shift, ``quiet`` means no alarm at all.
        A monitor that fired before the shift began shows its false alarms.
        """
        header = f"{'shift':<12}" + "".join(f"{name:>18}" for name in MONITORS)
        lines = [header, "-" * len(header)]
        for shift in self.readings:
            cells = []
            for monitor in MONITORS:
                found = self.detection(shift, monitor)
                if shift == "none":
                    cell = "quiet" if found is None else f"false alarm {found}"
                else:
                    cell = "missed" if found is None else f"batch {found}"
                if self.false_alarms(shift, monitor):
                    cell += f" (+{self.false_alarms(shift, monitor)} false)"
                cells.append(cell)
            lines.append(f"{shift:<12}" + "".join(f"{cell:>18}" for cell in cells))
        return "\n".join(lines)


def simulate_monitoring(
    *,
    seed: int = 0,
    train_rows: int = 5_000,
    batches: int = 12,
    batch_size: int = 2_000,
    shift_at: int = 4,
    delay: int = 3,
    quiet_batches: int = 20,
    tolerance: float = PERFORMANCE_TOLERANCE,
) -> MonitoringResult:
    """Train once, calibrate the drift monitors, then stream batches under each shift.

    The input- and prediction-drift monitors get their alarm levels from
    ``quiet_batches`` batches of held-out data from the unshifted world (see
    [`calibrate_thresholds`][mlops_atlas.monitoring.calibrate_thresholds]); the
    delayed-label monitor fires when accuracy falls by more than ``tolerance``.

    Args:
        seed: Seed of the random generator.
        train_rows: Rows to train on (and as many held out as the reference).
        batches: Batches per stream.
        batch_size: Rows per batch.
        shift_at: Index of the first batch drawn from the shifted world.
        delay: Batches between serving a prediction and receiving its label.
        quiet_batches: Unshifted batches the drift monitors are calibrated on.
        tolerance: Accuracy loss that raises the delayed-label alarm.

    Returns:
        Every reading, the true accuracy per batch, and the settings.
    """
    from sklearn.linear_model import LogisticRegression  # slow import: only when simulating

    rng = np.random.default_rng(seed)
    train = sample_conversions(train_rows, rng)
    held_out = sample_conversions(train_rows, rng)
    model = LogisticRegression().fit(features_matrix(train), train[LABEL])
    reference_stats = compute_statistics(train[list(FEATURES)])
    reference_scores = model.predict_proba(features_matrix(held_out))[:, 1]
    reference_accuracy = float(np.mean(model.predict(features_matrix(held_out)) == held_out[LABEL]))
    quiet = [sample_conversions(batch_size, rng) for _ in range(quiet_batches)]
    thresholds = calibrate_thresholds(
        {
            **column_drift(reference_stats, batch[list(FEATURES)]),
            "score": prediction_drift(
                reference_scores, model.predict_proba(features_matrix(batch))[:, 1]
            ).value
            or 0.0,
        }
        for batch in quiet
    )
    score_threshold = thresholds["score"]
    column_thresholds = {name: thresholds[name] for name in FEATURES}

    readings: dict[str, dict[str, list[Reading]]] = {}
    accuracy: dict[str, list[float]] = {}
    for shift in SHIFTS:
        served: list[tuple[np.ndarray, np.ndarray]] = []  # (labels, predictions) per batch
        record: dict[str, list[Reading]] = {monitor: [] for monitor in MONITORS}
        for index in range(batches):
            batch = sample_conversions(
                batch_size, rng, shift=shift if index >= shift_at else "none"
            )
            inputs = features_matrix(batch)
            scores = model.predict_proba(inputs)[:, 1]
            predictions = (scores >= 0.5).astype(int)
            served.append((batch[LABEL].to_numpy(), predictions))
            record["input drift"].append(
                input_drift(reference_stats, batch[list(FEATURES)], column_thresholds)
            )
            record["prediction drift"].append(
                prediction_drift(reference_scores, scores, threshold=score_threshold)
            )
            arrived = index - delay
            labels, served_predictions = served[arrived] if arrived >= 0 else (None, None)
            record["delayed labels"].append(
                performance_drop(
                    reference_accuracy,
                    labels,
                    served_predictions,
                    tolerance=tolerance,
                    where=f"batch {arrived}",
                )
            )
        readings[shift] = record
        accuracy[shift] = [float(np.mean(labels == preds)) for labels, preds in served]
    return MonitoringResult(
        readings=readings,
        accuracy=accuracy,
        reference_accuracy=reference_accuracy,
        shift_at=shift_at,
        delay=delay,
        thresholds=thresholds,
    )
