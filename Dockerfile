# comfyui-api in front of the ComfyUI image you already use.
#   mvn -B -DskipTests package          # builds server/target/comfyui-api.jar and the simulator jar
#   docker build --build-arg COMFYUI_IMAGE=<your ComfyUI image> -t comfyui-api .
# Needs BuildKit (the default since Docker 23) for the bind mount in the training step.
ARG COMFYUI_IMAGE=ghcr.io/saladtechnologies/comfyui-api:comfy0.3.64-torch2.8.0-cuda12.8-runtime
ARG JRE_IMAGE=eclipse-temurin:25-jre

FROM ${JRE_IMAGE} AS jre

FROM ${COMFYUI_IMAGE}
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH="${JAVA_HOME}/bin:${PATH}"
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
COPY server/target/comfyui-api.jar /opt/comfyui-api/comfyui-api.jar
COPY docker/train-aot.sh /opt/comfyui-api/train-aot.sh

# How ComfyUI is launched and where it lives: adjust to your base image.
ENV COMFY_HOME=/opt/ComfyUI \
    CMD="python main.py --listen 127.0.0.1 --port 8188" \
    WORKFLOW_DIR=/workflows \
    STARTUP_CHECK_MAX_TRIES=300 \
    STARTUP_CHECK_INTERVAL_S=1

# The AOT cache is trained here, with this JRE and this jar, in front of the ComfyUI simulator (which is
# bind-mounted for this step only and not kept in the image). A cache from another JDK or jar is ignored.
RUN --mount=type=bind,source=simulator/target/comfyui-simulator.jar,target=/tmp/comfyui-simulator.jar \
    sh /opt/comfyui-api/train-aot.sh java /opt/comfyui-api/comfyui-api.jar /tmp/comfyui-simulator.jar \
       /opt/comfyui-api/comfyui-api.aot

EXPOSE 3000
WORKDIR /opt/comfyui-api
ENTRYPOINT ["java", "-XX:AOTCache=/opt/comfyui-api/comfyui-api.aot", "--sun-misc-unsafe-memory-access=allow", \
            "-jar", "/opt/comfyui-api/comfyui-api.jar"]
