"""Validate Kubernetes manifests against the API's schema, as the ``kubernetes`` client has it.

The official Python client ships one model class per API object (``V1Deployment``,
``V1Service``, ``V2HorizontalPodAutoscaler``...), generated from Kubernetes' OpenAPI
specification: each class lists its fields, their JSON names and their types, and refuses
a missing required field. `validate_manifest` walks a manifest against those classes,
reports every unknown field (a typo such as ``readinesProbe`` would be silently dropped by a
plain deserialiser), every wrong type and every bad resource quantity, then builds the
client's object, which checks the required fields. `check_consistency` adds the
cross-object checks the API server or the controllers would make (the Deployment's selector
matches its pods, the Service finds them, the autoscaler targets the Deployment).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from mlops_atlas.errors import AtlasError

__all__ = [
    "KINDS",
    "ManifestError",
    "check_consistency",
    "load_manifests",
    "validate_manifest",
    "validate_manifests",
]

KINDS = {
    ("apps/v1", "Deployment"): "V1Deployment",
    ("v1", "Service"): "V1Service",
    ("autoscaling/v2", "HorizontalPodAutoscaler"): "V2HorizontalPodAutoscaler",
    ("policy/v1", "PodDisruptionBudget"): "V1PodDisruptionBudget",
    ("v1", "ConfigMap"): "V1ConfigMap",
}
"""The (apiVersion, kind) pairs this module validates, and the client class of each."""

_LIST = re.compile(r"^list\[(.+)\]$")
_DICT = re.compile(r"^dict\(([^,]+), (.+)\)$")
_PRIMITIVES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (float, int),
    "bool": (bool,),
    "object": (str, int, dict, list, bool, float),  # e.g. IntOrString, free-form
    "datetime": (str,),
    "date": (str,),
}


class ManifestError(AtlasError):
    """A manifest does not match Kubernetes' schema; the message lists every problem."""


def _models() -> Any:
    import kubernetes.client

    return kubernetes.client


def _check(value: Any, kind: str, path: str, problems: list[str]) -> Any:
    """Check ``value`` against the client type ``kind``; return the client object or value."""
    if value is None:
        return None
    if match := _LIST.match(kind):
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list, got {type(value).__name__}")
            return None
        return [
            _check(item, match.group(1), f"{path}[{i}]", problems) for i, item in enumerate(value)
        ]
    if match := _DICT.match(kind):
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a mapping, got {type(value).__name__}")
            return None
        return {k: _check(v, match.group(2), f"{path}.{k}", problems) for k, v in value.items()}
    if kind in _PRIMITIVES:
        allowed = _PRIMITIVES[kind]
        if isinstance(value, bool) and bool not in allowed:
            allowed = ()  # True is an int to Python, not to Kubernetes
        if not isinstance(value, allowed):
            problems.append(f"{path}: expected {kind}, got {type(value).__name__} {value!r}")
        return value
    return _check_model(value, kind, path, problems)


def _check_model(value: Any, kind: str, path: str, problems: list[str]) -> Any:
    klass = getattr(_models(), kind)
    if not isinstance(value, dict):
        problems.append(f"{path}: expected an object ({kind}), got {type(value).__name__}")
        return None
    by_json = {json_name: attribute for attribute, json_name in klass.attribute_map.items()}
    arguments = {}
    for key, item in value.items():
        if key not in by_json:
            known = ", ".join(sorted(by_json))
            problems.append(f"{path}.{key}: unknown field (a {kind} has: {known})")
            continue
        attribute = by_json[key]
        arguments[attribute] = _check(
            item, klass.openapi_types[attribute], f"{path}.{key}", problems
        )
    try:
        return klass(**arguments)  # the client checks required fields and some enums here
    except ValueError as error:
        problems.append(f"{path}: {error}")
        return None


def _check_quantities(manifest: Mapping[str, Any], problems: list[str]) -> None:
    """Resource requests and limits must be Kubernetes quantities, requests within limits."""
    from kubernetes.utils import parse_quantity

    template = manifest.get("spec", {}).get("template", {}).get("spec", {})
    for index, container in enumerate(template.get("containers", []) or []):
        resources = container.get("resources", {}) or {}
        parsed: dict[str, dict[str, Any]] = {}
        for group in ("requests", "limits"):
            for name, text in (resources.get(group) or {}).items():
                where = f"spec.template.spec.containers[{index}].resources.{group}.{name}"
                try:
                    parsed.setdefault(group, {})[name] = parse_quantity(text)
                except (ValueError, TypeError, ArithmeticError):
                    problems.append(f"{where}: {text!r} is not a Kubernetes quantity")
        for name, request in parsed.get("requests", {}).items():
            limit = parsed.get("limits", {}).get(name)
            if limit is not None and request > limit:
                problems.append(
                    f"spec.template.spec.containers[{index}].resources: {name} request "
                    f"{resources['requests'][name]} is above its limit {resources['limits'][name]}"
                )


