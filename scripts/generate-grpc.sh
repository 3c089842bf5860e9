#!/usr/bin/env bash
# Regenerates Sources/InferenceGRPC/Generated/ from Protos/*.proto: builds protoc-gen-swift
# (swift-protobuf) and protoc-gen-grpc-swift-2 (grpc-swift-protobuf) in .cache/grpc-codegen/
# (about ten minutes the first time), then runs protoc (Debian's protobuf-compiler). The
# generated code is committed; neither the build nor CI runs this.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TOOLS="$ROOT/.cache/grpc-codegen"
OUT="$ROOT/Sources/InferenceGRPC/Generated"

command -v protoc >/dev/null 2>&1 || {
    echo "generate-grpc: installing protobuf-compiler" >&2
    apt-get install -y -qq --no-install-recommends protobuf-compiler >/dev/null
}

mkdir -p "$TOOLS"
cat >"$TOOLS/Package.swift" <<'SWIFT'
// swift-tools-version:6.2
// Builds the protoc plugins only (scripts/generate-grpc.sh).
import PackageDescription

let package = Package(
    name: "grpc-codegen",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
    ],
    targets: [.target(name: "Placeholder", path: "Placeholder")]
)
SWIFT
mkdir -p "$TOOLS/Placeholder"
echo "// Empty: the package exists to build its dependencies' protoc plugins." >"$TOOLS/Placeholder/Placeholder.swift"

swift build -c release --package-path "$TOOLS" --product protoc-gen-swift
swift build -c release --package-path "$TOOLS" --product protoc-gen-grpc-swift-2
BIN="$(swift build -c release --package-path "$TOOLS" --show-bin-path)"

rm -rf "$OUT"
mkdir -p "$OUT"
protoc --proto_path=Protos \
    --plugin=protoc-gen-swift="$BIN/protoc-gen-swift" \
    --plugin=protoc-gen-grpc-swift="$BIN/protoc-gen-grpc-swift-2" \
    --swift_out="$OUT" --swift_opt=Visibility=Internal \
    --grpc-swift_out="$OUT" --grpc-swift_opt=Visibility=Internal,Server=true,Client=true \
    Protos/grpc_service.proto Protos/model_config.proto
echo "generate-grpc: wrote $(ls "$OUT" | tr '\n' ' ')" >&2
