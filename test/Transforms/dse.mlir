// The search chooses parallelism and streaming, explains itself, and leaves a legal pipeline.
// RUN: autows-translate --model lenet | autows-opt --pass-pipeline='builtin.module(graph-quantize{spec=w4a5},convert-graph-to-dataflow,autows-dse{device=zedboard explain})' -o %t.mlir 2>%t.err
// RUN: FileCheck %s < %t.mlir
// RUN: FileCheck %s --check-prefix=EXPLAIN < %t.err
// CHECK: attributes {dataflow.pipeline, dse = {algorithm = "bisection", binding = "{{.*}}", cycles = {{[0-9]+}} : i64, device = "Zedboard", {{.*}}feasible = true
// CHECK-SAME: dse_explanation = "{
// CHECK: "dataflow.conv"{{.*}}coarse_in = {{[0-9]+}} : i64
// EXPLAIN: lenet: remark:
// EXPLAIN-SAME: FPS

// The pipeline estimates to what the search found.
// RUN: autows-opt %t.mlir --pass-pipeline='builtin.module(autows-estimate{device=zedboard})' | FileCheck %s --check-prefix=ESTIMATE
// ESTIMATE: feasible = true

// AutoWS's greedy runs as a baseline; a board too small is an error naming what is short.
// RUN: autows-translate --model lenet | autows-opt --pass-pipeline='builtin.module(graph-quantize{spec=w4a5},convert-graph-to-dataflow,autows-dse{device=zedboard dse=autows-greedy})' | FileCheck %s --check-prefix=GREEDY
// GREEDY: dse = {algorithm = "autows-greedy"
// RUN: autows-translate --model lenet | not autows-opt --pass-pipeline='builtin.module(graph-quantize{spec=w4a5},convert-graph-to-dataflow,autows-dse{device-file=%S/../tools/autows/Inputs/tiny-board.json})' 2>&1 | FileCheck %s --check-prefix=SHORT
// SHORT: lenet: error: no design fits TinyBoard:
// RUN: autows-translate --model lenet | autows-opt --pass-pipeline='builtin.module(graph-quantize{spec=w4a5},convert-graph-to-dataflow,autows-dse{device-file=%S/../tools/autows/Inputs/tiny-board.json partial})' 2>&1 >/dev/null | FileCheck %s --check-prefix=PARTIAL
// PARTIAL: lenet: warning: no design fits TinyBoard; keeping the closest one.
