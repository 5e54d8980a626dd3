"""The first release's public names, kept working: ``kaplan.allocate.apportion`` and ``composite_shares``.

They live in :mod:`kaplan.core.apportion` and :mod:`kaplan.plan.composite` (docs/method.md §2.2).
"""

from kaplan.core.apportion import apportion
from kaplan.plan.composite import composite_shares

__all__ = ["apportion", "composite_shares"]
