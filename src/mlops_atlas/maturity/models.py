"""The maturity models as data: load and check the YAML files in ``data/``.

Each model (Kreuzberger et al.'s components, Google's levels, Microsoft's levels per dimension,
the ML Test Score) is one YAML file; every question names its source and the Kreuzberger
principles (P1-P9) and components (C1-C9) it gives evidence of.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from mlops_atlas.errors import AtlasError

__all__ = [
    "ModelError",
    "Models",
    "Question",
    "load_models",
]

DATA_DIR = Path(__file__).parent / "data"
"""Where the model files live."""

YES_NO = ("yes", "no")
"""Allowed answers to a yes/no question (YAML ``true``/``false`` are accepted too)."""

TEST_ANSWERS = ("none", "manual", "automated")
"""Allowed answers to an ML Test Score test (2017 rule: 0, 0.5 and 1 point)."""


class ModelError(AtlasError, ValueError):
    """A malformed model file; the message names the file and the item."""


@dataclass(frozen=True)
class Question:
    """One question a team answers.

    Attributes:
        id: Stable identifier, e.g. ``"google.l1.data_validation"``.
        text: The question as the team reads it.
        model: ``"kreuzberger"``, ``"google"``, ``"microsoft"`` or ``"ml_test_score"``.
        group: The level (Google), dimension (Microsoft) or section (ML Test Score); ``""`` else.
        level: The level the criterion belongs to (Google, Microsoft); 0 otherwise.
        principles: Kreuzberger principles the question gives evidence of.
        components: Kreuzberger components it gives evidence of.
        source: Where in the work the item comes from.
        reading: The site page (relative to ``docs/``) that teaches it.
        example: The example that teaches it, or ``None``.
    """

    id: str
    text: str
    model: str
    group: str
    level: int
    principles: tuple[str, ...]
    components: tuple[str, ...]
    source: str
    reading: str
    example: str | None = None

    @property
    def allowed(self) -> tuple[str, ...]:
        """The answers this question accepts."""
        return TEST_ANSWERS if self.model == "ml_test_score" else YES_NO


@dataclass(frozen=True)
class Models:
    """All four models, loaded and checked.

    Attributes:
        principles: ``{"P1": "CI/CD automation", ...}``.
        components: ``{"C1": "CI/CD Component", ...}``.
        component_principles: ``{"C1": ("P1", "P6", "P9"), ...}``.
        questions: Every question, by id, in file order.
        google_levels: ``{0: "MLOps level 0: Manual process", ...}``.
        microsoft_levels: ``{0: "No MLOps", ...}`` (summary-table names).
        microsoft_dimensions: ``{"people": "People", ...}``.
        test_sections: ``{"data": "Tests for Features and Data", ...}``.
        points: Points per ML Test Score answer.
        bands: ``(upper bound or None, text)`` pairs of Table V.
    """

    principles: dict[str, str]
    components: dict[str, str]
    component_principles: dict[str, tuple[str, ...]]
    questions: dict[str, Question]
    google_levels: dict[int, str]
    microsoft_levels: dict[int, str]
    microsoft_dimensions: dict[str, str]
    test_sections: dict[str, str]
    points: dict[str, float]
    bands: tuple[tuple[float | None, str], ...]


def _read(name: str, folder: Path) -> dict[str, Any]:
    path = folder / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ModelError(f"{path}: cannot read the model file: {error}") from None
    if not isinstance(data, dict):
        raise ModelError(f"{path}: a model file must be a mapping")
    return data


def _field(item: Any, key: str, where: str, kind: type = str) -> Any:
    if not isinstance(item, dict) or key not in item:
        raise ModelError(f"{where}: missing '{key}'")
    value = item[key]
    if not isinstance(value, kind):
        raise ModelError(f"{where}: '{key}' must be a {kind.__name__}, got {value!r}")
    return value


def _question(
    item: Any,
    where: str,
    *,
    model: str,
    group: str,
    level: int,
    source: str,
    reading: str,
    known: tuple[set[str], set[str]],
) -> Question:
    qid = _field(item, "id", where)
    where = f"{where.rsplit(':', 1)[0]}: item '{qid}'"
    principles = tuple(_field(item, "principles", where, list))
    components = tuple(_field(item, "components", where, list))
    for name, ids, valid in (
        ("principle", principles, known[0]),
        ("component", components, known[1]),
    ):
        unknown = sorted(set(ids) - valid)
        if unknown:
            raise ModelError(f"{where}: unknown {name} {', '.join(unknown)}")
    return Question(
        id=qid,
        text=_field(item, "text", where),
        model=model,
        group=group,
        level=level,
        principles=principles,
        components=components,
        source=str(item.get("source", source)),
        reading=reading,
        example=item.get("example"),
    )


def load_models(folder: Path = DATA_DIR) -> Models:
    """Load and check the four model files.

    Args:
        folder: The folder holding ``kreuzberger.yaml``, ``google.yaml``, ``microsoft.yaml``
            and ``ml_test_score.yaml``.

    Returns:
        The models.

    Raises:
        ModelError: A file is missing or malformed; the message names the file and item.

    Examples:
        >>> models = load_models()
        >>> len([q for q in models.questions.values() if q.model == "ml_test_score"])
        28
        >>> models.component_principles["C3"]
        ('P2', 'P3', 'P6')
    """
    if folder == DATA_DIR:
        return _load_default()
    return _load(folder)


@cache
def _load_default() -> Models:
    return _load(DATA_DIR)


def _load(folder: Path) -> Models:
    questions: dict[str, Question] = {}

    def add(question: Question, where: str) -> None:
        if question.id in questions:
            raise ModelError(f"{where}: item '{question.id}' is defined twice")
        questions[question.id] = question

    path = folder / "kreuzberger.yaml"
    data = _read("kreuzberger.yaml", folder)
    principles = {
        _field(p, "id", f"{path}: principles[{i}]"): _field(p, "name", f"{path}: principles[{i}]")
        for i, p in enumerate(_field(data, "principles", str(path), list))
    }
    components: dict[str, str] = {}
    component_principles: dict[str, tuple[str, ...]] = {}
    for i, c in enumerate(_field(data, "components", str(path), list)):
        where = f"{path}: components[{i}]"
        cid = _field(c, "id", where)
        components[cid] = _field(c, "name", where)
        component_principles[cid] = tuple(_field(c, "principles", where, list))
        unknown = sorted(set(component_principles[cid]) - set(principles))
        if unknown:
            raise ModelError(f"{path}: item '{cid}': unknown principle {', '.join(unknown)}")
    known = (set(principles), set(components))
    reading = _field(data, "reading", str(path))
    for i, item in enumerate(_field(data, "questions", str(path), list)):
        where = f"{path}: questions[{i}]"
        add(
            _question(
                item,
                where,
                model="kreuzberger",
                group="",
                level=0,
                source="",
                reading=reading,
                known=known,
            ),
            where,
        )

    path = folder / "google.yaml"
    data = _read("google.yaml", folder)
    reading = _field(data, "reading", str(path))
    google_levels: dict[int, str] = {}
    for i, level in enumerate(_field(data, "levels", str(path), list)):
        where = f"{path}: levels[{i}]"
        number = _field(level, "level", where, int)
        google_levels[number] = _field(level, "name", where)
        for j, item in enumerate(_field(level, "criteria", where, list)):
            spot = f"{where}.criteria[{j}]"
            add(
                _question(
                    item,
                    spot,
                    model="google",
                    group=f"level {number}",
                    level=number,
                    source=_field(level, "source", where),
                    reading=reading,
                    known=known,
                ),
                spot,
            )

    path = folder / "microsoft.yaml"
    data = _read("microsoft.yaml", folder)
    reading = _field(data, "reading", str(path))
    microsoft_levels = {
        _field(lv, "level", f"{path}: levels[{i}]", int): _field(lv, "name", f"{path}: levels[{i}]")
        for i, lv in enumerate(_field(data, "levels", str(path), list))
    }
    dimensions: dict[str, str] = {}
    for i, dimension in enumerate(_field(data, "dimensions", str(path), list)):
        where = f"{path}: dimensions[{i}]"
        did = _field(dimension, "id", where)
        dimensions[did] = _field(dimension, "name", where)
        for j, item in enumerate(_field(dimension, "criteria", where, list)):
            spot = f"{where}.criteria[{j}]"
            level = _field(item, "level", f"{spot}: item '{item.get('id')}'", int)
            if level not in microsoft_levels or level == 0:
                raise ModelError(f"{path}: item '{item.get('id')}': level must be 1-4, got {level}")
            add(
                _question(
                    item,
                    spot,
                    model="microsoft",
                    group=did,
                    level=level,
                    source="",
                    reading=reading,
                    known=known,
                ),
                spot,
            )

    path = folder / "ml_test_score.yaml"
    data = _read("ml_test_score.yaml", folder)
    reading = _field(data, "reading", str(path))
    sections: dict[str, str] = {}
    for i, section in enumerate(_field(data, "sections", str(path), list)):
        where = f"{path}: sections[{i}]"
        sid = _field(section, "id", where)
        sections[sid] = _field(section, "name", where)
        tests = _field(section, "tests", where, list)
        if len(tests) != 7:
            raise ModelError(
                f"{path}: section '{sid}': the ML Test Score has 7 tests a section, found {len(tests)}"
            )
        for j, item in enumerate(tests):
            spot = f"{where}.tests[{j}]"
            add(
                _question(
                    item,
                    spot,
                    model="ml_test_score",
                    group=sid,
                    level=0,
                    source=f"{_field(section, 'source', where)}, test {j + 1}",
                    reading=reading,
                    known=known,
                ),
                spot,
            )
    points = {str(k): float(v) for k, v in _field(data, "points", str(path), dict).items()}
    if set(points) != set(TEST_ANSWERS):
        raise ModelError(f"{path}: 'points' must give {', '.join(TEST_ANSWERS)}")
    bands = tuple(
        (b.get("max"), _field(b, "text", f"{path}: bands[{i}]"))
        for i, b in enumerate(_field(data, "bands", str(path), list))
    )
    return Models(
        principles=principles,
        components=components,
        component_principles=component_principles,
        questions=questions,
        google_levels=google_levels,
        microsoft_levels=microsoft_levels,
        microsoft_dimensions=dimensions,
        test_sections=sections,
        points=points,
        bands=bands,
    )
