# hailo8-service container.
#
#   docker build -t hailo8-service .                      # CPU fallback + a host-mounted libhailort
#   (put hailort_4.23.0_<arch>.deb into docker/hailort/ first to bake HailoRT into the image)
#   docker compose up -d
#
# UBUNTU_VERSION: 24.04 by default, 22.04 also works. 20.04 reached the end of its standard
# support in 2025 and gets no security updates without a subscription; HailoRT 4.23's user-space
# package installs on all three, so the newer base is the safer default.
ARG SWIFT_IMAGE=swift:6.3-noble
ARG UBUNTU_VERSION=24.04

FROM ${SWIFT_IMAGE} AS build
WORKDIR /src
COPY Package.swift requirements-dev.txt ./
COPY Sources ./Sources
COPY docker ./docker
RUN ./docker/build.sh /opt/hailo8-service

FROM ubuntu:${UBUNTU_VERSION}
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl python3 python3-venv \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/hailo8-service /opt/hailo8-service
COPY docker/hailort /tmp/hailort
RUN apt-get update \
    && /opt/hailo8-service/bin/install-runtime.sh \
    && rm -rf /var/lib/apt/lists/* /tmp/hailort \
    && groupadd --system --gid 10001 hailo8 \
    && useradd --system --uid 10001 --gid hailo8 --groups video --home-dir /data --shell /usr/sbin/nologin hailo8 \
    && mkdir -p /models /data \
    && chown 10001:10001 /data
# /dev/hailo0 is mode 0666 with Hailo's udev rule; otherwise add the device's group (group_add).
USER 10001:10001
ENV HAILO8_HOST=0.0.0.0 HAILO8_PORT=8080 HAILO8_MODELS_DIR=/models HAILO8_DATA_DIR=/data
VOLUME ["/models", "/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["curl", "-fsS", "http://127.0.0.1:8080/health"]
ENTRYPOINT ["/opt/hailo8-service/bin/entrypoint.sh"]
