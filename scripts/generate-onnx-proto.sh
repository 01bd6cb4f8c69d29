#!/usr/bin/env bash
# Regenerates Sources/ONNXProto/onnx.pb.swift from Sources/ONNXProto/onnx.proto (ONNX's proto2
# schema, copied from the `onnx` pip package 1.23.2: `python3 -c "import onnx,os;print(os.path.dirname(onnx.__file__))"`).
#
#   bash scripts/generate-onnx-proto.sh
#
# Needs `protoc` (apt-get install -y protobuf-compiler) and `protoc-gen-swift` built from
# swift-protobuf at the tag Package.swift pins (1.39.0), which it builds in /tmp when absent:
#   git clone https://github.com/apple/swift-protobuf /tmp/swift-protobuf-gen
#   git -C /tmp/swift-protobuf-gen checkout 1.39.0
#   swift build -c release --package-path /tmp/swift-protobuf-gen --product protoc-gen-swift
# The generated file is committed: building slimtrace never needs protoc.
# Types are public (the Export target and tests use them) and named `Onnx_*` after the proto package.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
plugin_dir="${PROTOC_GEN_SWIFT_DIR:-/tmp/swift-protobuf-gen}"
plugin="$plugin_dir/.build/release/protoc-gen-swift"
if [ ! -x "$plugin" ]; then
    [ -d "$plugin_dir" ] || git clone https://github.com/apple/swift-protobuf "$plugin_dir"
    git -C "$plugin_dir" checkout 1.39.0
    swift build -c release --package-path "$plugin_dir" --product protoc-gen-swift
fi
protoc --plugin=protoc-gen-swift="$plugin" \
    --swift_opt=Visibility=Public \
    --swift_out="$root/Sources/ONNXProto" \
    --proto_path="$root/Sources/ONNXProto" \
    onnx.proto
echo "wrote Sources/ONNXProto/onnx.pb.swift"
