"""Architecture diagrams as code, drawn with the ``diagrams`` package.

Each diagram is a function registered with `register`; the site asks
`render_svg` for a self-contained SVG (icons embedded), cached by the
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


def _register_all() -> None:
    """Import every module of this package: each registers its diagrams on import."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        if module.name != "render":
            importlib.import_module(f"{__name__}.{module.name}")


_register_all()
