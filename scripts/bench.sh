#!/usr/bin/env bash
# Runs the benchmarks and prints one table (see docs/benchmarks.md).
#   ./scripts/bench.sh            full run (about 10 minutes on 2 cores)
#   ./scripts/bench.sh --smoke    tiny sizes, few iterations (what the test run does)
#   ./scripts/bench.sh --only=overhead,memory --out=/tmp/table.md
# Builds the jars first unless they exist (BENCH_BUILD=1 forces a build).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-env.sh

if [ "${BENCH_BUILD:-0}" = 1 ] || [ ! -f server/target/comfyui-api.jar ] || [ ! -f simulator/target/comfyui-simulator.jar ] \
    || [ ! -f benchmarks/target/comfyui-benchmarks.jar ]; then
  mvn -B -q -DskipTests install
fi
exec "$JAVA_HOME/bin/java" -Xmx2g --enable-native-access=ALL-UNNAMED -jar benchmarks/target/comfyui-benchmarks.jar "$@"
