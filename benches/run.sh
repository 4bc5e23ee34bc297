#!/usr/bin/env bash
# make bench: see docs/PERFORMANCE.md.
set -euo pipefail
echo "bench: nothing yet"
