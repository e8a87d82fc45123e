"""gaoxin CLI: run | query | report | serve (see CONTRACT.md)."""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

import flows  # noqa: F401  (environment defaults before Prefect is imported)

EXIT_OK, EXIT_FAILED, EXIT_EXPECTATIONS = 0, 1, 2
QUERY_LIMIT = 1000            # rows a table on the terminal shows unless --limit says otherwise; csv
                              # and json are exports (CONTRACT's scorer reads a whole csv): no default
WAREHOUSE_HELP = "directory, or fsspec URL such as s3://bucket/gaoxin (object storage)"


def _quiet_shutdown_noise() -> None:
    """Harmless shutdown chatter of the embedded API is not for users to learn to ignore."""
    class DropNoise(logging.Filter):
        NOISE = ("Error flushing events", "EventsWorker", "telemetry", "Telemetry",
                 "temporary server", "docs.prefect.io/v3/concepts/server")

        def filter(self, record: logging.LogRecord) -> bool:
            text = f"{record.name} {record.getMessage()}"
            return not any(n in text for n in self.NOISE)

    for name in ("prefect", "prefect.events", "prefect._internal", "prefect.server", "uvicorn", "uvicorn.error", ""):
        logging.getLogger(name).addFilter(DropNoise())
    for h in logging.getLogger("prefect").handlers:
        h.addFilter(DropNoise())


def format_summary(summary: dict) -> str:
    c, t, v = summary["counts"], summary["timings"], summary["validation"]
    failed = [f"{s['suite']}: {s['failed']} of {s['evaluated']} failed"
              + (f", warning {', '.join(s['warnings'])}" if s.get("warnings") else "")
              for s in v["suites"] if s["failed"]]
    lines = [
        f"gaoxin run {summary['run_id']} -> {summary['warehouse']}",
        f"  documents   ingested {c['documents_ingested']}, unchanged {c['documents_unchanged']}, "
        f"rejected {c['documents_rejected']}, duplicate {c['documents_duplicate']}, removed {c['documents_removed']}",
        f"  passages    kept {c['passages_kept']}, removed spam {c['passages_removed_spam']}, "
        f"boilerplate {c['passages_removed_boilerplate']}, duplicate {c['passages_removed_duplicate']}",
        f"  indicators  landed {c['indicators_landed']}, quarantined {c['indicators_quarantined']}",
        f"  validation  {'passed' if v['success'] else 'FAILED'}"
        + (f" ({'; '.join(failed)})" if failed else "")
        + (f", by {v['run_id']} (no page changed since)" if v.get("run_id") not in (None, summary["run_id"]) else "")
        + f"; Data Docs: {v['docs_index']}",
        f"  report      indicators over time, per region: {v.get('report_page') or 'not built'}",
        "  time        " + ", ".join(f"{k} {s:.2f}s" for k, s in t.items()),
    ]
    return "\n".join(lines)


def check_run(args) -> str | None:
    """What would make the run fail or lose data, said in one line before Prefect starts:
    raw/ missing or unreadable, a raw/ that lost most of the warehouse's pages (unless
    --allow-shrink), a warehouse another run is writing to. None when the run can go."""
    from flows import warehouse as wh
    from flows.raw import RawError, ShrinkRefused, list_pages, removed_pages
    from transforms import tables as T
    try:
        _, pages = list_pages(str(args.raw))
    except RawError as e:
        return str(e)
    try:
        store = wh.Warehouse(args.warehouse)
        landed = store.read_table("documents", T.DOCUMENTS, columns=["doc"])["doc"]
    except Exception as e:   # a bad URL, an unreadable or damaged warehouse
        return f"cannot read the warehouse at {args.warehouse}: {e}"
    try:
        removed_pages(landed, [name for name, _ in pages], str(args.raw), args.allow_shrink)
        with store.exclusive():
            pass
    except (ShrinkRefused, wh.WarehouseBusy) as e:
        return str(e)
    return None


