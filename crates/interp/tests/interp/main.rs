//! Integration tests of the reference interpreter.

mod errors;
mod float_ops;
mod onnxruntime;
mod quantized;
mod support;
