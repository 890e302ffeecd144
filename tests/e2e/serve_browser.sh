#!/usr/bin/env bash
# serve_browser.sh — the report editor of `nianbao serve` in Debian's chromium, headless,
# driven by puppeteer-core (tests/browser/editor.mjs says what it checks).  scripts/dev test
# installs chromium, node and the pinned puppeteer-core into tests/browser/node_modules;
# without them this test is skipped (77).  Screenshots of the form and of the preview are
# left in WORKDIR/artifacts for a person to look at.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
chromium=${NB_CHROMIUM:-/usr/bin/chromium}
if ! command -v node >/dev/null || [ ! -x "$chromium" ] ||
    [ ! -d "$SRCDIR/tests/browser/node_modules/puppeteer-core" ]; then
    note "skipped: needs node, $chromium and tests/browser/node_modules (scripts/dev test installs them)"
    exit 77
fi
node "$SRCDIR/tests/browser/editor.mjs" "$NIANBAO" "$SRCDIR" "$WORKDIR"
note "screenshots: $WORKDIR/artifacts"
