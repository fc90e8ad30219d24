// Equality saturation keeps a whole network's results: MobileNetV2 (52 batch norms fold, dropout goes) gives the
// same outputs before and after, in the reference interpreter.
// RUN: autows-translate --model mobilenetv2 -o %t.mlir
// RUN: autows-opt %t.mlir --pass-pipeline='builtin.module(graph-eqsat)' -o %t.eqsat.mlir
// RUN: not grep -q 'graph.batchnorm' %t.eqsat.mlir
// RUN: autows-translate --run %t.mlir --seed 3 > %t.before.json
// RUN: autows-translate --run %t.eqsat.mlir --seed 3 > %t.after.json
// RUN: %python %S/Inputs/compare.py %t.before.json %t.after.json --tolerance 1e-4
