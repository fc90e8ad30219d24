// An ONNX model imports with its node names as locations and its initializers as weight handles.
// RUN: %python %S/Inputs/make_model.py small_cnn %t.onnx
// RUN: autows-translate --import-onnx %t.onnx | FileCheck %s
// CHECK: func.func @small_cnn(%arg0: tensor<1x3x8x8xf32> loc({{.*}})) -> tensor<1x10xf32>
// CHECK: "graph.weight"() {checksum = "fnv1a64:{{[0-9a-f]+}}", key = "w1", source = "{{.*}}.onnx"} : () -> tensor<4x3x3x3xf32> loc(#[[W1:loc[0-9]+]])
// CHECK: "graph.conv2d"{{.*}}pads = array<i64: 1, 1, 1, 1>{{.*}} -> tensor<1x4x8x8xf32> loc(#[[CONV:loc[0-9]+]])
// CHECK: "graph.batchnorm"
// CHECK: "graph.relu"
// CHECK: "graph.maxpool"{{.*}} -> tensor<1x4x4x4xf32>
// CHECK: "graph.flatten"{{.*}} -> tensor<1x64xf32>
// CHECK: "graph.gemm"{{.*}}trans_b = true{{.*}} -> tensor<1x10xf32>
// CHECK: #[[W1]] = loc("w1")
// CHECK: #[[CONV]] = loc("conv1")

// The interpreter agrees with onnxruntime on the imported model, before and after folding the batch norm.
// RUN: %python %S/Inputs/save_input.py 1x3x8x8 %t.npy
// RUN: %python %S/Inputs/run_onnxruntime.py %t.onnx %t.npy > %t.ort.json
// RUN: autows-translate --import-onnx %t.onnx -o %t.mlir
// RUN: autows-translate --run %t.mlir --input %t.npy > %t.run.json
// RUN: %python %S/Inputs/compare.py %t.ort.json %t.run.json --tolerance 1e-5
// RUN: autows-opt %t.mlir --pass-pipeline='builtin.module(graph-fold-batchnorm)' -o %t.folded.mlir
// RUN: autows-translate --run %t.folded.mlir --input %t.npy > %t.folded.json
// RUN: %python %S/Inputs/compare.py %t.ort.json %t.folded.json --tolerance 1e-5

// Weights inlined on request.
// RUN: autows-translate --import-onnx %t.onnx --inline-weights | FileCheck %s --check-prefix=INLINE
// INLINE-NOT: graph.weight
// INLINE: "graph.constant"() {value = dense<{{.*}}> : tensor<4x3x3x3xf32>}
