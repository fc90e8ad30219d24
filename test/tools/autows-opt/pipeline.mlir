// Upstream and autows passes run in one pass manager, in the order written.
// RUN: autows-opt %s --pass-pipeline='builtin.module(canonicalize,autows-dce,cse)' --mlir-print-ir-after-all 2>&1 >/dev/null | FileCheck %s --check-prefix=ORDER
// ORDER: IR Dump After Canonicalizer (canonicalize)
// ORDER: IR Dump After autows-dce (autows-dce)
// ORDER: IR Dump After CSE (cse)
// ORDER-NOT: IR Dump After

// A func.func pass nests explicitly or implicitly; passes given as flags run in the order written.
// RUN: autows-opt %s --pass-pipeline='builtin.module(func.func(autows-dce,canonicalize),autows-cse)' | FileCheck %s
// RUN: autows-opt %s --autows-dce --canonicalize --autows-cse | FileCheck %s
// RUN: autows-opt %s --autows-dce=report 2>&1 | FileCheck %s --check-prefix=FLAGOPT
// FLAGOPT: remark: erased unused 'graph.sigmoid'

// Timing lists every pass.
// RUN: autows-opt %s --pass-pipeline='builtin.module(autows-cse,symbol-dce)' --mlir-timing 2>&1 >/dev/null | FileCheck %s --check-prefix=TIMING
// TIMING: Execution time report
// TIMING: autows-cse
// TIMING: SymbolDCE

// CHECK-LABEL: func.func @f
// CHECK-NEXT: "graph.relu"
// CHECK-NEXT: return
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = "graph.relu"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %s = "graph.sigmoid"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
