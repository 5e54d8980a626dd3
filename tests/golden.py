"""Values of every sheet of every workbook of a published month, as digests.

``python tests/golden.py outputs/2026-06/v1 > tests/fixtures/golden/demo-2026-06.json`` records the
demo month (its management folder); ``test_golden.py`` publishes the demo month again and compares sheet by sheet.
Values, not bytes: each cell as an Excel reader gives it (numbers, text, dates), row by row, read with calamine
(ten times faster than openpyxl on the demo month's workbooks); the digests are those of the values openpyxl
gives, which the golden copy was first recorded with: a whole number as an int, a date as a date-time at
midnight, an empty cell as None.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import date, datetime
from pathlib import Path

from python_calamine import CalamineWorkbook


def _cell(value: object) -> object:
    if value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, float):
        return round(value, 9)
    return value


def sheet_values(path: Path) -> dict[str, dict[str, object]]:
    """Per sheet: rows, columns, header row and a sha256 of every row's values."""
    book = CalamineWorkbook.from_path(str(path))
    out = {}
    for name in book.sheet_names:
        digest = hashlib.sha256()
        rows = 0
        header: list[object] = []
        width = 0
        for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False):
            values = [_cell(v) for v in row]
            while values and values[-1] is None:
                values.pop()
            if rows == 0:
                header = values
            width = max(width, len(values))
            digest.update(json.dumps(values, ensure_ascii=False, default=str).encode())
            rows += 1
        out[name] = {"rows": rows, "columns": width, "header": header, "sha256": digest.hexdigest()}
    return out


def month_values(version: Path) -> dict[str, dict[str, dict[str, object]]]:
    """Every workbook of a version's ``management`` folder, which holds every national workbook (relative path ->
    sheets); the other audiences hold copies of them or a region's rows, checked by tests/run/test_audiences.py."""
    folder = version / "management"
    return {p.relative_to(folder).as_posix(): sheet_values(p) for p in sorted(folder.rglob("*.xlsx"))}


if __name__ == "__main__":
    json.dump(month_values(Path(sys.argv[1])), sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")
