// A missing file, an unknown flag and malformed input each give a diagnostic and exit status 1, and no output file.
// RUN: not autows-opt %s.missing 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: autows-opt: error: cannot open input file '{{.*}}bad-input.mlir.missing': no such file or directory

// RUN: not autows-opt %s --no-such-flag 2>&1 | FileCheck %s --check-prefix=FLAG
// FLAG: error: unexpected argument '--no-such-flag'

// RUN: rm -f %t && not autows-opt %S/Inputs/malformed.mlir -o %t 2>&1 | FileCheck %s --check-prefix=PARSE && test ! -e %t
// PARSE: malformed.mlir:3:8: error: unregistered operation 'graph.nonsense' found in dialect ('graph') that does not allow unknown operations
// PARSE-NEXT: {{^}}  %0 = "graph.nonsense"() : () -> tensor<4xf32>
// PARSE-NEXT: {{^       \^$}}

// A verifier error after a successful parse also writes nothing.
// RUN: rm -f %t && not autows-opt %S/Inputs/bad-shape.mlir -o %t 2>&1 | FileCheck %s --check-prefix=SHAPE && test ! -e %t
// SHAPE: bad-shape.mlir:2:8: error: 'graph.global_avgpool' op result shape 1x4x2x2 does not match

// Standard input is named <stdin> in diagnostics.
// RUN: not autows-opt < %S/Inputs/malformed.mlir 2>&1 | FileCheck %s --check-prefix=STDIN
// STDIN: <stdin>:3:8: error: unregistered operation 'graph.nonsense'

func.func @f() {
  return
}
