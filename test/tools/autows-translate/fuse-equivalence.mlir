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
// A ResNet in miniature exercises every stage: its stem fuses relu and max pool, both residual joins become
// convolutions with the add and relu inside, and an unpadded average pool joins its convolution. The fused
// network matches onnxruntime, the unfused one exactly, and the quantised one bit for bit.
// RUN: %python %S/Inputs/make_model.py residual_cnn %t.res.onnx
// RUN: %python %S/Inputs/save_input.py 1x3x16x16 %t.res.npy
// RUN: %python %S/Inputs/run_onnxruntime.py %t.res.onnx %t.res.npy > %t.res.ort.json
// RUN: autows-translate --import-onnx %t.res.onnx | autows-opt --pass-pipeline='builtin.module(graph-fold-batchnorm,autows-dce)' -o %t.res.mlir
// RUN: autows-opt %t.res.mlir --pass-pipeline='builtin.module(graph-fuse)' -o %t.res.fused.mlir
// RUN: autows-translate --run %t.res.fused.mlir --input %t.res.npy > %t.res.fused.json
// RUN: %python %S/Inputs/compare.py %t.res.ort.json %t.res.fused.json --tolerance 1e-5
// RUN: autows-translate --run %t.res.mlir --input %t.res.npy > %t.res.unfused.json
// RUN: %python %S/Inputs/compare.py %t.res.unfused.json %t.res.fused.json --tolerance 0
// RUN: autows-opt %t.res.mlir --pass-pipeline='builtin.module(graph-quantize)' | autows-translate --run --input %t.res.npy > %t.res.q1.json
// RUN: autows-opt %t.res.fused.mlir --pass-pipeline='builtin.module(graph-quantize)' | autows-translate --run --input %t.res.npy > %t.res.q2.json
// RUN: grep -v '"name"' %t.res.q1.json > %t.res.q1 && grep -v '"name"' %t.res.q2.json > %t.res.q2 && diff %t.res.q1 %t.res.q2
// RUN: autows-opt %t.res.fused.mlir --pass-pipeline='builtin.module(convert-graph-to-dataflow)' -o %t.res.df.mlir
// RUN: FileCheck %s --check-prefix=ENGINES < %t.res.df.mlir
// RUN: not grep -E '"dataflow\.(eltwise|activation|pool)"' %t.res.df.mlir
// ENGINES: "dataflow.conv"({{.*}}activation = "relu"{{.*}}pool = "max"
// ENGINES: "dataflow.conv"({{.*}}activation = "relu"
// ENGINES: "dataflow.conv_add"({{.*}}activation = "relu"
// ENGINES: "dataflow.conv"({{.*}}activation = "relu"
// ENGINES: "dataflow.conv"(
// ENGINES: "dataflow.conv_add"({{.*}}activation = "relu"
// ENGINES: "dataflow.conv"({{.*}}activation = "relu"{{.*}}pool = "avg"
