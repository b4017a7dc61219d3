"""The log-linear value sketch behind the mergeable numeric statistics.

A finite value's *key* is its float64 bit pattern without the lowest
``52 - SKETCH_MANTISSA_BITS`` mantissa bits (sign folded so that keys sort as values
do). Counting keys is a histogram with 1,024 cells per power of two whose cells are
at most 2**-10 (0.098 %) of their values wide; counts add exactly, so two sketches
merge by adding counts, and converting exact values to keys is the same whether done
per chunk or on the whole (``to_sketch(a + b) == to_sketch(a) + to_sketch(b)``).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "EXACT_DISTINCT_LIMIT",
    "SKETCH_MANTISSA_BITS",
    "count_keys",
    "merge_keys",
    "sketch_keys",
    "sketch_values",
    "to_sketch",
]

SKETCH_MANTISSA_BITS = 10
"""Mantissa bits a value keeps in the sketch: relative error below 2**-10."""

EXACT_DISTINCT_LIMIT = 10_000
"""Distinct values an integer column keeps exactly before it switches to the sketch."""

_SHIFT = 52 - SKETCH_MANTISSA_BITS
_BINCOUNT_LIMIT = 1 << 21


def sketch_keys(values: np.ndarray) -> np.ndarray:
    """Sketch cell of each finite value: its float64 bits without the low mantissa bits.

    Keys are ordered as the values are; ``0`` is zero and negative values get negative keys.

    Examples:
        >>> sketch_keys(np.array([3.0, -3.0, 0.0, 3.0004])).tolist() == [
        ...     *sketch_keys(np.array([3.0, -3.0, 0.0])).tolist(), sketch_keys(np.array([3.0]))[0]
        ... ]
        True
    """
    values = values.astype(np.float64, copy=False)
    magnitude = np.abs(values).view(np.int64)  # abs: -0.0 is 0 too
    magnitude >>= _SHIFT
    if values.size == 0 or values.min() >= 0:  # the usual case: no sign to fold in
        return magnitude
    sign = values.view(np.int64) >> 63  # -1 where the sign bit is set, else 0
    magnitude ^= sign  # with the next line, negates where sign is -1 (-0.0 stays 0)
    magnitude -= sign
    return magnitude


def sketch_values(keys: np.ndarray) -> np.ndarray:
    """The value each key stands for (its cell's bound nearest zero).

    Examples:
        >>> sketch_values(sketch_keys(np.array([-2048.0, 0.0, 7.0, 1000.0]))).tolist()
        [-2048.0, 0.0, 7.0, 1000.0]
    """
    magnitude = (np.abs(keys) << _SHIFT).view(np.float64)
    return np.where(keys < 0, -magnitude, magnitude)


def count_keys(
    keys: np.ndarray, low: int | None = None, high: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct keys (ascending) and their counts: ``bincount`` when the span allows, else a sort.

    Args:
        keys: Integer keys (or exact integer values).
        low: The smallest key, if known (saves a pass).
        high: The largest key, if known.
    """
    if keys.size == 0:
        return keys.astype(np.int64), np.zeros(0, dtype=np.int64)
    low = int(keys.min()) if low is None else low
    high = int(keys.max()) if high is None else high
    if high - low < _BINCOUNT_LIMIT:
        counts = np.bincount(keys - low if low else keys, minlength=high - low + 1)
        where = np.flatnonzero(counts)
        return where.astype(np.int64) + low, counts[where].astype(np.int64)
    if low < 0 < high:
        # Both signs: the exponent bias puts -1.0 and 1.0 two million keys apart, but the
        # magnitudes usually span a few thousand. Count by magnitude, the sign as the lowest bit.
        cells = np.abs(keys)
        smallest = int(cells.min())  # negative only if abs overflowed (-2**63): then sort
        if smallest >= 0 and 2 * (max(-low, high) - smallest) < _BINCOUNT_LIMIT:
            cells -= smallest
            cells <<= 1
            cells += keys < 0
            counts = np.bincount(cells)
            where = np.flatnonzero(counts)
            negative = (where & 1).astype(bool)
            magnitudes, counts = (where >> 1) + smallest, counts[where]
            return (
                np.concatenate([-magnitudes[negative][::-1], magnitudes[~negative]]),
                np.concatenate([counts[negative][::-1], counts[~negative]]).astype(np.int64),
            )
    # A wide integer range: a sort is cheaper than a huge count array.
    unique, counts = np.unique(keys, return_counts=True)
    return unique.astype(np.int64), counts.astype(np.int64)


def to_sketch(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact values and their counts moved into sketch cells (the same cells as chunk-wise)."""
    return merge_keys(sketch_keys(keys.astype(np.float64)), counts, keys[:0], counts[:0])


def merge_keys(
    a_keys: np.ndarray, a_counts: np.ndarray, b_keys: np.ndarray, b_counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Two (keys, counts) summaries as one: distinct keys ascending, counts added.

    Examples:
        >>> [a.tolist() for a in merge_keys(np.array([1, 5]), np.array([2, 1]), np.array([5]), np.array([3]))]
        [[1, 5], [2, 4]]
    """
    a_sorted = bool(np.all(a_keys[1:] > a_keys[:-1]))
    if b_keys.size == 0 and a_sorted:
        return a_keys, a_counts
    if a_keys.size == 0:
        return merge_keys(b_keys, b_counts, a_keys, a_counts)
    if a_sorted and np.all(b_keys[1:] > b_keys[:-1]):  # two summaries: distinct keys, ascending
        if np.array_equal(a_keys, b_keys):
            return a_keys, a_counts + b_counts
        # A stable sort of two ascending runs is a merge (timsort), not a full sort.
        keys = np.concatenate([a_keys, b_keys])
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
        counts = np.add.reduceat(np.concatenate([a_counts, b_counts])[order], starts)
        return keys[starts], counts.astype(np.int64, copy=False)
    keys = np.concatenate([a_keys, b_keys])
    unique, inverse = np.unique(keys, return_inverse=True)
    counts = np.bincount(inverse, weights=np.concatenate([a_counts, b_counts]))
    return unique, counts.astype(np.int64)
