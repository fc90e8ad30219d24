// autows estimate reads a design in fpgaConvNet's config.json schema and writes fpgaConvNet's report.json schema.
// The published AutoWS design (ResNet-18, w4a5, ZCU102) reproduces its report.
// RUN: autows estimate --fpgaconvnet-config %S/../../../../shared/reference/autows-resnet18-w4a5-zcu102/config.json --device zcu102 -o %t.json 2>%t.err
// RUN: FileCheck %s < %t.json
// RUN: FileCheck %s --check-prefix=SUMMARY < %t.err
// CHECK: "latency (s)": 0.005933515
// CHECK: "throughput (FPS)": 168.5341656673995
// CHECK: "cycles": 1186703
// CHECK: "max_resource_usage": {
// CHECK-DAG: "LUT": 134142
// CHECK-DAG: "FF": 97755
// CHECK-DAG: "BRAM": 2291
// CHECK-DAG: "DSP": 1621.5
// SUMMARY: 1186703 cycles, 5.933515 ms, 168.53 FPS on ZCU102; fits
// The report is the same every time.
// RUN: autows estimate --fpgaconvnet-config %S/../../../../shared/reference/autows-resnet18-w4a5-zcu102/config.json -o %t.again.json 2>/dev/null && cmp %t.json %t.again.json

// Bad input: an unknown device, a layer type the model does not know, a malformed file; nothing is written.
// RUN: rm -f %t.out && not autows estimate --fpgaconvnet-config %S/../../../../shared/reference/autows-resnet18-w4a5-zcu102/config.json --device zcu999 -o %t.out 2>&1 | FileCheck %s --check-prefix=DEVICE && test ! -e %t.out
// DEVICE: error: {{.*}}zcu999{{.*}}zcu102
// RUN: sed "0,/\"type\": \"POOLING\"/s//\"type\": \"LRN\"/" %S/../../../../shared/reference/autows-resnet18-w4a5-zcu102/config.json > %t.bad.json
// RUN: not autows estimate --fpgaconvnet-config %t.bad.json -o %t.out 2>&1 | FileCheck %s --check-prefix=TYPE && test ! -e %t.out
// TYPE: bad.json: error: {{.*}}MaxPool_2{{.*}}LRN
// RUN: head -c 500 %S/../../../../shared/reference/autows-resnet18-w4a5-zcu102/config.json > %t.cut.json
// RUN: not autows estimate --fpgaconvnet-config %t.cut.json 2>&1 | FileCheck %s --check-prefix=CUT
// CUT: cut.json: error: {{.*}}line

// RUN: autows devices | FileCheck %s --check-prefix=DEVICES
// DEVICES: zcu102 {{.*}}DSP 2520 BRAM18 1824
// DEVICES: u250
