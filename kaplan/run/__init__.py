"""The ``kaplan`` command and the monthly run (docs/operations.md).

jsonschema, which papermill and nbformat use, imports ``rfc3987_syntax`` when it is installed
(JupyterLab pulls it in through jupyter-events), and that module builds Earley parsers at import:
4.5 s measured on every run. No notebook schema uses its IRI formats, so the run's process takes the
module as absent.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
