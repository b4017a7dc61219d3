"""Site generation: shortcodes and build preparation, as plain functions.

The MkDocs hooks (``src/mlops_atlas/site/hooks.py``) only call these, so the
logic does not depend on MkDocs internals and can move to another generator.
"""

from mlops_atlas.site.build import PreparedSite, front_matter, prepare_site
from mlops_atlas.site.shortcodes import PageError, SiteContext, expand_shortcodes

__all__ = [
    "PageError",
    "PreparedSite",
    "SiteContext",
    "expand_shortcodes",
    "front_matter",
    "prepare_site",
]
