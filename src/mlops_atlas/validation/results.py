"""What a validation run found: anomalies by feature, and every drift/skew measurement."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Anomaly", "Measurement", "ValidationResult"]


@dataclass(frozen=True)
class Anomaly:
    """One reason a feature is anomalous.

    Attributes:
        feature: Feature name.
        type: TFDV anomaly type name, e.g. ``"SCHEMA_NEW_COLUMN"``.
        short_description: TFDV's short description.
        description: TFDV's long description.
    """

    feature: str
    type: str
    short_description: str
    description: str


@dataclass(frozen=True)
class Measurement:
    """A drift or skew distance measured for one feature (reported over the threshold or not).

    Attributes:
        feature: Feature name.
        comparison: ``"drift"`` (vs the previous batch) or ``"skew"`` (vs serving data).
        measure: ``"L_INFTY"`` or ``"JENSEN_SHANNON_DIVERGENCE"``.
        value: The distance.
        threshold: The schema's threshold.
        worst_value: For L-infinity, the value with the largest difference.
    """

    feature: str
    comparison: str
    measure: str
    value: float
    threshold: float
    worst_value: str = ""

    @property
    def exceeded(self) -> bool:
        """Whether the distance is above the threshold (TFDV fires on ``>``)."""
        return self.value > self.threshold


@dataclass
class ValidationResult:
    """Anomalies by feature, plus every drift/skew measurement.

    Attributes:
        anomalies: Reasons by feature name, in the order found.
        measurements: Every comparator measurement.
        data_missing: True when the batch has no rows (TFDV then checks nothing else).
    """

    anomalies: dict[str, list[Anomaly]] = field(default_factory=dict)
    measurements: list[Measurement] = field(default_factory=list)
    data_missing: bool = False

    def add(self, feature: str, type_: str, short: str, description: str) -> None:
        """Record one anomaly."""
        self.anomalies.setdefault(feature, []).append(Anomaly(feature, type_, short, description))

    @property
    def ok(self) -> bool:
        """True when nothing is anomalous and there was data."""
        return not self.anomalies and not self.data_missing

    def types(self) -> dict[str, list[str]]:
        """Anomaly type names by feature."""
        return {name: [a.type for a in reasons] for name, reasons in self.anomalies.items()}

    def table(self) -> str:
        """A readable table: feature, anomaly type, TFDV's short and long description."""
        if self.data_missing:
            return "no data: the batch has no rows (data_missing)"
        if not self.anomalies:
            return "no anomalies"
        rows = [("feature", "anomaly", "short description", "description")]
        rows += [
            (a.feature, a.type, a.short_description, a.description.strip())
            for reasons in self.anomalies.values()
            for a in reasons
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        return "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
            + "  "
            + row[3]
            for row in rows
        )

    def measurement_table(self) -> str:
        """Every drift/skew measurement: feature, comparison, measure, value, threshold."""
        rows = [("feature", "comparison", "measure", "value", "threshold", "")]
        rows += [
            (
                m.feature,
                m.comparison,
                m.measure,
                f"{m.value:.4f}",
                f"{m.threshold:.4f}",
                "ABOVE" if m.exceeded else "ok",
            )
            for m in self.measurements
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(6)]
        return "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows
        )
