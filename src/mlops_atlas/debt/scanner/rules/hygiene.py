"""§8 Other areas of ML-related debt: reproducibility and process management (after mllint)."""

from __future__ import annotations

import re

from mlops_atlas.debt.scanner.facts import ModuleFacts, ProjectFacts
from mlops_atlas.debt.scanner.rules.base import Finding
from mlops_atlas.debt.scanner.source import Module

__all__ = ["collect_seeds", "process_hygiene", "unpinned_requirements"]


_CI_FILES = re.compile(
    r"^(\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.yml|\.circleci/config\.yml|Jenkinsfile|"
    r"azure-pipelines\.yml|\.travis\.yml|bitbucket-pipelines\.yml|\.ci/.+)$"
)
_LOCK_FILES = re.compile(
    r"(^|/)(poetry\.lock|uv\.lock|Pipfile\.lock|pdm\.lock|conda-lock\.ya?ml|[^/]*\.lock|requirements[^/]*\.lock)$"
)
_SEED_CALLS = frozenset(
    {
        "numpy.random.seed",
        "random.seed",
        "torch.manual_seed",
        "tensorflow.random.set_seed",
        "tf.random.set_seed",
        "keras.utils.set_random_seed",
        "transformers.set_seed",
        "lightning.seed_everything",
        "pytorch_lightning.seed_everything",
        "set_seed",
        "seed_everything",
    }
)
_RANDOMISED = re.compile(
    r"^(sklearn\.(model_selection\.(train_test_split|KFold|StratifiedKFold|ShuffleSplit|"
    r"StratifiedShuffleSplit|RandomizedSearchCV|GroupShuffleSplit)|ensemble\.\w+|"
    r"neural_network\.\w+|linear_model\.SGD\w+|cluster\.(KMeans|MiniBatchKMeans)|"
    r"inspection\.permutation_importance|utils\.shuffle|decomposition\.(PCA|TruncatedSVD|NMF)|"
    r"tree\.\w+Tree\w*)|numpy\.random\.(default_rng|RandomState)|xgboost\.\w+|lightgbm\.\w+)$"
)
"""Randomised calls that take a ``random_state`` or seed argument."""
_SEED_KEYWORDS = frozenset({"random_state", "seed", "random_seed", "rng"})


_REQUIREMENTS = re.compile(r"(^|/)requirements[^/]*\.txt$")


def unpinned_requirements(path: str, text: str) -> list[tuple[int, str]]:
    """(line, requirement) for each line of a requirements file that pins no version."""
    if not _REQUIREMENTS.search(path):
        return []
    unpinned = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if line and not line.startswith("-") and "==" not in line and "@" not in line:
            unpinned.append((number, line))
    return unpinned


def collect_seeds(module: Module, facts: ModuleFacts) -> None:
    """A production module's randomised calls with no seed (unless it seeds globally)."""
    names = [module.call_name(call) or "" for call, _ in module.calls]
    if any(name in _SEED_CALLS for name in names):
        return
    for (call, _), name in zip(module.calls, names, strict=True):
        if not _RANDOMISED.match(name):
            continue
        if any(k.arg in _SEED_KEYWORDS or k.arg is None for k in call.keywords):
            continue
        if name.endswith(("default_rng", "RandomState")) and call.args:
            continue
        facts.findings.append(
            facts.finding(
                "process-hygiene",
                call.lineno,
                f"{name.rsplit('.', 1)[-1]}() without random_state or seed: runs will differ",
            )
        )


def process_hygiene(facts: ProjectFacts) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Four checks, after mllint: tests, CI, pinned dependencies, seeds.

    - Tests: a ``test_*.py``/``*_test.py`` file or a ``tests/`` folder with Python in it.
    - CI: a GitHub Actions workflow, ``.gitlab-ci.yml``, CircleCI, Jenkins, Azure, Travis,
      Bitbucket or ``.ci/`` definition.
    - Pinned dependencies: a lock file, or requirement files whose every line pins ``==``.
    - Seeds: every randomised call (``train_test_split``, ensembles, ``KFold``,
      ``default_rng``...) gets a ``random_state``/seed, unless its module seeds the global
      generator (``np.random.seed``...).
    Checked: the four checks. Flagged: those that fail.
    """
    files = facts.files
    findings: list[Finding] = []
    checks: dict[str, bool] = {}
    checks["tests"] = any(m.is_test for m in facts.modules.values())
    if not checks["tests"]:
        findings.append(
            Finding(
                "process-hygiene",
                "(project)",
                0,
                "no tests: no test_*.py file and no tests/ folder",
            )
        )
    ci = next((f for f in files if _CI_FILES.match(f)), None)
    checks["ci"] = ci is not None
    if ci is None:
        findings.append(
            Finding(
                "process-hygiene",
                "(project)",
                0,
                "no CI definition (.github/workflows, .gitlab-ci.yml, Jenkinsfile, ...)",
            )
        )
    lock = next((f for f in files if _LOCK_FILES.search(f)), None)
    requirements = sorted(p for p in facts.texts if _REQUIREMENTS.search(p))
    unpinned = [(p, n, line) for p in requirements for n, line in facts.unpinned.get(p, ())]
    declared = (
        requirements
        or any(
            f in facts.texts for f in ("pyproject.toml", "setup.cfg", "Pipfile", "environment.yml")
        )
        or "setup.py" in facts.modules
    )
    checks["pinned"] = lock is not None or (bool(requirements) and not unpinned)
    if not checks["pinned"]:
        if unpinned:
            findings.extend(
                Finding(
                    "process-hygiene",
                    p,
                    n,
                    f"dependency {line!r} is not pinned (no == and no lock file)",
                )
                for p, n, line in unpinned[:20]
            )
        elif declared:
            findings.append(
                Finding(
                    "process-hygiene",
                    "(project)",
                    0,
                    "dependencies are declared but not pinned: no lock file",
                )
            )
        else:
            findings.append(
                Finding("process-hygiene", "(project)", 0, "no dependency declaration at all")
            )
    unseeded = [f for m in facts.production for f in m.findings if f.rule == "process-hygiene"]
    checks["seeds"] = not unseeded
    findings.extend(unseeded)
    findings.sort(key=lambda f: (f.file, f.line))
    failed = sum(1 for ok in checks.values() if not ok)
    return len(checks), failed, findings, {"checks": checks}
