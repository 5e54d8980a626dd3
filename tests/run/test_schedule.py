"""The scheduling files of docs/deploy (systemd service and timer, cron line, run-month.sh) parse and
run the right command; docs/operations.md shows the same commands. systemd itself cannot run here."""

from __future__ import annotations

import configparser
import re
import shlex
import subprocess
from pathlib import Path

from kaplan.run.cli import parser

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy"
OPERATIONS = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
CRON_FIELD = re.compile(r"^(\*|[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*)(/[0-9]+)?$")
CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


def unit(name: str) -> configparser.ConfigParser:
    config = configparser.ConfigParser(interpolation=None, strict=True)
    config.optionxform = str  # systemd keys are case-sensitive
    config.read_string((DEPLOY / name).read_text(encoding="utf-8"))
    return config


def kaplan_args(command: str) -> list[str]:
    """The arguments after ``…/kaplan`` in a command line."""
    words = shlex.split(command)
    at = next(i for i, w in enumerate(words) if w.endswith("/kaplan") or w == "kaplan")
    return words[at + 1 :]


def test_the_service_runs_the_running_month_once_from_the_deployment_folder() -> None:
    service = unit("kaplan-month.service")
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["WorkingDirectory"] == "/srv/planning"
    args = kaplan_args(service["Service"]["ExecStart"])
    assert args == ["run", "--month", "auto", "--data", "data"]
    parsed = parser().parse_args(args)  # the options exist and parse
    assert (parsed.command, parsed.month, parsed.data) == ("run", "auto", "data")
    assert service["Service"]["ExecStart"].startswith("/srv/planning/.venv/bin/kaplan ")


def test_the_timer_starts_the_service_every_morning_and_catches_up() -> None:
    timer = unit("kaplan-month.timer")
    assert timer["Timer"]["Unit"] == "kaplan-month.service"
    assert timer["Timer"]["OnCalendar"] == "*-*-* 06:30:00"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_the_cron_line_runs_the_script_every_morning() -> None:
    lines = [line for line in (DEPLOY / "kaplan.cron").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]  # fmt: skip
    assert lines[0] == "KAPLAN_CACHE_DIR=/srv/planning/.cache/kaplan"
    fields = lines[1].split(maxsplit=5)
    assert fields[:5] == ["30", "6", "*", "*", "*"]
    for field, (low, high) in zip(fields[:5], CRON_RANGES, strict=True):
        assert CRON_FIELD.match(field)
        assert all(low <= int(n) <= high for n in re.findall(r"[0-9]+", field))
    assert fields[5] == "/srv/planning/run-month.sh"


def test_the_script_is_valid_shell_and_acts_on_every_exit_code() -> None:
    script = DEPLOY / "run-month.sh"
    assert subprocess.run(["sh", "-n", str(script)], check=False).returncode == 0
    text = script.read_text(encoding="utf-8")
    command = next(line for line in text.splitlines() if "/kaplan run" in line)
    assert kaplan_args(command.split(">>")[0]) == ["run", "--month", "auto", "--data", "data"]
    handled = re.findall(r"^\s+([0-9]+|\*)\)", text, flags=re.MULTILINE)
    assert handled == ["0", "2", "3", "4", "130", "*"]


def test_operations_md_shows_the_same_files() -> None:
    assert "ExecStart=/srv/planning/.venv/bin/kaplan run --month auto --data data" in OPERATIONS
    assert "30 6 * * * /srv/planning/run-month.sh" in OPERATIONS
    script_body = (DEPLOY / "run-month.sh").read_text(encoding="utf-8").split("cd \"$(dirname", 1)[1]
    assert script_body in OPERATIONS
    for code in ("| 0 |", "| 2 |", "| 3 |", "| 4 |", "| 130 |"):
        assert code in OPERATIONS