def cmd_run(args) -> int:
    problem = check_run(args)
    if problem:
        print(f"gaoxin: {problem}", file=sys.stderr)
        return EXIT_FAILED
    from flows.lifeline import bind_descendants
    bind_descendants()   # a killed run takes Prefect's embedded API server with it
    if sys.stderr.isatty():
        # a person watching gets the progress bar and the summary; logs are for pipes and schedules
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from flows import warehouse as wh
    from flows.pipeline import gaoxin_flow, with_dask
    from flows.raw import RawError, ShrinkRefused
    _quiet_shutdown_noise()
    flow_fn, ahead = gaoxin_flow, 0
    if args.dask_workers or args.dask_address:
        flow_fn, ahead = with_dask(args.dask_workers or 2, args.dask_address), args.dask_workers or 2
    try:
        summary = flow_fn(raw=str(args.raw), warehouse=str(args.warehouse), progress=sys.stderr.isatty(),
                          chunks_ahead=ahead, allow_shrink=args.allow_shrink)
    except (RawError, ShrinkRefused, wh.WarehouseBusy) as e:   # raw/ or the lock changed since the check
        print(f"gaoxin: {e}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as e:   # a stage failed: the previous warehouse is untouched
        print(f"gaoxin: run failed: {type(e).__name__}: {e}", file=sys.stderr)
        return EXIT_FAILED
    print(format_summary(summary))
    if args.strict and not summary["validation"]["success"]:
        return EXIT_EXPECTATIONS
    return EXIT_OK


def cmd_query(args) -> int:
    import duckdb

    from flows import warehouse as wh
    try:
        con = wh.Warehouse(args.warehouse).connect()
    except FileNotFoundError as e:
        print(f"gaoxin: {e}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as e:   # an unreadable database file, a store that refuses us, …
        print(f"gaoxin: cannot open the warehouse {args.warehouse}: {_first_line(e)}", file=sys.stderr)
        return EXIT_FAILED
    try:
        wh.check_read_only(con, args.sql)
        limit = args.limit if args.limit is not None else (QUERY_LIMIT if args.format == "table" else 0)
        df, left_out = wh.fetch_bounded(con, args.sql, limit)
    except wh.QueryRefused as e:
        print(f"gaoxin: query refused: {e}", file=sys.stderr)
        return EXIT_FAILED
    except duckdb.PermissionException as e:
        print(f"gaoxin: query refused: {_first_line(e)} (gaoxin query reads only the warehouse)", file=sys.stderr)
        return EXIT_FAILED
    except Exception as e:   # bad SQL, a missing column, a store that fails midway, …
        print(f"gaoxin: query failed: {_first_line(e)}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        con.close()
    try:
        _print_frame(df, args.format)
    except BrokenPipeError:   # the reader stopped early (`| head`): not a failure of the query
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())   # and the exit flush is quiet
        return EXIT_OK
    if left_out:
        print(f"gaoxin: {len(df)} rows shown, {left_out} more left out (--limit N shows N, --limit 0 all)",
              file=sys.stderr)
    return EXIT_OK


def _print_frame(df, fmt: str) -> None:
    if fmt == "csv":
        df.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        print(df.to_json(orient="records", force_ascii=False, indent=1))
    else:
        import pandas as pd
        with pd.option_context("display.max_columns", 50, "display.width", 200,
                               "display.unicode.east_asian_width", True):
            print(df.to_string(index=False))
    sys.stdout.flush()   # a closed pipe shows here, not at exit


def _first_line(error: Exception) -> str:
    """DuckDB's message without the query excerpt it appends."""
    return str(error).strip().splitlines()[0]


def _row_limit(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of rows, 0 for no limit")
    return int(text)


def cmd_report(args) -> int:
    from flows.report import report_page, report_text
    try:
        print(report_page(args.warehouse) if args.html else report_text(args.warehouse))
    except FileNotFoundError as e:
        print(f"gaoxin: {e}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_serve(args) -> int:
    from flows.serve import ServerFailed, cron_error, serve, start_local_server
    error = cron_error(args.cron)
    if error:
        print(f"gaoxin: {error}", file=sys.stderr)
        return EXIT_FAILED
    from flows.lifeline import bind_descendants
    bind_descendants()   # a killed serve takes its server and flow runs with it
    _quiet_shutdown_noise()
    try:
        server = start_local_server()
    except ServerFailed as e:
        print(f"gaoxin: {e}", file=sys.stderr)
        return EXIT_FAILED
    failure = None
    try:
        failure = asyncio.run(serve(args.cron, str(args.raw), str(args.warehouse), server))
    except (KeyboardInterrupt, asyncio.CancelledError):   # Ctrl+C, SIGTERM
        pass
    finally:
        if server is not None:
            server.stop()
    if failure:
        print(f"gaoxin: {failure}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _absolute(location: str) -> str:
    """Scheduled runs start elsewhere: a local path is made absolute, a URL kept."""
    return location if "://" in location else str(Path(location).resolve())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gaoxin", description="Chinese news pages -> indicator tables")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the flow on raw/ into warehouse/")
    run.add_argument("--raw", default="raw", help="directory or fsspec URL of the pages")
    run.add_argument("--warehouse", default="warehouse", help=WAREHOUSE_HELP)
    run.add_argument("--strict", action="store_true", help="exit 2 when any expectation failed")
    run.add_argument("--allow-shrink", action="store_true",
                     help="let the run remove more than half of the warehouse's pages (those gone from --raw)")
    run.add_argument("--dask-workers", type=int, default=0,
                     help="run page-wise stages on a local Dask cluster of N worker processes")
    run.add_argument("--dask-address", default=None,
                     help="run page-wise stages on the Dask scheduler at this address (tcp://host:8786)")
    run.set_defaults(fn=cmd_run)
    query = sub.add_parser("query", help="run SQL on the warehouse")
    query.add_argument("sql")
    query.add_argument("--warehouse", default="warehouse", help=WAREHOUSE_HELP)
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query.add_argument("--limit", type=_row_limit, default=None, metavar="N",
                       help=f"print at most N rows (0: all; default {QUERY_LIMIT} for a table, all for csv and json); "
                            "stderr says how many were left out")
    query.set_defaults(fn=cmd_query)
    report = sub.add_parser("report", help="data-quality report: Data Docs path + text summary")
    report.add_argument("--warehouse", default="warehouse", help=WAREHOUSE_HELP)
    report.add_argument("--html", action="store_true",
                        help="where the report page is: per region, its main indicators over time as charts")
    report.set_defaults(fn=cmd_report)
    serve = sub.add_parser("serve", help="serve a scheduled deployment of the flow")
    serve.add_argument("--cron", default="0 6 * * *", help="when to run, a cron schedule in UTC")
    serve.add_argument("--raw", type=_absolute, default=_absolute("raw"))
    serve.add_argument("--warehouse", type=_absolute, default=_absolute("warehouse"), help=WAREHOUSE_HELP)
    serve.set_defaults(fn=cmd_serve)
    args = parser.parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
