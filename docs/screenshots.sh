#!/bin/sh
# The screenshots in docs/ (shown in the README), taken as a user would see the pages:
# a headless Chromium in a network namespace of its own, so nothing can be loaded from
# the internet. Two runs: the seed pages, then page 004 with a paragraph whose GDP lost
# its multiplier (1600 元 for a zone), so the index shows when the check began to fail.
#
#   apt-get install -y chromium fonts-noto-cjk     # Debian; needs root for unshare -n
#   sh docs/screenshots.sh
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d)
cp -r raw "$work/raw"
export PREFECT_SERVER_ANALYTICS_ENABLED=false PREFECT_HOME="$work/prefect"
.venv/bin/gaoxin run --raw "$work/raw" --warehouse "$work/warehouse" >"$work/runs.log" 2>&1
printf '\n2023年,杭州高新区(滨江)实现地区生产总值1600元,同比增长8.2%%。\n' >> "$work/raw/004_f8f127a7b4d90d57.txt"
.venv/bin/gaoxin run --raw "$work/raw" --warehouse "$work/warehouse" >>"$work/runs.log" 2>&1

shot() {   # shot OUT.png WIDTHxHEIGHT PAGE
    unshare -n chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --no-first-run --hide-scrollbars \
        --window-size="$(echo "$2" | tr x ,)" --screenshot="$1" "file://$3" 2>/dev/null
}
docs="$work/warehouse/data_docs"
failed=$(grep -l 'text-danger" aria-hidden="true"></i> Failed' "$docs"/validations/indicators/*/*/*.html)
shot docs/data_docs_index.png 1400x760 "$docs/index.html"
shot docs/data_docs_indicators.png 1400x1000 "$failed"
shot docs/report_charts.png 1200x1900 "$docs/report.html"
echo "screenshots of $work written to docs/"
