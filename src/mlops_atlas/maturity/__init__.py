"""MLOps maturity self-assessment, with the models as data and a command to run them.

The models: Kreuzberger et al.'s principles and components, Google's levels 0-2, Microsoft's
five levels and Breck et al.'s ML Test Score.

Answer the questions (``mlops-atlas maturity template``), optionally let a repository answer
what its files show (``--repo``), and get levels, scores, coverage and ranked gaps.
"""

from mlops_atlas.maturity.assess import (
    AnswersError,
    Assessment,
    Gap,
    assess,
    load_answers,
    parse_answers,
)
from mlops_atlas.maturity.evidence import Detected, EvidenceError, scan_repository
from mlops_atlas.maturity.models import ModelError, Models, Question, load_models
from mlops_atlas.maturity.render import render, template

__all__ = [
    "AnswersError",
    "Assessment",
    "Detected",
    "EvidenceError",
    "Gap",
    "ModelError",
    "Models",
    "Question",
    "assess",
    "load_answers",
    "load_models",
    "parse_answers",
    "render",
    "scan_repository",
    "template",
]
