"""The ``kaplan`` command: init, sample, check, lock, run, verify, approve, adjust (docs/operations.md).

Any :class:`~kaplan.core.errors.KaplanError` ends the command with its message and its exit code
(2 bad input or parameters, 3 annual targets differ from the locked plan, 4 the data do not cover
the month; docs/operations.md "Exit codes"); nothing is written in that case.

Each command imports what it runs when it runs: ``kaplan run`` starts its report kernels first
(:mod:`kaplan.run.kernels`), so that they start while the run imports the rest (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from kaplan.core.errors import KaplanError
from kaplan.core.months import Month, MonthError

log = logging.getLogger("kaplan")

DEMO_UNTIL = "2026-06-20"


AUTO = "auto"


def _month(text: str) -> str:
    try:
        return str(Month.of(text))
    except MonthError:
        raise argparse.ArgumentTypeError(f"expected a month as YYYY-MM, found {text!r}") from None


def _run_month(text: str) -> str:
    return AUTO if text == AUTO else _month(text)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, found {text!r}") from None


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"expected a year as YYYY, found {text!r}")
    return int(text)


def cmd_sample(args: argparse.Namespace) -> int:
    from kaplan.sample.write import write_sample

    write_sample(Path(args.out), scale=args.scale, seed=args.seed, until=args.until, fmt=args.format)
    print(f"sample data ({args.scale}, seed {args.seed}, until {args.until}) written to {args.out}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from kaplan.inputs.check import check_folder

    report = check_folder(args.data, params_file=args.params)
    print(report)
    return 0


def cmd_lock(args: argparse.Namespace) -> int:
    from kaplan.inputs.check import lock_year

    path = lock_year(args.year, args.data, Path(args.locks) if args.locks else None)
    print(f"annual plan {args.year} locked: {path}")
    return 0


def run_months(month: str, params_file: str | None, today: Callable[[], date]) -> list[str]:
    """The months to publish: ``month``, or for ``auto`` those of :func:`auto_months` on ``today()``."""
    if month != AUTO:
        return [month]
    from kaplan.core.params import load_params
    from kaplan.inputs.coverage import auto_months

    return auto_months(today(), load_params(params_file).kpi.compile_deadline_day)


def cmd_run(args: argparse.Namespace) -> int:
    from kaplan.run.kernels import WORKERS, ReadyKernels

    # the kernels start (and import) while this process imports the run and validates the inputs
    with ReadyKernels(WORKERS, Path.cwd().resolve()) as kernels:
        from kaplan.run.month import run_month

        for month in run_months(args.month, args.params, args.today):
            version = run_month(
                month=month,
                as_of=args.as_of,
                data_dir=args.data or None,
                params_file=Path(args.params) if args.params else None,
                out_dir=Path(args.out),
                lang=args.lang,
                assess=args.assess or "",
                kernels=kernels,
            )
            print(f"published {version}\nopen {Path(args.out) / 'index.html'} (the month index of every audience), or")
            for folder in sorted(p.name for p in version.iterdir() if p.is_dir()):
                print(f"  {folder:<14} {version / folder / 'index.html'}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from kaplan.run.publish import verify_version

    verify_version(Path(args.version))
    print(f"{args.version}: every file matches its manifest hash")
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    from kaplan.assessment.workflow import approvals_dir, record
    from kaplan.core.params import load_params

    deadline_day = load_params(args.params, month=args.month).kpi.compile_deadline_day
    folder = Path(args.approvals) if args.approvals else approvals_dir(args.params)
    state = record(args.month, args.stage, args.by, folder, deadline_day=deadline_day)
    last = state.events[-1]
    print(f"{args.month}: {last.stage} by {last.by} at {last.at}" + (f" ({last.note})" if last.note else ""))
    return 0


def cmd_adjust(args: argparse.Namespace) -> int:
    from kaplan.run.adjust import adjust

    path, record = adjust(args.month, Path(args.source), args.by, args.reason,
                          data_dir=Path(args.data) if args.data else None,
                          params_file=Path(args.params) if args.params else None)  # fmt: skip
    moved = [r for r in record.rows if not r["rebalanced"]]
    balanced = [r for r in record.rows if r["rebalanced"]]
    print(f"{args.month}: adjustment recorded in {path} by {record.by}: {len(moved)} target(s) set"
          + (f", {len(balanced)} rebalanced" if balanced else ""))
    for row in record.rows:
        print(f"  {row['dealer_id']} {row['line']}: {row['before']} -> {row['target']}"
              + (" (rebalanced)" if row["rebalanced"] else ""))
    print(f"the next `kaplan run --month {args.month}` issues the adjusted targets")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from kaplan.run.init import init_deployment

    folder = Path(args.dir)
    for path in init_deployment(folder):
        print(f"created {path}")
    print(f"{folder}: ready. Put your tables in {folder / 'data'} (see data/README.md), then\n"
          f"  cd {folder} && kaplan check --data data && kaplan run --month YYYY-MM --data data")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="kaplan", description="Key-account sales planning workbook.")
    top.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = top.add_subparsers(dest="command", required=True)
    data_help = "input folder, or a database URL: postgresql://USER@HOST/DB or sqlite:///FILE (docs/data.md)"

    p = sub.add_parser("sample", help="write a synthetic, deterministic data set")
    p.add_argument("--out", required=True, help="folder to write the tables to (with --format sqlite: the file)")
    p.add_argument("--scale", choices=("small", "demo", "national"), default="demo",
                   help="size: small (40 dealers), demo (300, the default) or national (2,000; about 1 M orders)")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7): the same seed gives the same files")
    p.add_argument("--until", type=_date, default=_date(DEMO_UNTIL), help="last date covered (default %(default)s)")
    p.add_argument("--format", choices=("csv", "xlsx", "parquet", "sqlite"), default="csv",
                   help="one file per table (csv, the default; xlsx; parquet) or one SQLite database file")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("check", help="validate an input folder and list every problem")
    p.add_argument("--data", required=True, help=data_help)
    p.add_argument("--params", help="parameters YAML (default params/default.yaml)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("lock", help="lock a year's annual plan")
    p.add_argument("--year", type=_year, required=True, help="the plan year to lock, YYYY")
    p.add_argument("--data", required=True, help=data_help)
    p.add_argument("--locks", help="folder of locks (default params/locks)")
    p.set_defaults(func=cmd_lock)

    p = sub.add_parser("run", help="publish a month: notebooks, HTML reports and Excel sheets")
    p.add_argument("--month", type=_run_month, required=True,
                   help="YYYY-MM, or auto: the running month by today's date (on the days up to "
                        "kpi.compile_deadline_day, the month just closed first)")
    p.add_argument("--assess", type=_month, help="month to assess (default: the last closed month, the month before)")
    p.add_argument("--as-of", type=_date, help="a date of the month (default: the last date with sales in the month)")
    p.add_argument("--data", help=data_help + " (default: the bundled demo data set)")
    p.add_argument("--params", help="parameters YAML (default params/default.yaml)")
    p.add_argument("--out", default="outputs", help="folder to publish into (default outputs)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the reports (default zh)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("verify", help="check a published version against its manifest")
    p.add_argument("version", help="outputs/YYYY-MM/vN")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("approve", help="record a step of the month's assessment: compiled, reviewed, approved")
    p.add_argument("--month", type=_month, required=True, help="the assessed month, e.g. the month before the run's")
    p.add_argument("--stage", choices=("compiled", "reviewed", "approved"), required=True,
                   help="the step to record, in this order")
    p.add_argument("--by", required=True, help="who compiled, reviewed (director) or approved (leader)")
    p.add_argument("--params", help="parameters YAML (default params/default.yaml); approvals live beside it")
    p.add_argument("--approvals", help="folder of approval records (default: approvals/ beside the params file)")
    p.set_defaults(func=cmd_approve)

    p = sub.add_parser("adjust", help="record manual adjustments of a month's issued dealer targets")
    p.add_argument("--month", type=_month, required=True, help="the month whose issued targets are adjusted (YYYY-MM)")
    p.add_argument("--from", dest="source", required=True,
                   help="the edited issue workbook issue/<region>.xlsx, or a sheet of dealer_id, line, target")
    p.add_argument("--by", required=True, help="who adjusts")
    p.add_argument("--reason", required=True, help="why (shown beside the adjusted targets)")
    p.add_argument("--data", help="input folder (default: the bundled demo data set)")
    p.add_argument("--params", help="parameters YAML (default params/default.yaml); adjustments live beside it")
    p.set_defaults(func=cmd_adjust)

    p = sub.add_parser("init", help="make a deployment folder: params/default.yaml, data/, outputs/")
    p.add_argument("dir", nargs="?", default=".", help="folder to set up (default: here)")
    p.set_defaults(func=cmd_init)
    return top


def main(argv: Sequence[str] | None = None, today: Callable[[], date] = date.today) -> int:
    """Run one command; ``today`` is the clock ``--month auto`` reads (injected by tests)."""
    args = parser().parse_args(argv)
    args.today = today
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
        stream=sys.stderr,
    )
    try:
        return args.func(args)
    except KaplanError as exc:
        print(f"kaplan {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"kaplan {args.command}: interrupted, nothing was published", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into a pager or `head` that closed early
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
