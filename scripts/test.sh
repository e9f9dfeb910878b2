#!/usr/bin/env bash
# Runs every test: the simulator's, the server's unit tests and the end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-env.sh
exec mvn -B verify "$@"
