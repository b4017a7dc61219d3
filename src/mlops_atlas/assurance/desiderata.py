"""The assurance desiderata of Ashmore, Calinescu and Paterson (2021), stage by stage.

The survey splits the machine-learning lifecycle into four stages (its §4 to §7 in
the ACM Computing Surveys version) and names, for each, the properties its
outputs should have if they are to serve as assurance evidence. This module
holds that catalogue once: the checks, the report and the lifecycle diagram all
read it. The one-line meanings are this site's paraphrases, not quotations.

Each desideratum is either checked by named programs in
`mlops_atlas.assurance` or marked ``checkable=False`` with the reason a
program cannot judge it from a dataset and a model.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DESIDERATA", "STAGES", "Desideratum", "desideratum"]


@dataclass(frozen=True)
class Desideratum:
    """One property a lifecycle stage's outputs should have.

    Attributes:
        name: The paper's name, in lower case (``"contextually relevant"``).
        stage: The lifecycle stage it belongs to.
        section: Where the paper treats the stage (ACM CSUR version), e.g. ``"§4"``.
        meaning: What it asks for, paraphrased.
        checks: Names of the checks that measure it (empty when none can).
        why_not: Why no program can judge it (empty when checks exist).
    """

    name: str
    stage: str
    section: str
    meaning: str
    checks: tuple[str, ...] = ()
    why_not: str = ""

    @property
    def checkable(self) -> bool:
        """True when at least one check measures this desideratum."""
        return bool(self.checks)


STAGES: tuple[tuple[str, str], ...] = (
    ("data management", "§4"),
    ("model learning", "§5"),
    ("model verification", "§6"),
    ("model deployment", "§7"),
)
"""The four stages in lifecycle order, with the section of the survey that treats each."""

_D = "data management"
_L = "model learning"
_V = "model verification"
_P = "model deployment"

DESIDERATA: tuple[Desideratum, ...] = (
    Desideratum(
        "relevant",
        _D,
        "§4",
        "the data lie in the domain the model will operate in, for the behaviour it must learn",
        checks=("relevant/operational-support",),
    ),
    Desideratum(
        "complete",
        _D,
        "§4",
        "the data sample the whole input domain, its sub-ranges included, without gaps",
        checks=("complete/missing-values", "complete/operational-coverage"),
    ),
    Desideratum(
        "balanced",
        _D,
        "§4",
        "classes and groups are represented in suitable proportions",
        checks=("balanced/classes", "balanced/slices"),
    ),
    Desideratum(
        "accurate",
        _D,
        "§4",
        "measurements and labels are correct",
        checks=("accurate/label-noise",),
    ),
    Desideratum(
        "performant",
        _L,
        "§5",
        "the model performs well on the metrics that matter for its use",
        checks=("performant/baselines",),
    ),
    Desideratum(
        "robust",
        _L,
        "§5",
        "performance holds for inputs that differ a little from the training data",
        checks=("robust/perturbation",),
    ),
    Desideratum(
        "reusable",
        _L,
        "§5",
        "the model, or parts of it, can be reused in another system or context",
        why_not=(
            "reuse is judged against a target system and its context, which neither "
            "the data nor the model contains"
        ),
    ),
    Desideratum(
        "interpretable",
        _L,
        "§5",
        "the model's behaviour can be explained to the people who must trust it",
        checks=("interpretable/importance-stability",),
    ),
    Desideratum(
        "comprehensive",
        _V,
        "§6",
        "verification covers every requirement the model must meet",
        why_not=(
            "coverage is measured against the requirements (and the hazards behind "
            "them); a dataset does not hold them, so a program cannot count what is missing"
        ),
    ),
    Desideratum(
        "contextually relevant",
        _V,
        "§6",
        "verification cases reflect the context the model will be used in",
        checks=("contextually-relevant/test-vs-operational",),
    ),
    Desideratum(
        "comprehensible",
        _V,
        "§6",
        "verification results can be understood by the people who act on them",
        why_not=(
            "only the readers of a verification result can say whether they understood "
            "it; this report gives evidence and an action per check, but cannot grade itself"
        ),
    ),
    Desideratum(
        "fit-for-purpose",
        _P,
        "§7",
        "the model works as intended once integrated in its system",
        checks=("fit-for-purpose/latency",),
    ),
    Desideratum(
        "tolerable",
        _P,
        "§7",
        "the system can tolerate the errors the model will make",
        checks=("tolerable/slice-error-bound",),
    ),
    Desideratum(
        "adaptable",
        _P,
        "§7",
        "the deployed model can be updated safely as operation changes",
        why_not=(
            "adaptability belongs to the update process (retraining, versioning, "
            "gates, rollback), which a dataset and a fitted model do not show"
        ),
    ),
)
"""Every desideratum of the survey, in stage order."""


def desideratum(name: str) -> Desideratum:
    """The desideratum called ``name``.

    Raises:
        KeyError: No desideratum has that name.

    Examples:
        >>> desideratum("tolerable").stage
        'model deployment'
        >>> [d.name for d in DESIDERATA if not d.checkable]
        ['reusable', 'comprehensive', 'comprehensible', 'adaptable']
    """
    for item in DESIDERATA:
        if item.name == name:
            return item
    raise KeyError(name)
