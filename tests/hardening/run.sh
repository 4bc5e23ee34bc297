#!/usr/bin/env bash
# Hardening runs: smoke (part of make test), fuzz, stress. See docs/RELIABILITY.md.
set -euo pipefail
echo "hardening: $1: nothing yet"
