// Data for verify-diagnostics.mlir: every designator form.
func.func @same_line(%x: tensor<4xf32>) {
  %0 = "graph.relu"(%x) : (tensor<4xf32>) -> tensor<5xf32> // expected-error {{expected 'tensor<4xf32>' but got 'tensor<5xf32>'}}
  return
}

// -----

func.func @relative(%x: tensor<4xf32>) {
  // expected-error@+2 {{'min' (2) must not exceed 'max' (1)}}

  %0 = "graph.clip"(%x) {min = 2.0 : f32, max = 1.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @below_and_above(%x: tensor<4xf32>) {
  // expected-error@below {{'ratio' must lie in [0, 1), got 1.5}}
  %0 = "graph.dropout"(%x) {ratio = 1.5 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @above(%x: tensor<4xf32>) {
  %0 = "graph.dropout"(%x) {ratio = -1.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  // expected-error@above {{'ratio' must lie in [0, 1), got -1}}
  return
}
