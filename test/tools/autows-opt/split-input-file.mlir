// Each piece is processed alone; outputs are joined by the marker and keep the input's line numbers.
// RUN: autows-opt %s --split-input-file | FileCheck %s
// A bad piece fails the run and is reported at its line in the whole file; the good pieces still print.
// RUN: not autows-opt %S/Inputs/split-bad.mlir --split-input-file 2>%t.err | FileCheck %s --check-prefix=GOOD
// RUN: FileCheck %s --check-prefix=BAD < %t.err
// GOOD: func.func @good
// GOOD-NOT: @bad
// BAD: split-bad.mlir:7:8: error: expected 'tensor<4xf32>' but got 'tensor<5xf32>'
// Without the flag the marker is an ordinary comment and the file one module.
// RUN: autows-opt %s | FileCheck %s --check-prefix=WHOLE
// WHOLE: func.func @first
// WHOLE-NOT: // -----

// CHECK: func.func @first
// CHECK: // -----
// CHECK: func.func @second
func.func @first() {
  return
}

// -----

func.func @second() {
  return
}
