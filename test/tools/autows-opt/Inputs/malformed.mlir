// Malformed input for bad-input.mlir (no RUN line: only the files in test/ with RUN lines are tests).
func.func @f() {
  %0 = "graph.nonsense"() : () -> tensor<4xf32>
  return
}
