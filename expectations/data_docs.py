"""The Data Docs site, readable offline, with the history of the last runs.

GX renders its pages to load Bootstrap, jQuery, Font Awesome, bootstrap-table … from
CDNs: offline the index's run list (drawn by bootstrap-table) is blank, the pages are
unstyled and the status icons are missing. make_offline() copies local copies of those
files into the site (static/vendor/) and points every page at them:

* from registry packages: XStatic-Bootstrap (4.5.3: its bundle carries Popper),
  XStatic-jQuery, XStatic-Font-Awesome, XStatic-Bootstrap-Datepicker (PyPI);
* bootstrap-table 1.19.1 and bootstrap-dark 1.1.0 exist on no Python package; their
  files are copied from the npm packages into expectations/data_docs_assets/ (MIT,
  see the README there);
* GX's own static/images for its logo;
* vega (GX draws charts only for distribution expectations, which no suite has) and
  links to GX's website and newsletter are dropped; the favicon link of a result page,
  one level short in GX's template, is corrected.

A page still naming an http(s) resource afterwards is logged as a warning
(tests/test_data_docs.py fails on it).

prune_history() keeps the validation results, and their pages, of the newest runs.
AssetNamedValidationResultsPageRenderer is GX's validation page with the data asset's
name in its header (wired in through great_expectations.yml).
"""
from __future__ import annotations

import importlib
import logging
import os
import re
import shutil
from pathlib import Path

from great_expectations.render.renderer import ValidationResultsPageRenderer

log = logging.getLogger(__name__)

ASSETS_DIR = Path(__file__).resolve().parent / "data_docs_assets"
VENDOR = "static/vendor"
GX_ASSETS = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
CDNJS = "https://cdnjs.cloudflare.com/ajax/libs/"
BOOTSTRAP_TABLE = "https://unpkg.com/bootstrap-table@1.19.1/dist/"


def _xstatic(name: str) -> Path:
    return Path(importlib.import_module(f"xstatic.pkg.{name}").BASE_DIR)


# static/vendor/<name>/: (where the files come from, the files or directories copied)
VENDORED = {
    "bootstrap": (lambda: _xstatic("bootstrap"), ("css/bootstrap.min.css", "js/bootstrap.bundle.min.js")),
    "jquery": (lambda: _xstatic("jquery"), ("jquery.min.js",)),
    "font-awesome": (lambda: _xstatic("font_awesome"), ("css/all.min.css", "webfonts")),
    "bootstrap-datepicker": (lambda: _xstatic("bootstrap_datepicker"), ("bootstrap-datepicker.js", "datepicker3.css")),
    "bootstrap-table": (lambda: ASSETS_DIR / "bootstrap-table-1.19.1",
                        ("bootstrap-table.min.js", "bootstrap-table.min.css", "extensions", "LICENSE")),
    "bootstrap-dark": (lambda: ASSETS_DIR / "bootstrap-dark-1.1.0", ("bootstrap-prefers-dark.min.css", "LICENSE")),
}

# What a GX page loads -> the site's local copy (relative to the site's root), or None
# when the page needs no copy.
LOCAL_COPY = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": f"{VENDOR}/bootstrap/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js":
        f"{VENDOR}/bootstrap/js/bootstrap.bundle.min.js",
    f"{CDNJS}popper.js/1.12.9/umd/popper.min.js": None,            # in Bootstrap's bundle
    "https://code.jquery.com/jquery-3.7.1.min.js": f"{VENDOR}/jquery/jquery.min.js",
    f"{CDNJS}font-awesome/6.6.0/css/all.min.css": f"{VENDOR}/font-awesome/css/all.min.css",
    f"{CDNJS}bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        f"{VENDOR}/bootstrap-datepicker/datepicker3.css",
    f"{CDNJS}bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        f"{VENDOR}/bootstrap-datepicker/bootstrap-datepicker.js",
    f"{BOOTSTRAP_TABLE}bootstrap-table.min.css": f"{VENDOR}/bootstrap-table/bootstrap-table.min.css",
    f"{BOOTSTRAP_TABLE}bootstrap-table.min.js": f"{VENDOR}/bootstrap-table/bootstrap-table.min.js",
    f"{BOOTSTRAP_TABLE}extensions/filter-control/bootstrap-table-filter-control.min.js":
        f"{VENDOR}/bootstrap-table/extensions/filter-control/bootstrap-table-filter-control.min.js",
    **{f"https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control{ext}":
       f"{VENDOR}/bootstrap-table/extensions/filter-control/bootstrap-table-filter-control.min.css"
       for ext in (".css", ".min.css")},
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        f"{VENDOR}/bootstrap-dark/bootstrap-prefers-dark.min.css",
    **{f"https://cdn.jsdelivr.net/npm/{lib}": None for lib in ("vega@5", "vega-lite@5", "vega-embed@6")},
    f"{GX_ASSETS}logo-long.png": "static/images/logo-long.png",
    f"{GX_ASSETS}full_logo_dark.png": "static/images/logo-long.png",   # GX ships no dark logo
}

