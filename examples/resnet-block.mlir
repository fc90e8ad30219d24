// A ResNet basic block in the graph dialect, written by hand: two 3x3 convolutions with a residual add. It
// carries the leftovers a careless exporter leaves behind (a duplicated ReLU, an unused branch) for the
// clean-up passes to remove.
func.func @basic_block(%x: tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32> {
  %w1 = "graph.weight"() {source = "resnet18.onnx", key = "layer1.0.conv1.weight", checksum = "fnv1a64:5a1d3c0b9e7f2468"} : () -> tensor<64x64x3x3xf32>
  %b1 = "graph.weight"() {source = "resnet18.onnx", key = "layer1.0.conv1.bias", checksum = "fnv1a64:0c4e8a2f6b1d3957"} : () -> tensor<64xf32>
  %c1 = "graph.conv2d"(%x, %w1, %b1) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>, tensor<64xf32>) -> tensor<1x64x56x56xf32>
  %r1 = "graph.relu"(%c1) : (tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
  %r1_copy = "graph.relu"(%c1) : (tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
  %w2 = "graph.weight"() {source = "resnet18.onnx", key = "layer1.0.conv2.weight", checksum = "fnv1a64:93b7e1f04c2a68d5"} : () -> tensor<64x64x3x3xf32>
  %b2 = "graph.weight"() {source = "resnet18.onnx", key = "layer1.0.conv2.bias", checksum = "fnv1a64:7e2c5a9d1f4b0836"} : () -> tensor<64xf32>
  %c2 = "graph.conv2d"(%r1_copy, %w2, %b2) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>, tensor<64xf32>) -> tensor<1x64x56x56xf32>
  %unused = "graph.maxpool"(%r1) {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x64x56x56xf32>) -> tensor<1x64x28x28xf32>
  %sum = "graph.add"(%c2, %x) : (tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
  %out = "graph.relu"(%sum) : (tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
  return %out : tensor<1x64x56x56xf32>
}
