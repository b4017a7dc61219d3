"""§8 Other areas of ML-related debt: reproducibility and process management (after mllint)."""

from __future__ import annotations

import re

from mlops_atlas.debt.scanner.project import qualified
from mlops_atlas.debt.scanner.rules.base import Context, Finding

__all__ = ["process_hygiene"]


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


def process_hygiene(ctx: Context) -> tuple[int, int, list[Finding], dict[str, object]]:
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
    project = ctx.project
    files = project.files
    findings: list[Finding] = []
    checks: dict[str, bool] = {}
    checks["tests"] = any(m.is_test for m in project.modules.values())
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
    requirements = [f for f in project.texts if re.search(r"(^|/)requirements[^/]*\.txt$", f)]
    unpinned: list[tuple[str, int, str]] = []
    for path in requirements:
        for number, raw in enumerate(project.texts[path].splitlines(), start=1):
            line = raw.split("#", 1)[0].strip()
            if line and not line.startswith("-") and "==" not in line and "@" not in line:
                unpinned.append((path, number, line))
    declared = (
        requirements
        or any(
            f in project.texts
            for f in ("pyproject.toml", "setup.cfg", "Pipfile", "environment.yml")
        )
        or "setup.py" in project.modules
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
    unseeded = []
    for module in ctx.production:
        seeded_globally = any(
            (qualified(call.func, module.aliases) or "") in _SEED_CALLS for call, _ in module.calls
        )
        if seeded_globally:
            continue
        for call, _ in module.calls:
            name = qualified(call.func, module.aliases) or ""
            if not _RANDOMISED.match(name):
                continue
            if any(k.arg in _SEED_KEYWORDS or k.arg is None for k in call.keywords):
                continue
            if name.endswith(("default_rng", "RandomState")) and call.args:
                continue
            unseeded.append(
                ctx.finding(
                    "process-hygiene",
                    module,
                    call.lineno,
                    f"{name.rsplit('.', 1)[-1]}() without random_state or seed: runs will differ",
                )
            )
    checks["seeds"] = not unseeded
    findings.extend(unseeded)
    findings.sort(key=lambda f: (f.file, f.line))
    failed = sum(1 for ok in checks.values() if not ok)
    return len(checks), failed, findings, {"checks": checks}
