// --verify-diagnostics passes when expected and produced diagnostics agree, and fails otherwise.
// RUN: autows-opt %S/Inputs/expected-ok.mlir --split-input-file --verify-diagnostics
// RUN: not autows-opt %S/Inputs/expected-missing.mlir --verify-diagnostics 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: expected-missing.mlir:3: error: expected error "this is never reported" was not produced
// RUN: not autows-opt %S/Inputs/malformed.mlir --verify-diagnostics 2>&1 | FileCheck %s --check-prefix=UNEXPECTED
// UNEXPECTED: malformed.mlir:3:8: error: unexpected error: unregistered operation 'graph.nonsense'

func.func @f() {
  return
}
