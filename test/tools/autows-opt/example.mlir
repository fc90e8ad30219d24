// The example `make run` processes: the duplicated ReLU merges, the unused pool and its weights go.
// RUN: autows-opt %S/../../../examples/resnet-block.mlir --pass-pipeline='builtin.module(canonicalize,autows-cse{report},autows-dce{report},cse)' 2>%t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=REMARKS < %t.err
// CHECK-LABEL: func.func @basic_block
// CHECK-COUNT-2: "graph.conv2d"
// CHECK-NOT: "graph.maxpool"
// CHECK: "graph.add"
// CHECK: return
// REMARKS: resnet-block.mlir:9:14: remark: merged into an identical 'graph.relu'
// REMARKS: resnet-block.mlir:13:13: remark: erased unused 'graph.maxpool'
