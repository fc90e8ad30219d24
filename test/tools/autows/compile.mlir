// autows compile writes every level and the reports; fpgaConvNet's tools (and autows estimate) read its config.
// RUN: rm -rf %t.out && autows compile --model lenet --device zcu102 --quant w4a5 -o %t.out --quiet 2>%t.err
// RUN: FileCheck %s --check-prefix=SUMMARY < %t.err
// SUMMARY: lenet on ZCU102: {{[0-9.]+}} FPS, {{.*}} cycles; fits
// RUN: ls %t.out | FileCheck %s --check-prefix=FILES
// FILES: config.json
// FILES-NEXT: dataflow.mlir
// FILES-NEXT: graph.mlir
// FILES-NEXT: memory.mlir
// FILES-NEXT: report.html
// FILES-NEXT: report.json

// Each level parses and verifies, and keeps the node names as locations.
// RUN: autows-opt %t.out/graph.mlir -o /dev/null && autows-opt %t.out/dataflow.mlir -o /dev/null && autows-opt %t.out/memory.mlir -o /dev/null
// RUN: FileCheck %s --check-prefix=GRAPH < %t.out/graph.mlir
// GRAPH: func.func @lenet({{.*}}graph.quantization = "w4a5p2-bfp"
// GRAPH: loc("conv1")
// RUN: FileCheck %s --check-prefix=DATAFLOW < %t.out/dataflow.mlir
// DATAFLOW: attributes {dataflow.pipeline, dse = {algorithm = "bisection", {{.*}}feasible = true
// DATAFLOW: "dataflow.conv"
// RUN: FileCheck %s --check-prefix=MEMORY < %t.out/memory.mlir
// MEMORY: "memory.onchip_buffer"

// The reports: fpgaConvNet's schema, an HTML page with its four charts, and a config that evaluates the same.
// RUN: FileCheck %s --check-prefix=REPORT < %t.out/report.json
// REPORT: "throughput (FPS)"
// RUN: test $(grep -c "<svg" %t.out/report.html) -eq 4
// RUN: autows estimate --fpgaconvnet-config %t.out/config.json --device zcu102 -o %t.again.json 2>/dev/null
// RUN: grep '"cycles"' %t.out/report.json > %t.cycles && grep '"cycles"' %t.again.json | diff %t.cycles -

// Fused, LeNet's convolutions carry their relu and max pool: the configuration records both, and reading it back
// gives the same cycles.
// RUN: rm -rf %t.fused && autows compile --model lenet --device zcu102 --quant w4a5 --fuse -o %t.fused --quiet 2>/dev/null
// RUN: FileCheck %s --check-prefix=FUSED < %t.fused/dataflow.mlir
// FUSED-COUNT-2: "dataflow.conv"({{.*}}activation = "relu"{{.*}}pool = "max"
// FUSED-NOT: "dataflow.pool"
// RUN: grep -c '"fused_pool"' %t.fused/config.json | FileCheck %s --check-prefix=CONFIG
// CONFIG: 2
// RUN: autows estimate --fpgaconvnet-config %t.fused/config.json --device zcu102 -o %t.fused.again.json 2>/dev/null
// RUN: grep '"cycles"' %t.fused/report.json > %t.fused.cycles && grep '"cycles"' %t.fused.again.json | diff %t.fused.cycles -
// Equality saturation first changes nothing LeNet needs, and the fused engines come out the same.
// RUN: rm -rf %t.eqsat && autows compile --model lenet --device zcu102 --quant w4a5 --eqsat --fuse -o %t.eqsat --quiet 2>/dev/null
// RUN: diff %t.fused/dataflow.mlir %t.eqsat/dataflow.mlir

// The same input gives the same files, byte for byte.
// RUN: rm -rf %t.second && autows compile --model lenet --device zcu102 --quant w4a5 -o %t.second --quiet 2>/dev/null
// RUN: diff -r %t.out %t.second

// Bad input: an error, a non-zero status and no OUT/.
// RUN: rm -rf %t.bad && not autows compile --model lenet --device zcu999 -o %t.bad 2>&1 | FileCheck %s --check-prefix=DEVICE && test ! -e %t.bad
// DEVICE: error: {{.*}}zcu999
// RUN: not autows compile --model lenet --quant w0a5 -o %t.bad 2>&1 | FileCheck %s --check-prefix=QUANT && test ! -e %t.bad
// QUANT: error: invalid quantisation 'w0a5'
// RUN: not autows compile --model lenet --device-file %S/Inputs/tiny-board.json -o %t.bad --quiet 2>&1 | FileCheck %s --check-prefix=BUDGET && test ! -e %t.bad
// BUDGET: lenet: error: no design fits TinyBoard: {{.*}} short
// RUN: not autows compile %t.missing.onnx -o %t.bad 2>&1 | FileCheck %s --check-prefix=MISSING && test ! -e %t.bad
// MISSING: error: cannot read ONNX model
