// An unsupported operator, a corrupt file and a missing file give an error and no output.
// RUN: %python %S/Inputs/make_model.py unsupported %t.onnx
// RUN: rm -f %t.out && not autows-translate --import-onnx %t.onnx -o %t.out 2>&1 | FileCheck %s --check-prefix=OP && test ! -e %t.out
// OP: squash: error: node 'squash': operator 'Tanh' is not supported; supported operators: Add, AveragePool,

// RUN: %python %S/Inputs/make_model.py small_cnn %t.full.onnx && head -c 300 %t.full.onnx > %t.cut.onnx && not autows-translate --import-onnx %t.cut.onnx 2>&1 | FileCheck %s --check-prefix=CUT
// CUT: cut.onnx: error:

// RUN: not autows-translate --import-onnx %t.missing.onnx 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: cannot read ONNX model

// RUN: not autows-translate --model resnet9000 2>&1 | FileCheck %s --check-prefix=MODEL
// MODEL: resnet9000: error: {{.*}}resnet18

// RUN: not autows-translate 2>&1 | FileCheck %s --check-prefix=NONE
// NONE: error: the following required arguments were not provided
