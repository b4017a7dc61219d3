"""MLOps Atlas: the MLOps literature, annotated, drawn and made runnable.

The public API, importable from here (each name is loaded on first use, so
``import mlops_atlas`` stays light and an example imports only what it uses):

- the bibliography: `load_bibliography`, `format_reference`;
- diagrams: `render_svg` draws a registered diagram to a self-contained SVG;
- examples: `run_example` runs a script and captures what it shows;
- tracking: `log_run` logs a run to MLflow;
- ideas made observable: `simulate_cace` (Sculley et al. 2015, entanglement).
"""

import os

# MLflow 3 reports usage to its makers over the network unless told not to; nothing this
# project runs may talk to the internet. A user who wants it on sets the variable to false.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

from mlops_atlas.errors import AtlasError, install_excepthook
from mlops_atlas.lazy import lazy_exports

_PUBLIC = {
    "Bibliography": "bibliography",
    "BibliographyError": "bibliography",
    "Reference": "bibliography",
    "load_bibliography": "bibliography",
    "CaceResult": "debt",
    "simulate_cace": "debt",
    "DiagramError": "diagrams",
    "render_svg": "diagrams",
    "author_year": "references",
    "format_reference": "references",
    "ExampleError": "runner",
    "ExampleRun": "runner",
    "run_example": "runner",
    "log_run": "tracking",
}

__all__ = ["AtlasError", *sorted(_PUBLIC)]

__version__ = "0.1.0"


__getattr__ = lazy_exports("mlops_atlas", _PUBLIC)
"""Load a public name from its module on first use (PEP 562)."""

install_excepthook()  # examples run as scripts: a user error is one line, not a traceback