def validate_manifest(manifest: Mapping[str, Any]) -> Any:
    """Validate one manifest against its kind's schema; return the client object.

    Args:
        manifest: One Kubernetes object as a mapping (a YAML document).

    Returns:
        The ``kubernetes.client`` object built from it (e.g. a ``V1Deployment``).

    Raises:
        ManifestError: An unsupported kind, unknown fields, wrong types, missing required
            fields or bad quantities; every problem is listed, each with its path.
    """
    if not isinstance(manifest, Mapping):
        raise ManifestError(f"a manifest must be a mapping, got {type(manifest).__name__}")
    kind = (manifest.get("apiVersion"), manifest.get("kind"))
    name = (manifest.get("metadata") or {}).get("name", "?")
    if kind not in KINDS:
        known = ", ".join(f"{api}/{k}" for api, k in KINDS)
        raise ManifestError(f"{kind[0]}/{kind[1]} {name}: not a kind this checks (known: {known})")
    problems: list[str] = []
    built = _check_model(dict(manifest), KINDS[kind], "", problems)
    _check_quantities(manifest, problems)
    if problems:
        listed = "; ".join(problem.lstrip(".") for problem in problems)
        raise ManifestError(f"{kind[1]} {name}: {listed}")
    return built


def check_consistency(manifests: Iterable[Mapping[str, Any]]) -> list[str]:
    """Problems across objects that each object's own schema cannot see.

    - a Deployment's ``selector.matchLabels`` must match its pod template's labels;
    - a Service's selector must match the pods of some Deployment;
    - a named ``targetPort`` or probe port must be a port the container names;
    - an autoscaler must target a Deployment of the set, whose containers request CPU
      when it scales on CPU utilisation.
    """
    problems = []
    items = list(manifests)
    deployments = {m["metadata"]["name"]: m for m in items if m.get("kind") == "Deployment"}
    pods = {}
    for name, deployment in deployments.items():
        spec = deployment["spec"]
        labels = spec["template"]["metadata"].get("labels", {})
        pods[name] = (labels, spec["template"]["spec"]["containers"])
        if not set(spec["selector"].get("matchLabels", {}).items()) <= set(labels.items()):
            problems.append(f"Deployment {name}: selector does not match its pod labels")
        for container in spec["template"]["spec"]["containers"]:
            ports = {port.get("name") for port in container.get("ports", [])}
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                port = (container.get(probe) or {}).get("httpGet", {}).get("port")
                if isinstance(port, str) and port not in ports:
                    problems.append(f"Deployment {name}: {probe} uses port {port!r}, not declared")
    for item in items:
        name = item["metadata"]["name"]
        if item.get("kind") == "Service":
            selector = set(item["spec"].get("selector", {}).items())
            matched = [d for d, (labels, _) in pods.items() if selector <= set(labels.items())]
            if not matched:
                problems.append(f"Service {name}: its selector matches no Deployment's pods")
            for port in item["spec"].get("ports", []):
                target = port.get("targetPort")
                declared = {
                    p.get("name") for d in matched for c in pods[d][1] for p in c.get("ports", [])
                }
                if isinstance(target, str) and matched and target not in declared:
                    problems.append(f"Service {name}: targetPort {target!r} is not a named port")
        if item.get("kind") == "HorizontalPodAutoscaler":
            target = item["spec"]["scaleTargetRef"]
            if target.get("kind") != "Deployment" or target.get("name") not in deployments:
                problems.append(f"HorizontalPodAutoscaler {name}: targets no Deployment of the set")
                continue
            on_cpu = any(
                (metric.get("resource") or {}).get("name") == "cpu"
                for metric in item["spec"].get("metrics", [])
            )
            for container in pods[target["name"]][1]:
                if on_cpu and "cpu" not in (container.get("resources", {}).get("requests") or {}):
                    problems.append(
                        f"HorizontalPodAutoscaler {name}: container {container['name']} "
                        "requests no CPU, so CPU utilisation is undefined"
                    )
    return problems


def load_manifests(path: Path) -> list[dict[str, Any]]:
    """The YAML documents of a manifests file (empty documents skipped).

    Raises:
        ManifestError: The file is missing or is not valid YAML.
    """
    try:
        documents = list(yaml.safe_load_all(Path(path).read_text(encoding="utf-8")))
    except OSError as error:
        raise ManifestError(f"{path}: cannot read ({error.strerror or error})") from None
    except yaml.YAMLError as error:
        raise ManifestError(f"{path}: not valid YAML: {str(error).splitlines()[0]}") from None
    return [document for document in documents if document is not None]


def validate_manifests(manifests: Iterable[Mapping[str, Any]]) -> list[Any]:
    """Validate every manifest and their consistency; return the client objects.

    Raises:
        ManifestError: Any problem, each object's problems named with its kind and name.
    """
    built, problems = [], []
    items = list(manifests)
    for manifest in items:
        try:
            built.append(validate_manifest(manifest))
        except ManifestError as error:
            problems.append(str(error))
    if not problems:
        problems = check_consistency(items)
    if problems:
        raise ManifestError(" | ".join(problems))
    return built
