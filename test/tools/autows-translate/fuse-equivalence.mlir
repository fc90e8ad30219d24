// Fusion changes the engines, not the mathematics: MobileNetV2 gives the same outputs fused and unfused, and
// lowers to fewer engines.
// RUN: autows-translate --model mobilenetv2 | autows-opt --pass-pipeline='builtin.module(graph-fold-batchnorm,autows-dce)' -o %t.mlir
// RUN: autows-opt %t.mlir --pass-pipeline='builtin.module(graph-fuse)' -o %t.fused.mlir
// RUN: autows-translate --run %t.mlir --seed 5 > %t.before.json
// RUN: autows-translate --run %t.fused.mlir --seed 5 > %t.after.json
// RUN: %python %S/Inputs/compare.py %t.before.json %t.after.json --tolerance 1e-6
// RUN: autows-opt %t.mlir --pass-pipeline='builtin.module(convert-graph-to-dataflow)' | grep -c '"dataflow\.' > %t.unfused.count
// RUN: autows-opt %t.fused.mlir --pass-pipeline='builtin.module(convert-graph-to-dataflow)' | grep -c '"dataflow\.' > %t.fused.count
// RUN: test $(cat %t.fused.count) -lt $(cat %t.unfused.count)
// The quantised network agrees too, bit for bit.
// RUN: autows-opt %t.mlir --pass-pipeline='builtin.module(graph-quantize)' | autows-translate --run --seed 5 > %t.q.before.json
// RUN: autows-opt %t.fused.mlir --pass-pipeline='builtin.module(graph-quantize)' | autows-translate --run --seed 5 > %t.q.after.json
// RUN: grep -v '"name"' %t.q.before.json > %t.q1 && grep -v '"name"' %t.q.after.json > %t.q2 && diff %t.q1 %t.q2
