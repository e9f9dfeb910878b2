#!/usr/bin/env bash
# Builds everything, then starts comfyui-api on port 3000 in front of the ComfyUI simulator.
# The simulator is launched through CMD, exactly as a real ComfyUI would be.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-env.sh

mvn -B -q -DskipTests package

home="${COMFY_HOME:-$PWD/run/comfyui}"
mkdir -p "$home/models/checkpoints" "$home/input" "$home/output"
[ -f "$home/models/checkpoints/sd15-demo.safetensors" ] || echo "simulated checkpoint" > "$home/models/checkpoints/sd15-demo.safetensors"

export COMFY_HOME="$home"
export COMFYUI_PORT_HOST="${COMFYUI_PORT_HOST:-8188}"
export CMD="${CMD:-$JAVA_HOME/bin/java -jar $PWD/simulator/target/comfyui-simulator.jar --port $COMFYUI_PORT_HOST --base-directory $home}"
export WORKFLOW_DIR="${WORKFLOW_DIR:-$PWD/run/workflows}"
exec "$JAVA_HOME/bin/java" -jar server/target/comfyui-api.jar
