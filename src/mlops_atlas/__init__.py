"""MLOps Atlas: the MLOps literature, annotated, drawn and made runnable.

The public API, re-exported here:

- the bibliography: :func:`load_bibliography`, :func:`format_reference`;
- diagrams: :func:`render_svg` draws a registered diagram to a self-contained SVG;
- examples: :func:`run_example` runs a script and captures what it shows;
- tracking: :func:`log_run` logs a run to MLflow;
- ideas made observable: :func:`simulate_cace` (Sculley et al. 2015, entanglement).
"""

import os

# MLflow 3 reports usage to its makers over the network unless told not to; nothing this
# project runs may talk to the internet. A user who wants it on sets the variable to false.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

from mlops_atlas.bibliography import Bibliography, BibliographyError, Reference, load_bibliography
from mlops_atlas.debt import CaceResult, simulate_cace
from mlops_atlas.diagrams import DiagramError, render_svg
from mlops_atlas.errors import AtlasError, install_excepthook
from mlops_atlas.references import author_year, format_reference
from mlops_atlas.runner import ExampleError, ExampleRun, run_example
from mlops_atlas.tracking import log_run

__all__ = [
    "AtlasError",
    "Bibliography",
    "BibliographyError",
    "CaceResult",
    "DiagramError",
    "ExampleError",
    "ExampleRun",
    "Reference",
    "author_year",
    "format_reference",
    "load_bibliography",
    "log_run",
    "render_svg",
    "run_example",
    "simulate_cace",
]

__version__ = "0.1.0"

install_excepthook()  # examples run as scripts: a user error is one line, not a traceback
