"""MLOps Atlas: the MLOps literature, annotated, drawn and made runnable.

The public API, importable from here (each name is loaded on first use, so
``import mlops_atlas`` stays light and an example imports only what it uses):

- the bibliography: `load_bibliography`, `format_reference`;
- diagrams: `render_svg` draws a registered diagram to a self-contained SVG;
- examples: `run_example` runs a script and captures what it shows;
- tracking: `log_run` logs a run to MLflow;
- ideas made observable: `simulate_cace` (Sculley et al. 2015, entanglement).
"""

import importlib
import os
from typing import Any

# MLflow 3 reports usage to its makers over the network unless told not to; nothing this
# project runs may talk to the internet. A user who wants it on sets the variable to false.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

from mlops_atlas.errors import AtlasError, install_excepthook

_PUBLIC = {
    "Bibliography": "mlops_atlas.bibliography",
    "BibliographyError": "mlops_atlas.bibliography",
    "Reference": "mlops_atlas.bibliography",
    "load_bibliography": "mlops_atlas.bibliography",
    "CaceResult": "mlops_atlas.debt",
    "simulate_cace": "mlops_atlas.debt",
    "DiagramError": "mlops_atlas.diagrams",
    "render_svg": "mlops_atlas.diagrams",
    "author_year": "mlops_atlas.references",
    "format_reference": "mlops_atlas.references",
    "ExampleError": "mlops_atlas.runner",
    "ExampleRun": "mlops_atlas.runner",
    "run_example": "mlops_atlas.runner",
    "log_run": "mlops_atlas.tracking",
}

__all__ = ["AtlasError", *sorted(_PUBLIC)]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mlops_atlas' has no attribute {name!r}")


install_excepthook()  # examples run as scripts: a user error is one line, not a traceback
