"""Names a package exports, each imported from its module on first use (PEP 562).

A package whose ``__init__`` imported every module would make any import of it pay
for all of them: ``mlops-atlas debt scan`` would load numpy through the simulations,
and every MkDocs build pandas through the assurance checks. Such a package lists
where each name lives instead and sets ``__getattr__ = lazy_exports(__name__, HOMES)``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports each name of ``homes`` from its module when asked.

    Args:
        package: The package's ``__name__``.
        homes: Each exported name and the module it lives in, relative to ``package``.

    Returns:
        The function to assign to the package's ``__getattr__``. A name is imported
        once; it is then an ordinary attribute of the package. Any other name raises
        ``AttributeError``, as for a module without it.

    Examples:
        >>> import types
        >>> package = types.ModuleType("mlops_atlas_demo")
        >>> sys.modules["mlops_atlas_demo"] = package
        >>> package.__getattr__ = lazy_exports("mlops_atlas_demo", {})
        >>> package.missing
        Traceback (most recent call last):
        ...
        AttributeError: module 'mlops_atlas_demo' has no attribute 'missing'
    """

    def load(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{home}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return load
