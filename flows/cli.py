"""gaoxin CLI: run | query | report | serve (see CONTRACT.md)."""
from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import flows  # noqa: F401  (environment defaults before Prefect is imported)

EXIT_OK, EXIT_FAILED, EXIT_EXPECTATIONS = 0, 1, 2
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
    failed = [f"{s['suite']}: {s['failed']} of {s['evaluated']} failed" for s in v["suites"] if s["failed"]]
    lines = [
        f"gaoxin run {summary['run_id']} -> {summary['warehouse']}",
        f"  documents   ingested {c['documents_ingested']}, unchanged {c['documents_unchanged']}, "
        f"rejected {c['documents_rejected']}",
        f"  passages    kept {c['passages_kept']}, removed spam {c['passages_removed_spam']}, "
        f"boilerplate {c['passages_removed_boilerplate']}, duplicate {c['passages_removed_duplicate']}",
        f"  indicators  landed {c['indicators_landed']}, quarantined {c['indicators_quarantined']}",
        f"  validation  {'passed' if v['success'] else 'FAILED'}"
        + (f" ({'; '.join(failed)})" if failed else "") + f"; Data Docs: {v['docs_index']}",
        f"  report      indicators over time, per region: {v['report_page']}",
        "  time        " + ", ".join(f"{k} {s:.2f}s" for k, s in t.items()),
    ]
    return "\n".join(lines)


def cmd_run(args) -> int:
    if sys.stderr.isatty():
        # a person watching gets the progress bar and the summary; logs are for pipes and schedules
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from flows import warehouse as wh
    from flows.pipeline import gaoxin_flow, with_dask
    _quiet_shutdown_noise()
    try:   # a busy warehouse is said plainly, before Prefect starts
        with wh.Warehouse(args.warehouse).exclusive():
            pass
    except wh.WarehouseBusy as e:
        print(f"gaoxin: {e}", file=sys.stderr)
        return EXIT_FAILED
    flow_fn, ahead = gaoxin_flow, 0
    if args.dask_workers or args.dask_address:
        flow_fn, ahead = with_dask(args.dask_workers or 2, args.dask_address), args.dask_workers or 2
    try:
        summary = flow_fn(raw=str(args.raw), warehouse=str(args.warehouse),
                          progress=sys.stderr.isatty(), chunks_ahead=ahead)
    except wh.WarehouseBusy as e:
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
    from flows import warehouse as wh
    try:
        con = wh.Warehouse(args.warehouse).connect()
        df = con.execute(args.sql).df()
    except Exception as e:
        print(f"gaoxin: query failed: {e}", file=sys.stderr)
        return EXIT_FAILED
    if args.format == "csv":
        df.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(df.to_json(orient="records", force_ascii=False, indent=1))
    else:
        import pandas as pd
        with pd.option_context("display.max_rows", 500, "display.max_columns", 50,
                               "display.width", 200, "display.unicode.east_asian_width", True):
            print(df.to_string(index=False))
    return EXIT_OK


def cmd_report(args) -> int:
    from flows.report import report_page, report_text
    try:
        print(report_page(args.warehouse) if args.html else report_text(args.warehouse))
    except FileNotFoundError as e:
        print(f"gaoxin: {e}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _start_local_server() -> subprocess.Popen | None:
    """Prefect's embedded API runs no scheduler: serve against a local Prefect server
    started here (and stopped with this process) unless PREFECT_API_URL names one."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start",
                               "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)   # Ctrl+C stops the runner first, then we stop it
    url = f"http://127.0.0.1:{port}/api"
    import httpx
    for _ in range(240):
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                os.environ["PREFECT_API_URL"] = url
                print(f"gaoxin: Prefect server with scheduler on {url}", file=sys.stderr)
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.5)
    server.terminate()
    raise RuntimeError("the local Prefect server did not start")


def cmd_serve(args) -> int:
    _quiet_shutdown_noise()
    server = _start_local_server()
    try:
        from flows.pipeline import gaoxin_flow
        gaoxin_flow.serve(name="gaoxin-scheduled", cron=args.cron,
                          parameters={"raw": str(args.raw), "warehouse": str(args.warehouse)})
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
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
    run.add_argument("--dask-workers", type=int, default=0,
                     help="run page-wise stages on a local Dask cluster of N worker processes")
    run.add_argument("--dask-address", default=None,
                     help="run page-wise stages on the Dask scheduler at this address (tcp://host:8786)")
    run.set_defaults(fn=cmd_run)
    query = sub.add_parser("query", help="run SQL on the warehouse")
    query.add_argument("sql")
    query.add_argument("--warehouse", default="warehouse", help=WAREHOUSE_HELP)
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query.set_defaults(fn=cmd_query)
    report = sub.add_parser("report", help="data-quality report: Data Docs path + text summary")
    report.add_argument("--warehouse", default="warehouse", help=WAREHOUSE_HELP)
    report.add_argument("--html", action="store_true",
                        help="where the report page is: per region, its main indicators over time as charts")
    report.set_defaults(fn=cmd_report)
    serve = sub.add_parser("serve", help="serve a scheduled deployment of the flow")
    serve.add_argument("--cron", default="0 6 * * *")
    serve.add_argument("--raw", type=_absolute, default=_absolute("raw"))
    serve.add_argument("--warehouse", type=_absolute, default=_absolute("warehouse"), help=WAREHOUSE_HELP)
    serve.set_defaults(fn=cmd_serve)
    args = parser.parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
