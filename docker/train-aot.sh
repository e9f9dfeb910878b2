#!/bin/sh
# Trains the JDK AOT cache for comfyui-api at image build time: starts the server in front of the
# ComfyUI simulator (no GPU, no models needed), waits until ready, runs one prompt, stops it with
# SIGTERM; the JVM writes the cache as it exits.
# usage: train-aot.sh <java> <comfyui-api.jar> <simulator.jar> <cache output>
set -eu
JAVA=$1 JAR=$2 OUT=$4
SIM=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
WORK=$(mktemp -d)
PORT=${TRAIN_PORT:-3999} COMFY_PORT=${TRAIN_COMFY_PORT:-8999}
mkdir -p "$WORK/comfy"
CMD="$JAVA -Xmx256m -jar $SIM --port $COMFY_PORT --base-directory $WORK/comfy --step-ms 1" \
COMFY_HOME="$WORK/comfy" COMFYUI_PORT_HOST=$COMFY_PORT HOST=127.0.0.1 PORT=$PORT HOME="$WORK" \
WORKFLOW_DIR="${WORKFLOW_DIR:-$WORK/workflows}" STARTUP_CHECK_MAX_TRIES=120 LOG_LEVEL=warn \
  "$JAVA" -XX:AOTCacheOutput="$OUT" -Xlog:aot=error --sun-misc-unsafe-memory-access=allow -jar "$JAR" &
SERVER=$!
tries=0
until curl -fsS "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ $tries -gt 240 ] || ! kill -0 $SERVER 2>/dev/null; then
    echo "train-aot: the server did not become ready" >&2; kill $SERVER 2>/dev/null || true; exit 1
  fi
  sleep 0.5
done
curl -fsS -o /dev/null -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/prompt" -d '{"prompt": {
  "1": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 64, "batch_size": 1, "color": 16711680}},
  "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
  "3": {"class_type": "SaveImage", "inputs": {"filename_prefix": "train", "images": ["2", 0]}}},
  "convert_output": {"format": "webp"}}'
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/docs/json"
kill -TERM $SERVER
wait $SERVER || true
rm -rf "$WORK"
test -s "$OUT" || { echo "train-aot: no cache written to $OUT" >&2; exit 1; }
echo "train-aot: wrote $OUT ($(du -h "$OUT" | cut -f1))"
