# A client container as the seed pictures it: Python with requests and numpy, no Hailo or ONNX
# software; it reaches the service by its name on a shared network.
ARG BASE_IMAGE=debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-numpy python3-requests \
    && rm -rf /var/lib/apt/lists/*
COPY client.py /client.py
USER 65534:65534
ENTRYPOINT ["python3", "/client.py"]
