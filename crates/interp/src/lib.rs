//! The reference interpreter of autows networks: the golden model the generated hardware is compared with.
//!
//! [`run`] evaluates an [`autows_network::Network`] in `f32`, every operation of the `graph` dialect, with the
//! ONNX semantics the importer maps from. [`run_quantized`] evaluates it with the integer arithmetic of a
//! [`QuantSpec`] (for instance `w4a5`, the reference AutoWS design), bit for bit what the hardware must compute;
//! the [`quant`] module documents that arithmetic.
//!
//! ```
//! use autows_interp::{run, run_quantized, QuantSpec};
//! use autows_network::{Network, Op, Tensor, TensorType, WeightError, WeightLoader};
//!
//! /// This network keeps its parameters inside, so nothing is loaded.
//! struct NoWeights;
//!
//! impl WeightLoader for NoWeights {
//!     fn handles(&self, _source: &str) -> bool {
//!         false
//!     }
//!
//!     fn load(&self, source: &str, _key: &str, _checksum: &str) -> Result<Tensor, WeightError> {
//!         Err(WeightError::UnknownSource(source.to_string()))
//!     }
//! }
//!
//! // y = relu(conv(x, w) + b) with a 2x2 kernel over a 3x3 image.
//! let mut network = Network::new("example");
//! let x = network.add_input("x", TensorType::f32([1, 1, 3, 3]));
//! let weight = Tensor::from_f32([1, 1, 2, 2], vec![0.5, -0.25, 0.25, 0.5]).unwrap();
//! let w = network.add("w", Op::Constant { value: weight }, &[]).unwrap();
//! let b = network.add("b", Op::Constant { value: Tensor::from_f32([1], vec![-0.5]).unwrap() }, &[]).unwrap();
//! let conv = Op::Conv2d { strides: [1, 1], pads: [0; 4], dilations: [1, 1], groups: 1 };
//! let y = network.add("conv", conv, &[x, w, b]).unwrap();
//! let y = network.add("relu", Op::Relu, &[y]).unwrap();
//! network.outputs.push(y);
//!
//! let pixels = (1..=9).map(|v| v as f32 * 0.25).collect();
//! let image = Tensor::from_f32([1, 1, 3, 3], pixels).unwrap();
//! let float = run(&network, std::slice::from_ref(&image), &NoWeights).unwrap();
//! assert_eq!(float[0].data.to_f32(), [0.375, 0.625, 1.125, 1.375]);
//!
//! // 4-bit channel BFP weights, 5-bit activations in steps of 0.25: the results are exact before the final
//! // rounding, which sends each tie to the even code.
//! let spec: QuantSpec = "w4a5".parse().unwrap();
//! let quantized = run_quantized(&network, &[image], &NoWeights, &spec).unwrap();
//! assert_eq!(quantized[0].fixed.codes, [2, 2, 4, 6]);
//! assert_eq!(quantized[0].real.data.to_f32(), [0.5, 0.5, 1.0, 1.5]);
//! ```
//!
//! # Float semantics
//!
//! Results do not change from run to run or between platforms: every sum has a fixed order, multiplies and
//! adds are never fused, and no work is split across threads.
//!
//! * `conv2d`: each output starts at zero and adds its products one at a time: the input channels of the
//!   filter's group ascending, then kernel rows, then kernel columns; taps in the padding are skipped. The bias
//!   is added last.
//! * `gemm`, `matmul`: each output adds its products with the inner index ascending from zero; `gemm` then
//!   computes `alpha * sum + beta * c` (`c` broadcast). `matmul` broadcasts the leading dimensions.
//! * `avgpool`: the window's real elements summed in row-major tap order, divided by their count or, with
//!   `count_include_pad`, by the taps inside the input or its padding: a `ceil_mode` window that reaches past
//!   the padding counts only the part inside it, as ONNX Runtime and PyTorch do. `maxpool` takes the largest
//!   real element (padding never wins); a window over padding only is an error. `global_avgpool` sums each
//!   plane in row-major order and divides by its size.
//! * `batchnorm`: `(x - mean) * (scale / sqrt(variance + epsilon)) + bias`, the factor computed per channel.
//! * `softmax`: the maximum is subtracted before `exp`; the exponentials are summed in index order.
//! * `sigmoid`: `1 / (1 + exp(-x))` for `x >= 0`, `exp(x) / (1 + exp(x))` below, so `exp` never overflows.
//!   `hardswish`: `x * clamp(x + 3, 0, 6) / 6`, in that order.
//! * `add`, `sub`, `mul`, `div` broadcast as NumPy does; `sqrt`, `div` follow IEEE (NaN, infinities).
//! * `pad`: constant, reflect (mirrored without repeating the edge; each pad must be smaller than its
//!   dimension) or edge. `concat`, `flatten`, `reshape`, `transpose`, `identity`, `dropout` (an identity at
//!   inference) move elements, whatever their type.
//! * `weight` nodes load through the [`autows_network::WeightLoader`]; the tensor must have the declared type.
//!
//! Every failure is an [`InterpError`] naming the node, never a panic: wrong operand counts or shapes, a
//! result that disagrees with the network's declared type, a loader failure.

mod error;
mod float;
mod kernels;
pub mod quant;
mod values;

pub use error::InterpError;
pub use float::run;
pub use quant::{run_quantized, QuantOutput, QuantSpec, QuantSpecError, QuantTensor};
