// Weight memories become explicit: two engines stream part of their weights through one DMA port; the others
// keep theirs on chip. The cost model sees the same design before and after.
// RUN: autows-translate --model resnet18 | autows-opt --pass-pipeline='builtin.module(graph-fold-batchnorm,autows-dce,graph-quantize{spec=w4a5},convert-graph-to-dataflow,dataflow-set-parallelism{engine=layer4.0.conv2 stream_weights=288},dataflow-set-parallelism{engine=fc stream_weights=117})' -o %t.dataflow.mlir
// RUN: autows-opt %t.dataflow.mlir --pass-pipeline='builtin.module(convert-dataflow-to-memory{device=zcu102})' -o %t.memory.mlir
// RUN: FileCheck %s < %t.memory.mlir
// CHECK: %[[PORT:.*]] = "memory.dma_port"() {bandwidth = 1.536000e+02 : f64, data_width = 512 : i64, sym_name = "weights"}
// RUN: test $(grep -c '"memory.onchip_buffer"' %t.memory.mlir) -eq 19
// RUN: test $(grep -c '"memory.dma_port"' %t.memory.mlir) -eq 1
// CHECK: "memory.stream_buffer"(%{{.*}}, %[[PORT]]) {bandwidth = {{.*}}, depth = 2359296 : i64, dma_order = 0 : i64, dram_base = 0 : i64, interval = 4096 : i64, offchip_depth = 1179648 : i64, onchip_depth = 1179648 : i64, ram = "bram", staging_depth = 4096 : i64
// CHECK: "memory.stream_buffer"(%{{.*}}, %[[PORT]]) {{.*}}dma_order = 1 : i64, dram_base = 589824 : i64
// CHECK-NOT: stream_weights

// RUN: autows-opt %t.dataflow.mlir --pass-pipeline='builtin.module(autows-estimate)' | grep -o 'cost = {binding[^}]*}' > %t.before
// RUN: autows-opt %t.memory.mlir --pass-pipeline='builtin.module(autows-estimate)' | grep -o 'cost = {binding[^}]*}' > %t.after
// RUN: diff %t.before %t.after

// Converting again changes nothing.
// RUN: autows-opt %t.memory.mlir --pass-pipeline='builtin.module(convert-dataflow-to-memory)' | diff %t.memory.mlir -
