// RUN: not autows-opt %s --pass-pipeline='builtin.module(autows-nope)' 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: <pass-pipeline>:1:16: error: 'autows-nope' does not refer to a registered pass or pass pipeline
// UNKNOWN-NEXT: builtin.module(autows-nope)
// UNKNOWN-NEXT: {{^               \^$}}

// RUN: not autows-opt %s --pass-pipeline='builtin.module(autows-dce{speed=3})' 2>&1 | FileCheck %s --check-prefix=OPTION
// OPTION: error: pass 'autows-dce' has no option 'speed'; its options: report

// RUN: not autows-opt %s --pass-pipeline='builtin.module(autows-dce{report=maybe})' 2>&1 | FileCheck %s --check-prefix=VALUE
// VALUE: error: option 'report' of pass 'autows-dce': expected true or false, got 'maybe'

// RUN: not autows-opt %s --pass-pipeline='builtin.module(cse' 2>&1 | FileCheck %s --check-prefix=SYNTAX
// SYNTAX: <pass-pipeline>:1:19: error: expected ')', found end of text

// RUN: not autows-opt %s --pass-pipeline='func.func(cse)' 2>&1 | FileCheck %s --check-prefix=TOP
// TOP: error: the top-level pipeline must run on 'builtin.module', not 'func.func'

// RUN: not autows-opt %s --pass-pipeline='builtin.module(canonicalize{max-iterations=x})' 2>&1 | FileCheck %s --check-prefix=UPSTREAM
// UPSTREAM: <pass-pipeline>:1:16: error:
// UPSTREAM-SAME: max-iterations

// RUN: not autows-opt %s --pass-pipeline='builtin.module(cse)' --autows-dce 2>&1 | FileCheck %s --check-prefix=BOTH
// BOTH: error: give passes either with --pass-pipeline or as flags, not both

func.func @f() {
  return
}
