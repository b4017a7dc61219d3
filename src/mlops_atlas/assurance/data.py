"""The data an assurance report looks at: a labelled table, its features, a reference model.

`read_table` reads a user's CSV and turns every way it can be unusable
into one readable line; `prepare` checks that a column can serve as a
classification target and sorts the other columns into numeric features,
categorical features and columns left out (with the reason).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from mlops_atlas.errors import AtlasError

__all__ = [
    "MAX_CLASSES",
    "MAX_LEVELS",
    "MIN_ROWS",
    "AssuranceInputError",
    "Dataset",
    "align_operational",
    "prepare",
    "read_table",
    "reference_model",
]

MAX_LEVELS = 30
"""A text column with more distinct values than this is not used as a feature (an id, free text)."""

MAX_CLASSES = 20
"""A target with more distinct values than this is not a set of class labels."""

MIN_ROWS = 40
"""Fewest rows that can be split for testing and cross-validated."""

_MIN_PER_CLASS = 5  # cross-validation needs every class in every fold


class AssuranceInputError(AtlasError):
    """A table or column cannot be assured as given; the message says which and why."""


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV file with a header row.

    Raises:
        AssuranceInputError: The path is missing or a folder, the file is empty, not
            UTF-8, or not a CSV; the message names the file.
    """
    path = Path(path)
    if path.is_dir():
        raise AssuranceInputError(f"{path}: is a folder; give a CSV file")
    if not path.exists():
        raise AssuranceInputError(f"{path}: no such file")
    try:
        frame = pd.read_csv(path, encoding="utf-8", skipinitialspace=True)
    except UnicodeDecodeError as error:
        raise AssuranceInputError(
            f"{path}: not UTF-8 text (it holds the byte 0x{error.object[error.start]:02x}); "
            "save the file as UTF-8 CSV"
        ) from None
    except pd.errors.EmptyDataError:
        raise AssuranceInputError(
            f"{path}: the file is empty (a CSV with a header row is expected)"
        ) from None
    except (pd.errors.ParserError, ValueError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise AssuranceInputError(f"{path}: cannot read the CSV ({first})") from None
    if frame.empty:
        raise AssuranceInputError(f"{path}: a header but no rows")
    return frame


@dataclass
class Dataset:
    """A labelled table ready for the checks.

    Attributes:
        frame: Features and target; numeric features as floats, categorical ones as
            objects with missing values as NaN, the target as strings.
        target: The target column.
        numeric: Numeric feature columns.
        categorical: Categorical feature columns.
        ignored: Columns left out of the features, with the reason.
        source: Where the data came from, for messages (a file name).
    """

    frame: pd.DataFrame
    target: str
    numeric: list[str]
    categorical: list[str]
    ignored: dict[str, str] = field(default_factory=dict)
    source: str = "data"

    @property
    def features(self) -> list[str]:
        """Every feature column, numeric first."""
        return [*self.numeric, *self.categorical]

    @property
    def classes(self) -> list[str]:
        """The class labels, sorted."""
        return sorted(self.frame[self.target].unique())

    @property
    def X(self) -> pd.DataFrame:  # noqa: N802  (the usual name for a feature matrix)
        """The feature columns."""
        return self.frame[self.features]

    @property
    def y(self) -> pd.Series:
        """The target column."""
        return self.frame[self.target]


def _first_text_among_numbers(column: pd.Series) -> tuple[int, str] | None:
    """File line and text of the first non-number in a column that is mostly numbers."""
    present = column.dropna()
    if present.empty or pd.api.types.is_numeric_dtype(present):
        return None
    numbers = pd.to_numeric(present.astype(str), errors="coerce")
    bad = numbers.isna()
    if bad.all() or bad.mean() > 0.5:
        return None
    index = bad.idxmax()
    return int(index) + 2, str(present[index])  # line 1 is the header


def _check_target(frame: pd.DataFrame, target: str, source: str) -> pd.Series:
    if target not in frame.columns:
        columns = ", ".join(map(str, frame.columns))
        raise AssuranceInputError(f"{source}: no column '{target}' (columns: {columns})")
    labels = frame[target]
    if labels.isna().any():
        line = int(labels.isna().to_numpy().argmax()) + 2
        raise AssuranceInputError(
            f"{source}: column '{target}' is empty on line {line}; every row needs a label "
            "(fill it in or drop the row)"
        )
    text = _first_text_among_numbers(labels)
    if text:
        raise AssuranceInputError(
            f"{source}: column '{target}', line {text[0]}: '{text[1]}' is not a number, "
            "unlike the column's other labels; fix the cell"
        )
    if pd.api.types.is_float_dtype(labels) and not np.allclose(labels, labels.round()):
        raise AssuranceInputError(
            f"{source}: column '{target}' holds fractional numbers (e.g. {labels[labels != labels.round()].iloc[0]}); "
            "assure checks classifiers: give a column of class labels"
        )
    if pd.api.types.is_float_dtype(labels):
        labels = labels.astype(int)
    labels = labels.astype(str).str.strip()
    counts = labels.value_counts()
    if len(counts) < 2:
        raise AssuranceInputError(
            f"{source}: column '{target}' has one class ('{counts.index[0]}') in all "
            f"{len(labels)} rows; a classifier needs at least two"
        )
    if len(counts) > MAX_CLASSES:
        raise AssuranceInputError(
            f"{source}: column '{target}' has {len(counts)} distinct values, too many for class "
            f"labels (at most {MAX_CLASSES}); assure checks classifiers"
        )
    rare = counts[counts < _MIN_PER_CLASS]
    if not rare.empty:
        raise AssuranceInputError(
            f"{source}: class '{rare.index[0]}' of column '{target}' has {int(rare.iloc[0])} "
            f"row(s); each class needs at least {_MIN_PER_CLASS} to be tested and cross-validated"
        )
    return labels


def prepare(frame: pd.DataFrame, target: str, *, source: str = "data") -> Dataset:
    """Check a table as classification data and sort its columns into features.

    Args:
        frame: The table, as read.
        target: The column holding the class labels.
        source: A name for messages (usually the file).

    Returns:
        The dataset, with the target as strings.

    Raises:
        AssuranceInputError: Unknown target; a target that is empty somewhere, has
            one class, too many classes, a class too rare, or text among numbers;
            too few rows; a feature column with text among numbers; no usable feature.
    """
    labels = _check_target(frame, target, source)
    if len(frame) < MIN_ROWS:
        raise AssuranceInputError(
            f"{source}: {len(frame)} rows; at least {MIN_ROWS} are needed to hold out a test set "
            "and cross-validate"
        )
    numeric: list[str] = []
    categorical: list[str] = []
    ignored: dict[str, str] = {}
    data = {}
    for name in frame.columns:
        if name == target:
            continue
        column = frame[name]
        text = _first_text_among_numbers(column)
        if text:
            raise AssuranceInputError(
                f"{source}: column '{name}', line {text[0]}: '{text[1]}' is not a number, "
                "unlike the column's other values; fix the cell"
            )
        if column.isna().all():
            ignored[str(name)] = "empty in every row"
        elif pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            levels = column.dropna().nunique()
            if levels > MAX_LEVELS:
                ignored[str(name)] = f"{levels} distinct text values (an id or free text?)"
                continue
            categorical.append(str(name))
            data[str(name)] = (
                column.astype(object)
                .where(column.notna(), np.nan)
                .map(lambda value: value if value is np.nan else str(value))
            )
        else:
            numeric.append(str(name))
            data[str(name)] = column.astype("float64")
    if not numeric and not categorical:
        raise AssuranceInputError(f"{source}: no column besides '{target}' can be a feature")
    data[target] = labels
    prepared = pd.DataFrame(data, index=frame.index)
    return Dataset(prepared, target, numeric, categorical, ignored, source)


def align_operational(
    dataset: Dataset, frame: pd.DataFrame, *, source: str = "operational"
) -> pd.DataFrame:
    """The feature columns of an operational sample, typed like the dataset's.

    Raises:
        AssuranceInputError: The sample lacks a feature column, or a numeric column holds text.
    """
    missing = [name for name in dataset.features if name not in frame.columns]
    if missing:
        raise AssuranceInputError(
            f"{source}: no column(s) {', '.join(missing)}, which {dataset.source} has as features"
        )
    data = {}
    for name in dataset.numeric:
        converted = pd.to_numeric(frame[name], errors="coerce")
        bad = converted.isna() & frame[name].notna()
        if bad.any():
            line = int(bad.to_numpy().argmax()) + 2
            raise AssuranceInputError(
                f"{source}: column '{name}', line {line}: '{frame[name][bad].iloc[0]}' is not a number"
            )
        data[name] = converted.astype("float64")
    for name in dataset.categorical:
        column = frame[name]
        data[name] = (
            column.astype(object)
            .where(column.notna(), np.nan)
            .map(lambda value: value if value is np.nan else str(value))
        )
    return pd.DataFrame(data, index=frame.index)[dataset.features]


def reference_model(dataset: Dataset, seed: int = 0):
    """An unfitted reference classifier for the dataset's columns.

    Gradient-boosted trees (scikit-learn's ``HistGradientBoostingClassifier``), which
    take missing numbers as they are; categorical columns are one-hot encoded, with
    missing values as a level of their own.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    encode = ColumnTransformer(
        [
            ("numeric", "passthrough", dataset.numeric),
            (
                "categorical",
                make_pipeline(
                    SimpleImputer(strategy="constant", fill_value="(missing)"),
                    OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                ),
                dataset.categorical,
            ),
        ]
    )
    return make_pipeline(
        encode,
        HistGradientBoostingClassifier(
            max_iter=60,
            learning_rate=0.1,
            min_samples_leaf=40,
            early_stopping=False,
            random_state=seed,
        ),
    )
