"""Architecture diagrams as code, drawn with the ``diagrams`` package.

Each diagram is a function registered with :func:`register`; the site asks
:func:`render_svg` for a self-contained SVG (icons embedded), cached by the
diagram's code. One module per reading holds that reading's diagrams; a new
module in this package is picked up without being listed anywhere.
"""

from mlops_atlas.diagrams.render import (
    DiagramError,
    DiagramSpec,
    embed_images,
    register,
    registry,
    render_svg,
)

__all__ = ["DiagramError", "DiagramSpec", "embed_images", "register", "registry", "render_svg"]

# Importing a module registers its diagrams.
from mlops_atlas.diagrams import sculley2015  # noqa: F401
