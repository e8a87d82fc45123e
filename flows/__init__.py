"""Prefect flows and the CLI. Settings that must hold before Prefect is imported live here."""
import os

# No internet: telemetry would only log errors. The default API is Prefect's embedded one.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")   # else the client prints a telemetry notice on a terminal
os.environ.setdefault("PREFECT_CLI_PROMPT", "false")
# the embedded API starts in a subprocess; on a busy machine the default 20 s is too short
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TQDM_DISABLE", "1")
