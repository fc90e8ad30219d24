func.func @f(%x: tensor<1x4x4x4xf32>) {
  %0 = "graph.global_avgpool"(%x) : (tensor<1x4x4x4xf32>) -> tensor<1x4x2x2xf32>
  return
}
