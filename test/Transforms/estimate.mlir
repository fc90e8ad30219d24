// The built-in ResNet-18 at w4a5, lowered at minimum parallelism with every weight on chip, needs 3,006 BRAM18:
// too many for a ZCU102 even after fpgaConvNet moves 701 blocks' worth into spare LUTs (AutoWS's motivation).
// RUN: autows-translate --model resnet18 | autows-opt --pass-pipeline='builtin.module(graph-fold-batchnorm,autows-dce,graph-quantize{spec=w4a5},convert-graph-to-dataflow,autows-estimate{device=zcu102 table})' 2>%t.table | FileCheck %s
// CHECK: func.func @resnet18
// CHECK-SAME: cost = {binding = "BRAM", bram18 = 3006 : i64, bram18_effective = 2305 : i64, {{.*}}device = "ZCU102", dsp = 4.250000e+01 : f64, feasible = false, {{.*}}lut = 72151 : i64
// CHECK: "dataflow.conv"{{.*}}cost = {bram18 = 5 : i64, dsp = 2.000000e+00 : f64, ff = 2928 : i64, interval = 0x419C230000000000 : f64, lut = 15994 : i64, pipeline_depth = 2127 : i64, uram = 0 : i64}
// RUN: FileCheck %s --check-prefix=TABLE < %t.table
// TABLE: layer interval depth LUT FF DSP BRAM18
// TABLE: conv1 118013952 2127 15994
// TABLE: maxpool_split
// TABLE: pipeline on ZCU102: interval 118013952 cycles x slow-down 1.0000, 118098321 cycles
// TABLE: BRAM 2305 of 1824 (126.4%)
// TABLE: does not fit; binding resource: BRAM

// The same network fits a larger device.
// RUN: autows-translate --model resnet18 | autows-opt --pass-pipeline='builtin.module(graph-fold-batchnorm,autows-dce,graph-quantize{spec=w4a5},convert-graph-to-dataflow,autows-estimate{device=u250})' | FileCheck %s --check-prefix=U250
// U250: cost = {binding = {{.*}}device = "U250"{{.*}}feasible = true

// A graph function is left alone; an unknown device is an error naming the devices.
// RUN: autows-opt %s --pass-pipeline='builtin.module(autows-estimate)' | FileCheck %s --check-prefix=GRAPH
// GRAPH-NOT: cost
// RUN: not autows-opt %s --pass-pipeline='builtin.module(autows-estimate{device=zcu999})' 2>&1 | FileCheck %s --check-prefix=DEVICE
// DEVICE: error: {{.*}}zcu999{{.*}}zcu102
func.func @f(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %r = "graph.relu"(%x) : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}
