// LeNet on a board with almost no BRAM but some URAM: weight memories move to URAM, the memory level holds them
// there, and the design runs faster than the same search kept out of URAM, which BRAM binds.
// RUN: autows-translate --model lenet | autows-opt --pass-pipeline='builtin.module(graph-quantize{spec=w4a5},convert-graph-to-dataflow,autows-dse{device-file=%S/Inputs/uram-board.json streaming=false},convert-dataflow-to-memory{device-file=%S/Inputs/uram-board.json})' -o %t.uram.mlir
// RUN: FileCheck %s < %t.uram.mlir
// CHECK: dse = {{{.*}}feasible = true
// CHECK: "memory.onchip_buffer"{{.*}}ram = "uram"
// RUN: autows-translate --model lenet | autows-opt --pass-pipeline='builtin.module(graph-quantize{spec=w4a5},convert-graph-to-dataflow,autows-dse{device-file=%S/Inputs/uram-board.json streaming=false uram=false})' -o %t.bram.mlir
// RUN: FileCheck %s --check-prefix=BRAM < %t.bram.mlir
// BRAM: dse = {{{.*}}binding = "BRAM"
// BRAM-NOT: use_uram = true
// RUN: %python -c "import re, sys; fps = [float(re.search(r'throughput_fps = ([0-9.e+-]+)', open(p).read()).group(1)) for p in sys.argv[1:]]; sys.exit(0 if fps[0] > 1.2 * fps[1] else 'URAM gave %s FPS against %s' % tuple(fps))" %t.uram.mlir %t.bram.mlir
