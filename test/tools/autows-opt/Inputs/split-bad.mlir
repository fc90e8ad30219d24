func.func @good() {
  return
}
// -----
func.func @bad(%x: tensor<4xf32>) {
  // The relu changes the type.
  %0 = "graph.relu"(%x) : (tensor<4xf32>) -> tensor<5xf32>
  return
}
