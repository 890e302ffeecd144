#!/usr/bin/env bash
# serve_hostile.sh — `nianbao serve` against malformed HTTP, oversized bodies, wrong Host
# and Origin, missing tokens, path tricks in draft names, slow and broken clients and 200
# concurrent checks: every bad request refused with the right status, the server serving
# on, nothing outside the drafts folder touched (serve_hostile.py says what is checked).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool python3
python3 "$SRCDIR/tests/e2e/serve_hostile.py" "$NIANBAO" "$SRCDIR" "$WORKDIR"
