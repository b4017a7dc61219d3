"""Technical debt in ML systems (Sculley et al. 2015), made observable.

- :mod:`mlops_atlas.debt.cace`: entanglement, "Changing Anything Changes Everything".
"""

from mlops_atlas.debt.cace import CaceResult, simulate_cace

__all__ = ["CaceResult", "simulate_cace"]
