"""One prediction task and its three textbook shifts (Huyen 2022, ch. 8).

Write the joint distribution of inputs ``X`` and label ``Y`` two ways,
``P(X, Y) = P(Y | X) P(X) = P(X | Y) P(Y)``; each classic shift changes one
factor and keeps another:

- **covariate shift**: ``P(X)`` changes, ``P(Y | X)`` stays;
- **label (prior) shift**: ``P(Y)`` changes, ``P(X | Y)`` stays;
- **concept drift**: ``P(Y | X)`` changes, ``P(X)`` stays (the same inputs now lead
  to other outcomes).

The task is the book's own covariate-shift story: will a free user convert to
a paid plan? Each class draws ``income`` and ``engagement`` from a Gaussian and
``channel`` from a categorical distribution, independently given the class, so
the true ``P(Y | X)`` is a logistic function that a logistic regression can
learn exactly. That makes the shifts clean: whatever a monitor sees comes from
the shift, not from a model that was wrong to begin with.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlops_atlas.errors import AtlasError

__all__ = [
    "CHANNELS",
    "FEATURES",
    "LABEL",
    "SHIFTS",
    "ShiftError",
    "conversion_probability",
    "sample_conversions",
]

SHIFTS = ("none", "covariate", "label", "concept")
"""The shifts `sample_conversions` can apply."""

FEATURES = ("income", "engagement", "channel")
"""Input columns."""

LABEL = "converted"
"""Label column: 1 if the user converts."""

CHANNELS = ("ads", "organic", "referral")
"""Values of the ``channel`` column."""

PRIOR = 0.3
"""Share of users who convert before any shift."""

SHIFTED_PRIOR = 0.7
"""Share of users who convert under label shift (a seasonal sale, say)."""

CAMPAIGN_MOVE = 1.0
"""Under covariate shift, incomes rise and engagement falls by this much."""

_MEAN = {  # class-conditional means of (income, engagement); unit variances
    0: np.array([0.0, 0.0]),
    1: np.array([1.5, 1.5]),
}
_CHANNEL_GIVEN_CLASS = {  # P(channel | class), in the order of CHANNELS
    0: np.array([0.4, 0.4, 0.2]),
    1: np.array([0.25, 0.25, 0.5]),  # referrals convert; ads and organic alike
}
_CAMPAIGN_SHARE = 0.5  # under covariate shift, half of the organic users arrive through ads


class ShiftError(AtlasError, ValueError):
    """An unknown shift was asked for; the message lists the known ones."""


def conversion_probability(frame: pd.DataFrame, *, drifted: bool = False) -> np.ndarray:
    """True ``P(converted = 1 | income, engagement, channel)`` for each row.

    Before any shift this is the posterior of the class-conditional model with
    the base prior. Under concept drift (``drifted=True``) engagement stops
    meaning what it meant: its effect is reversed around the population's mean,
    so a highly engaged user is now *less* likely to convert.

    Args:
        frame: Rows with the columns of `FEATURES`.
        drifted: Use the drifted concept instead of the original one.

    Returns:
        Probabilities in (0, 1), one per row.

    Examples:
        The campaign of the covariate shift moves a user along the boundary: their
        chance of converting does not change.

        >>> user = pd.DataFrame({"income": [0.5], "engagement": [1.0], "channel": ["organic"]})
        >>> moved = user.assign(income=1.5, engagement=0.0, channel="ads")
        >>> bool(np.isclose(conversion_probability(user), conversion_probability(moved))[0])
        True
    """
    features = frame[["income", "engagement"]].to_numpy(dtype=float)
    if drifted:
        engagement_mean = PRIOR * _MEAN[1][1] + (1 - PRIOR) * _MEAN[0][1]
        features = features.copy()
        features[:, 1] = 2 * engagement_mean - features[:, 1]
    channel = _channel_index(frame["channel"])
    logit = np.log(PRIOR / (1 - PRIOR))
    logit = logit + features @ (_MEAN[1] - _MEAN[0])
    logit = logit - (_MEAN[1] @ _MEAN[1] - _MEAN[0] @ _MEAN[0]) / 2
    logit = logit + np.log(_CHANNEL_GIVEN_CLASS[1] / _CHANNEL_GIVEN_CLASS[0])[channel]
    return 1 / (1 + np.exp(-logit))


def _channel_index(channel: pd.Series) -> np.ndarray:
    index = channel.map({name: position for position, name in enumerate(CHANNELS)})
    if index.isna().any():
        unknown = sorted(set(channel[index.isna()].astype(str)))
        raise ShiftError(f"column 'channel': unknown value(s) {unknown}; known: {list(CHANNELS)}")
    return index.to_numpy(dtype=int)


def _from_classes(labels: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    means = np.where(labels[:, None] == 1, _MEAN[1], _MEAN[0])
    numeric = means + rng.standard_normal((len(labels), 2))
    uniform = rng.random(len(labels))
    cumulative = np.where(
        labels[:, None] == 1,
        np.cumsum(_CHANNEL_GIVEN_CLASS[1]),
        np.cumsum(_CHANNEL_GIVEN_CLASS[0]),
    )
    channel = np.asarray(CHANNELS)[(uniform[:, None] > cumulative).sum(axis=1)]
    return pd.DataFrame(
        {"income": numeric[:, 0], "engagement": numeric[:, 1], "channel": channel, LABEL: labels}
    )


def sample_conversions(rows: int, rng: np.random.Generator, *, shift: str = "none") -> pd.DataFrame:
    """Draw users and whether they convert, with or without one of the shifts.

    - ``"none"``: the world the model was trained in.
    - ``"covariate"``: a campaign brings richer, less engaged users through ads:
      incomes rise and engagement falls by `CAMPAIGN_MOVE`, and half of the
      organic users arrive through ads instead; each user then converts with the
      *same* probability as before, given their features. (The move runs along the
      boundary between the classes, so the model's scores do not change: see
      `conversion_probability`.)
    - ``"label"``: the share of converters rises from `PRIOR` to
      `SHIFTED_PRIOR`; converters and non-converters look as before.
    - ``"concept"``: the same users as before, but the chance of converting given
      their features changes (`conversion_probability` with ``drifted=True``).

    Args:
        rows: How many users.
        rng: The random generator (the caller seeds it).
        shift: One of `SHIFTS`.

    Returns:
        A frame with the columns of `FEATURES` and `LABEL`.

    Raises:
        ShiftError: ``shift`` is not one of `SHIFTS`.

    Examples:
        >>> frame = sample_conversions(20_000, np.random.default_rng(0), shift="label")
        >>> round(float(frame["converted"].mean()), 2)
        0.7
    """
    if shift not in SHIFTS:
        raise ShiftError(f"unknown shift {shift!r}; choose one of {', '.join(SHIFTS)}")
    prior = SHIFTED_PRIOR if shift == "label" else PRIOR
    frame = _from_classes((rng.random(rows) < prior).astype(int), rng)
    if shift == "covariate":
        frame["income"] += CAMPAIGN_MOVE
        frame["engagement"] -= CAMPAIGN_MOVE
        moved = (frame["channel"] == "organic") & (rng.random(rows) < _CAMPAIGN_SHARE)
        frame.loc[moved, "channel"] = "ads"
    if shift in ("covariate", "concept"):  # labels from P(Y | X): old concept or new
        probability = conversion_probability(frame, drifted=shift == "concept")
        frame[LABEL] = (rng.random(rows) < probability).astype(int)
    return frame
