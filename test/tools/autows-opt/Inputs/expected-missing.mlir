// Data for verify-diagnostics.mlir: an expectation nothing meets.
func.func @f() {
  // expected-error@+1 {{this is never reported}}
  return
}
