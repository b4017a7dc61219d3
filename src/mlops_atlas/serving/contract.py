"""The service's input contract, probed from outside: what each kind of bad input gets back.

`bad_requests` builds, from one valid row, the requests a careless or hostile client
sends (malformed JSON, a missing field, a wrong type, an unknown field...), and
`probe_contract` sends each one and records the status and the one-line reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mlops_atlas.serving.app import MAX_ROWS
from mlops_atlas.serving.server import request

__all__ = ["Probe", "bad_requests", "probe_contract"]


@dataclass(frozen=True)
class Probe:
    """One request sent to the service and what came back.

    Attributes:
        case: What the request does wrong (or ``"valid row"``).
        status: The HTTP status answered.
        answer: The reason (``error``) for a refusal, else the prediction as text.
    """

    case: str
    status: int
    answer: str


def _body(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps({"instances": rows}).encode()


def bad_requests(row: dict[str, Any]) -> dict[str, tuple[bytes, str]]:
    """Requests derived from one valid ``row``: each a body and its Content-Type, by case.

    The first case is the valid row itself; the others each break one rule.
    """
    first = next(iter(row))
    numbers = [name for name, value in row.items() if isinstance(value, float)]
    texts = [name for name, value in row.items() if isinstance(value, str)]
    wrong = numbers[0] if numbers else first
    cases = {
        "valid row": (_body([row]), "application/json"),
        "malformed JSON": (_body([row])[:-5], "application/json"),
        "missing field": (
            _body([{k: v for k, v in row.items() if k != first}]),
            "application/json",
        ),
        "wrong type (text for a number)": (_body([{**row, wrong: "lots"}]), "application/json"),
        "number as a string": (_body([{**row, wrong: str(row[wrong])}]), "application/json"),
        "unknown field": (_body([{**row, "national_id": "12345678"}]), "application/json"),
        "too many rows": (_body([row] * (MAX_ROWS + 1)), "application/json"),
        "not JSON": (b"a,b,c\n1,2,3\n", "text/csv"),
    }
    if texts:
        cases["unknown category"] = (_body([{**row, texts[0]: "enterprise"}]), "application/json")
    return cases


def probe_contract(port: int, row: dict[str, Any]) -> list[Probe]:
    """Send every request of `bad_requests` to the service; record each answer.

    Args:
        port: The service's port on 127.0.0.1.
        row: A valid input row.

    Returns:
        One probe per case, in order.
    """
    probes = []
    for case, (body, content_type) in bad_requests(row).items():
        reply = request(port, "POST", "/predict", body, content_type=content_type)
        answer = reply.body.get("error") or json.dumps(reply.body)
        probes.append(Probe(case, reply.status, str(answer)))
    return probes
