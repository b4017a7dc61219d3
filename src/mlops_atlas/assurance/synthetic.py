"""A seeded world of machines whose failures follow known rules, for planting data problems.

`MachineWorld` draws machines (temperature, vibration, load, site, a gauge
reading) and whether each fails. Because the rules are known, so is every row's
true label: an example can plant a problem (a missing range, a rare site, noisy
labels, a brittle feature), watch a check find it, fix it and check again.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["SITES", "MachineWorld", "drop_range", "thin_slice"]

SITES = ("alpha", "beta", "gamma", "delta")
"""The plants the machines run in."""

_SITE_RISK = {"alpha": 0.0, "beta": 0.2, "gamma": -0.2, "delta": 0.6}


class MachineWorld:
    """Machines and their failures, drawn from fixed rules.

    A machine fails more often when hot, vibrating or loaded, and more often in
    the ``delta`` plant. ``gauge`` reads about 0 on a sound bearing and 0.3 on a
    failing one (the cause of most failures, not all), except for occasional calibration spikes (20 to 100): lab
    instruments record that small offset, while noise of the size of the gauge's
    own spread (set by the spikes) wipes it out, which makes it a brittle feature.

    Args:
        seed: Seed of every draw.
        site_shares: Share of each site in `SITES` order.
    """

    def __init__(self, seed: int = 0, site_shares: tuple[float, ...] = (0.25, 0.25, 0.25, 0.25)):
        self.rng = np.random.default_rng(seed)
        self.site_shares = np.asarray(site_shares, dtype=float) / np.sum(site_shares)

    def sample(
        self,
        rows: int,
        *,
        temperature: tuple[float, float] | None = None,
        site: str | None = None,
        label_noise: float = 0.0,
    ) -> pd.DataFrame:
        """Draw machines; ``failure`` is the recorded label, ``true_failure`` the truth.

        Args:
            rows: How many machines.
            temperature: Keep only machines whose temperature is in this range.
            site: Draw only machines of this site.
            label_noise: Share of recorded labels flipped (a labelling error).

        Returns:
            Columns temperature, vibration, load, site, gauge, failure, true_failure.
        """
        parts, have = [], 0
        while have < rows:
            batch = self._draw(max(2 * (rows - have), 64), site)
            if temperature is not None:
                low, high = temperature
                batch = batch[batch["temperature"].between(low, high)]
            parts.append(batch)
            have += len(batch)
        frame = pd.concat(parts, ignore_index=True).head(rows).copy()
        flip = self.rng.random(rows) < label_noise
        frame["failure"] = np.where(flip, 1 - frame["true_failure"], frame["true_failure"])
        columns = ["temperature", "vibration", "load", "site", "gauge", "failure", "true_failure"]
        return frame[columns]

    def _draw(self, rows: int, site: str | None) -> pd.DataFrame:
        rng = self.rng
        temperature = rng.normal(62.0, 12.0, rows)
        vibration = np.clip(rng.normal(6.0, 2.0, rows), 0.5, None)
        load = rng.uniform(20.0, 100.0, rows)
        sites = np.full(rows, site) if site else rng.choice(SITES, rows, p=self.site_shares)
        risk = np.array([_SITE_RISK[name] for name in sites])
        score = (temperature - 68.0) / 10.0 + (vibration - 6.5) / 2.0 + (load - 60.0) / 50.0 + risk
        truth = (rng.random(rows) < 1.0 / (1.0 + np.exp(-10.0 * score))).astype(int)
        # a 0.3 offset on failing bearings; now and then a calibration spike in the hundreds
        spike = rng.random(rows) < 0.03
        bearing = truth * (rng.random(rows) < 0.7)  # most failures, not all, come from a bearing
        gauge = np.where(
            spike, rng.uniform(20.0, 100.0, rows), 0.3 * bearing + rng.normal(0.0, 0.02, rows)
        )
        return pd.DataFrame(
            {
                "temperature": temperature.round(1),
                "vibration": vibration.round(2),
                "load": load.round(1),
                "site": sites,
                "gauge": gauge.round(2),
                "true_failure": truth,
            }
        )


def drop_range(frame: pd.DataFrame, column: str, above: float) -> pd.DataFrame:
    """The rows whose ``column`` is at most ``above`` (a range never collected)."""
    return frame[frame[column] <= above].reset_index(drop=True)


def thin_slice(
    frame: pd.DataFrame, column: str, level: str, keep: float, seed: int = 0
) -> pd.DataFrame:
    """Keep only a share ``keep`` of the rows where ``column == level`` (an under-sampled group)."""
    rng = np.random.default_rng(seed)
    mask = (frame[column] == level).to_numpy()
    drop = mask & (rng.random(len(frame)) > keep)
    return frame[~drop].reset_index(drop=True)
