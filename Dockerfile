# hailo8-service image (docs/container.md).
#
#   docker build -t hailo8-service:latest .
#   docker run -d --name hailo8-service --device=/dev/hailo0 -p 8080:8080 \
#       -v "$PWD/models:/models:ro" -v hailo8-data:/data hailo8-service:latest
#
# Needs BuildKit (the default builder since Docker 23; DOCKER_BUILDKIT=1 on 20.10) or
# podman/buildah: both skip the stages the chosen BINARY does not use.
#
# Build arguments:
#   BASE_IMAGE           runtime base: ubuntu:24.04 (default), debian:bookworm or debian:trixie.
#                        Each needs glibc >= 2.28 (the onnxruntime wheel) and packages
#                        libturbojpeg and libspng; Ubuntu 22.04 has no libspng package.
#   SWIFT_IMAGE          toolchain of the build stage; its glibc must not be newer than the
#                        base's (swift:6.3-noble for Ubuntu 24.04, swift:6.3-bookworm for Debian).
#   BINARY               build (default): compile in SWIFT_IMAGE. context: take a binary built
#                        outside, from docker/dist/<arch>/ (docker/stage-binary.sh puts it there),
#                        where the Swift image cannot be pulled.
#   ONNXRUNTIME_VERSION  the onnxruntime wheel whose libonnxruntime.so the CPU backend loads.
#                        A matching wheel in docker/wheels/ is used first (air-gapped sites).
# HailoRT: put hailort_<version>_<arch>.deb into docker/hailort/ to install it into the image;
# without it, mount the host's libhailort (docs/container.md).
#
# Multi-architecture (a Raspberry Pi 5 is linux/arm64):
#   docker buildx build --platform linux/amd64,linux/arm64 -t REGISTRY/hailo8-service:latest --push .
ARG BASE_IMAGE=ubuntu:24.04
ARG SWIFT_IMAGE=swift:6.3-noble
ARG BINARY=build

# --- the binary, built here --------------------------------------------------------------------
FROM ${SWIFT_IMAGE} AS binary-build
RUN apt-get update \
    && apt-get install -y --no-install-recommends pkg-config libturbojpeg0-dev libspng-dev libzmq3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
# Package.swift names the test targets too: SwiftPM wants their folders present.
COPY Tests ./Tests
RUN swift build -c release --product hailo8-service --static-swift-stdlib \
    && install -D -m 0755 "$(swift build -c release --show-bin-path --static-swift-stdlib)/hailo8-service" /out/bin/hailo8-service \
    && strip --strip-unneeded /out/bin/hailo8-service \
    && mkdir -p /out/lib

# --- or built outside (docker/stage-binary.sh) ---------------------------------------------------
FROM scratch AS binary-context
ARG TARGETARCH
COPY docker/dist/${TARGETARCH}/ /out/

# hadolint ignore=DL3006
FROM binary-${BINARY} AS binary

# --- libonnxruntime.so from the onnxruntime wheel (no Python in the image) ----------------------
FROM --platform=${BUILDPLATFORM} ${BASE_IMAGE} AS onnxruntime
ARG TARGETARCH
ARG ONNXRUNTIME_VERSION=1.32.0
COPY docker/wheels/ /wheels/
COPY docker/onnxruntime.sh /usr/local/bin/onnxruntime.sh
RUN /usr/local/bin/onnxruntime.sh "${ONNXRUNTIME_VERSION}" "${TARGETARCH}" /wheels /out

# --- runtime -------------------------------------------------------------------------------------
FROM ${BASE_IMAGE}
ARG TARGETARCH
COPY docker/install-runtime.sh /usr/local/sbin/install-runtime.sh
COPY docker/hailort/ /tmp/hailort/
RUN /usr/local/sbin/install-runtime.sh "${TARGETARCH}" /tmp/hailort \
    && rm -rf /tmp/hailort /usr/local/sbin/install-runtime.sh
COPY --from=onnxruntime /out/ /opt/hailo8-service/lib/
COPY --from=binary /out/ /opt/hailo8-service/
COPY docker/entrypoint.sh /opt/hailo8-service/bin/entrypoint.sh
# /dev/hailo0 is mode 0666 with Hailo's udev rule; otherwise give the container the device's
# group: docker run --group-add "$(stat -c %g /dev/hailo0)".
USER 10001:10001
ENV PATH=/opt/hailo8-service/bin:${PATH} \
    LD_LIBRARY_PATH=/opt/hailo8-service/lib \
    HAILO8_ONNXRUNTIME_LIBRARY=/opt/hailo8-service/lib/libonnxruntime.so \
    HAILO8_HOST=0.0.0.0 HAILO8_PORT=8080 HAILO8_MODELS_DIR=/models HAILO8_DATA_DIR=/data
WORKDIR /data
VOLUME ["/models", "/data"]
# 8080: HTTP; 5555: Frigate's zmq detector when HAILO8_ZMQ_ENDPOINTS=tcp://0.0.0.0:5555;
# 8001: KServe v2 gRPC when HAILO8_GRPC_PORT=8001.
EXPOSE 8080 5555 8001
# Waits for the start (models loading) for up to a minute; /health answers 200 once it serves.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["sh", "-c", "curl -fsS -o /dev/null http://127.0.0.1:${HAILO8_PORT}/health || exit 1"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/hailo8-service/bin/entrypoint.sh"]
