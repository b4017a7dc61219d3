"""One pipeline, three environments (development, test, production), promotion by gates.

The pipeline is configured by one YAML file (see ``examples/environments/pipeline.yaml``):
the features, and per environment an MLflow experiment, a data sample size and
the checks a model must pass to enter it. Each environment has its own
registered model, ``<model>-<environment>``, whose ``champion`` alias is the
version deployed there; promotion copies a version from one environment's
registered model to the next (MLflow's ``copy_model_version``) only when every
check of the next environment passes. The checks are the project's earlier
gates: TFX-style schema validation and per-slice blessing
(`mlops_atlas.validation`), a baseline check, and a smoke test that loads
the model from the registry and serves a batch.

This is the "promote the model" pattern; MLflow's documentation recommends, for
mature set-ups, promoting the *code* instead and training in each environment.
What a CI/CD system adds around this (triggers on every push, isolated
infrastructure and credentials, approvals, an audit trail) is beyond a script.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mlops_atlas.errors import AtlasError

__all__ = [
    "CHECKS",
    "ConfigError",
    "Environment",
    "PipelineConfig",
    "load_pipeline_config",
    "with_features",
]

CHECKS = ("schema", "beats_baseline", "blessing", "smoke")
"""The checks an environment may require, by name."""


class ConfigError(AtlasError):
    """The pipeline's configuration file is malformed; the message names the file and key."""


@dataclass(frozen=True)
class Environment:
    """One environment of the pipeline.

    Attributes:
        name: ``dev``, ``test``, ``prod`` or any other name.
        experiment: The MLflow experiment its runs go to.
        rows: Rows of data it works with (training sample, test set, live batch).
        seed: Seed of its data.
        checks: Names of the checks a model must pass to be deployed here.
        tolerance: How much worse than production a slice may be (``blessing``).
        serving: Its data are live requests (features as seen at decision time).
    """

    name: str
    experiment: str
    rows: int
    seed: int
    checks: tuple[str, ...]
    tolerance: float = 0.0
    serving: bool = False


@dataclass(frozen=True)
class PipelineConfig:
    """The pipeline's settings.

    Attributes:
        model: Base name of the registered models (``<model>-<environment>``).
        label: The label column.
        slice: The column the blessing check slices by.
        features: The model's input columns.
        environments: The environments, in promotion order.
        source: The file it was read from.
    """

    model: str
    label: str
    slice: str
    features: tuple[str, ...]
    environments: tuple[Environment, ...]
    source: Path | None = None

    def registered_model(self, environment: Environment) -> str:
        """The registered model of an environment: ``<model>-<environment>``."""
        return f"{self.model}-{environment.name}"


def _fail(source: Path, where: str, message: str) -> ConfigError:
    return ConfigError(f"{source}: {where}: {message}")


def _text(source: Path, where: str, table: Mapping[str, Any], key: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(source, f"{where}'{key}'", f"must be a non-empty text, got {value!r}")
    return value


def _whole(source: Path, where: str, table: Mapping[str, Any], key: str, least: int) -> int:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise _fail(source, f"{where}'{key}'", f"must be a whole number >= {least}, got {value!r}")
    return value


def _environment(source: Path, index: int, table: object) -> Environment:
    if not isinstance(table, dict):
        raise _fail(source, f"environments[{index}]", "must be a mapping of settings")
    name = _text(source, f"environments[{index}] ", table, "name")
    where = f"environment {name!r} "
    checks = table.get("checks", [])
    if not isinstance(checks, list) or any(check not in CHECKS for check in checks):
        raise _fail(
            source, f"{where}'checks'", f"must be a list of {', '.join(CHECKS)}; got {checks!r}"
        )
    tolerance = table.get("tolerance", 0.0)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance < 0:
        raise _fail(source, f"{where}'tolerance'", f"must be a number >= 0, got {tolerance!r}")
    serving = table.get("serving", False)
    if not isinstance(serving, bool):
        raise _fail(source, f"{where}'serving'", f"must be true or false, got {serving!r}")
    return Environment(
        name=name,
        experiment=_text(source, where, table, "experiment"),
        rows=_whole(source, where, table, "rows", 10),
        seed=_whole(source, where, table, "seed", 0),
        checks=tuple(checks),
        tolerance=float(tolerance),
        serving=serving,
    )


def load_pipeline_config(path: Path) -> PipelineConfig:
    """Read and check the pipeline's YAML configuration.

    Raises:
        ConfigError: The file is missing, not YAML, or a setting is missing or wrong
            (the message names the file and the key).
    """
    source = Path(path)
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{source}: cannot read ({error.strerror or error})") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{source}: not valid YAML ({error})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: must be a mapping with model, label, slice, features, ...")
    features = data.get("features")
    if (
        not isinstance(features, list)
        or not features
        or not all(isinstance(f, str) for f in features)
    ):
        raise _fail(source, "'features'", f"must be a non-empty list of columns, got {features!r}")
    tables = data.get("environments")
    if not isinstance(tables, list) or not tables:
        raise _fail(source, "'environments'", "must be a non-empty list, in promotion order")
    environments = tuple(_environment(source, i, table) for i, table in enumerate(tables))
    names = [environment.name for environment in environments]
    if len(set(names)) != len(names):
        raise _fail(source, "'environments'", f"names must be unique, got {names}")
    return PipelineConfig(
        model=_text(source, "", data, "model"),
        label=_text(source, "", data, "label"),
        slice=_text(source, "", data, "slice"),
        features=tuple(features),
        environments=environments,
        source=source,
    )


def with_features(config: PipelineConfig, features: list[str] | tuple[str, ...]) -> PipelineConfig:
    """The same configuration with other features: what an edit of the file's ``features`` does."""
    return dataclasses.replace(config, features=tuple(features))