_TAG = re.compile(r'<(?P<tag>script|link)\b[^>]*?\b(?:src|href)="(?P<url>https?://[^"]+)"[^>]*>(?:\s*</script>)?')
_URL = re.compile(r"""(?P<url>https?://[^"'()\s?]+)(?:\?[^"'()\s]*)?""")
_EXTERNAL_ANCHOR = re.compile(r'<a\b[^>]*\bhref="https?://[^"]*"[^>]*>(?P<text>.*?)</a>', re.S)
_FAVICON = re.compile(r'href="(?:\.\./|\./)*static/images/favicon\.ico"')   # GX is a level short on result pages
_NEWSLETTER = re.compile(r"<footer>\s*<p>Stay current on everything GX.*?</footer>", re.S)
_RESOURCE = re.compile(r"""(?:<(?:script|link|img)\b[^>]*?\b(?:src|href)=|url\()["']?(https?://[^"')\s]+)""")


def make_offline(site: Path) -> None:
    """Copy the vendored files into the site and point its pages at them."""
    _copy_vendored(site)
    for page in sorted(site.rglob("*.html")):
        if page.is_relative_to(site / "static"):
            continue
        text = page.read_text("utf-8")
        offline = offline_html(text, os.path.relpath(site, page.parent))
        if offline != text:
            page.write_text(offline, "utf-8")
        for url in remote_resources(offline):
            log.warning("Data Docs page %s loads %s, which has no local copy", page.relative_to(site), url)


def offline_html(text: str, to_root: str) -> str:
    """A page's HTML loading local copies instead (to_root: the relative path from the
    page's directory to the site's root)."""
    def local(url: str) -> str:
        return f"{to_root}/{LOCAL_COPY[url]}"

    def tag(match: re.Match) -> str:
        url = match["url"]
        if url not in LOCAL_COPY:
            return match[0]
        if LOCAL_COPY[url] is None:
            return ""
        if match["tag"] == "script":   # a fresh tag: the CDN's integrity hash is not our copy's
            return f'<script src="{local(url)}"></script>'
        return f'<link rel="stylesheet" href="{local(url)}">'

    text = _TAG.sub(tag, text)
    text = _URL.sub(lambda m: local(m["url"]) if LOCAL_COPY.get(m["url"]) else m[0], text)   # images, css url()
    text = _FAVICON.sub(f'href="{to_root}/static/images/favicon.ico"', text)
    text = _NEWSLETTER.sub("", text)
    return _EXTERNAL_ANCHOR.sub(lambda m: m["text"], text)


def remote_resources(text: str) -> list[str]:
    """The http(s) URLs a page loads (scripts, styles, images, css url())."""
    return _RESOURCE.findall(text)


def _copy_vendored(site: Path) -> None:
    for name, (base, files) in VENDORED.items():
        root = base()
        for rel in files:
            source, target = root / rel, site / VENDOR / name / rel
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target)
            else:
                shutil.copyfile(source, target)


# --------------------------------------------------------------------------- history


def prune_history(site: Path, results: Path, keep_runs: int) -> None:
    """Keep the validation results (results/<suite>/<run_name>/<run_time>/) and the site's
    pages of the newest keep_runs runs; remove the others'."""
    runs: dict[tuple[str, str], list[Path]] = {}
    for run_dir in results.glob("*/*/*"):
        if run_dir.is_dir():
            runs.setdefault((run_dir.name, run_dir.parent.name), []).append(run_dir.relative_to(results))
    # run times (20261202T131927.456589Z) sort as the times they are
    for key in sorted(runs, reverse=True)[max(keep_runs, 0):]:
        for rel in runs[key]:
            for root in (results, site / "validations"):
                shutil.rmtree(root / rel, ignore_errors=True)
                if (root / rel).parent.is_dir() and not any((root / rel).parent.iterdir()):
                    (root / rel).parent.rmdir()


# --------------------------------------------------------------------------- the page


class AssetNamedValidationResultsPageRenderer(ValidationResultsPageRenderer):
    """GX's validation page; its header and title name the data asset. GX reads the name
    from the batch spec, where a fluent data source does not put it."""

    def render(self, validation_results, suite_parameters=None):
        spec = validation_results.meta.get("batch_spec")
        if isinstance(spec, dict) and not spec.get("data_asset_name") and validation_results.asset_name:
            validation_results.meta["batch_spec"] = {**spec, "data_asset_name": validation_results.asset_name}
        return super().render(validation_results, suite_parameters)
