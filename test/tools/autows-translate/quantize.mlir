// A quantised network runs with integer semantics; its outputs are codes of the activation format.
// RUN: autows-translate --model lenet | autows-opt --pass-pipeline='builtin.module(graph-quantize{spec=w4a5})' -o %t.mlir
// RUN: FileCheck %s --check-prefix=ATTR < %t.mlir
// ATTR: func.func @lenet({{.*}} attributes {graph.quantization = "w4a5p2-bfp"}
// RUN: autows-translate --run %t.mlir --seed 1 | FileCheck %s
// CHECK: "codes": [
// CHECK: "format": {
// CHECK-NEXT: "binary_point": 2,
// CHECK-NEXT: "width": 5
// CHECK: "quantization": "w4a5p2-bfp"
// The same run gives the same codes.
// RUN: autows-translate --run %t.mlir --seed 1 > %t.1 && autows-translate --run %t.mlir --seed 1 > %t.2 && cmp %t.1 %t.2
// --float ignores the quantisation.
// RUN: autows-translate --run %t.mlir --seed 1 --float | FileCheck %s --check-prefix=FLOAT
// FLOAT-NOT: codes

// A batch norm must be folded first; a bad spec is refused.
// RUN: autows-translate --model resnet18 | not autows-opt --pass-pipeline='builtin.module(graph-quantize)' 2>&1 | FileCheck %s --check-prefix=BN
// BN: bn1: error: 'graph.batchnorm' op has no integer form and cannot be quantised; fold it first with graph-fold-batchnorm
// RUN: autows-translate --model lenet | not autows-opt --pass-pipeline='builtin.module(graph-quantize{spec=w0a5})' 2>&1 | FileCheck %s --check-prefix=SPEC
// SPEC: error: invalid quantisation 'w0a5'
