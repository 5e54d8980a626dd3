"""``python -m kaplan``: the same as the ``kaplan`` command."""

from kaplan.run.cli import main

raise SystemExit(main())
