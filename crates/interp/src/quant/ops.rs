//! The operations on quantised activations. Parameters (weights, constants) stay floats until the operation
//! that reads them quantises them: convolution and gemm weights to [`ChannelWeights`], biases to their
//! channel's sum format, anything else to the activation format.

use super::{
    format::{round_div, FixedFormat},
    requant::ChannelScale,
    spec::QuantSpec,
    tensor::QuantTensor,
    weights::{quantize_channels, ChannelWeights},
};
use crate::{
    error::{Fault, InterpError},
    float::{check_pads, check_target, floats},
    kernels::{
        broadcast::broadcast_zip,
        conv::{conv2d as conv_kernel, convolution},
        dims,
        layout::{concat as concat_kernel, gather, pad_indices, transpose_indices},
        matmul::{matmul, oriented, transpose},
        pool::{only_padding, pool},
        window::pooling,
    },
};
use autows_network::{Op, PadMode, Tensor, TensorType, Window2d};
use std::borrow::Cow;

/// A value of the quantised evaluation.
#[derive(Clone, Debug)]
pub(crate) enum QuantValue {
    /// A weight, a constant, or something computed from those only: kept in float.
    Param(Tensor),
    /// An activation: codes in the activation format.
    Act(QuantTensor),
}

/// Why a quantised operation failed.
pub(crate) enum QuantFault {
    /// The operands break the operation's rules.
    Rule(Fault),
    /// The operation has no integer form, or not with these operands.
    Unsupported(String),
}

impl QuantFault {
    /// Attaches the node that failed.
    pub(crate) fn at(self, node: &str, op: &'static str) -> InterpError {
        match self {
            QuantFault::Rule(fault) => fault.at(node, op),
            QuantFault::Unsupported(message) => InterpError::Unquantizable { node: node.to_string(), op, message },
        }
    }
}

impl From<Fault> for QuantFault {
    fn from(fault: Fault) -> Self {
        QuantFault::Rule(fault)
    }
}

impl From<autows_shape::ShapeError> for QuantFault {
    fn from(error: autows_shape::ShapeError) -> Self {
        QuantFault::Rule(error.into())
    }
}

fn rule<T>(message: impl Into<String>) -> Result<T, QuantFault> {
    Err(QuantFault::Rule(Fault(message.into())))
}

/// An operand as activation codes: parameters are quantised to the activation format.
fn activation(value: &QuantValue, format: FixedFormat) -> Result<Cow<'_, QuantTensor>, QuantFault> {
    match value {
        QuantValue::Act(tensor) => Ok(Cow::Borrowed(tensor)),
        QuantValue::Param(tensor) => {
            let values = tensor.data.to_f32();
            Ok(Cow::Owned(QuantTensor::quantize(tensor.shape.clone(), &values, format)))
        }
    }
}

/// An operand that must be a parameter, as floats.
fn parameter<'a>(value: &'a QuantValue, what: &str) -> Result<(&'a Tensor, &'a [f32]), QuantFault> {
    match value {
        QuantValue::Param(tensor) => Ok((tensor, floats(tensor, what)?)),
        QuantValue::Act(_) => {
            Err(QuantFault::Unsupported(format!("{what} must be a weight or a constant, not a computed activation")))
        }
    }
}

/// One operation with at least one activation operand (their number already checked).
pub(crate) fn evaluate(
    op: &Op,
    args: &[&QuantValue],
    declared: Option<&TensorType>,
    spec: &QuantSpec,
) -> Result<QuantTensor, QuantFault> {
    let format = spec.activation_format();
    let act = |index: usize| activation(args[index], format);
    match op {
        Op::Conv2d { strides, pads, dilations, groups } => {
            let bias = args.get(2).map(|b| parameter(b, "the bias")).transpose()?;
            conv2d(&*act(0)?, parameter(args[1], "the weight")?, bias, (*strides, *pads, *dilations, *groups), spec)
        }
        Op::Gemm { trans_a, trans_b, alpha, beta } => {
            let c = args.get(2).map(|c| parameter(c, "'c'")).transpose()?;
            let b = parameter(args[1], "'b'")?;
            gemm(&*act(0)?, b, c, (*trans_a, *trans_b), (*alpha, *beta), spec)
        }
        Op::Relu => Ok(map(&*act(0)?, |code| code.max(0))),
        Op::Clip { min, max } => {
            let (low, high) = (format.quantize(*min), format.quantize(*max));
            Ok(map(&*act(0)?, |code| code.clamp(low, high.max(low))))
        }
        Op::Identity | Op::Dropout { .. } => Ok(act(0)?.into_owned()),
        Op::Add => add_sub(&*act(0)?, &*act(1)?, false),
        Op::Sub => add_sub(&*act(0)?, &*act(1)?, true),
        Op::MaxPool { window, ceil_mode } => max_pool(&*act(0)?, window, *ceil_mode),
        Op::AvgPool { window, ceil_mode, count_include_pad } => {
            avg_pool(&*act(0)?, window, *ceil_mode, *count_include_pad)
        }
        Op::GlobalAvgPool => global_avg_pool(&*act(0)?),
        Op::Concat { axis } => concat(&*act(0)?, &*act(1)?, *axis),
        Op::Flatten { axis } => {
            let x = act(0)?;
            Ok(QuantTensor { shape: autows_shape::flatten(&x.shape, *axis)?, ..x.into_owned() })
        }
        Op::Reshape => {
            let x = act(0)?;
            let Some(target) = declared.map(|ty| ty.shape.clone()) else {
                return rule("the network records no result type to reshape to");
            };
            check_target(&target)?;
            Ok(QuantTensor { shape: autows_shape::reshape(&x.shape, &target)?, ..x.into_owned() })
        }
        Op::Transpose { perm } => {
            let x = act(0)?;
            let shape = autows_shape::transpose(&x.shape, perm)?;
            let perm: Vec<usize> = perm.iter().map(|&axis| axis as usize).collect();
            let indices = transpose_indices(&dims(&x.shape), &perm);
            Ok(QuantTensor { shape, codes: gather(&x.codes, &indices, 0), format: x.format })
        }
        Op::Pad { pads, mode, value } => pad(&*act(0)?, pads, *mode, *value),
        Op::BatchNorm { .. } => Err(QuantFault::Unsupported(
            "fold batch normalisation into the preceding convolution before quantising".into(),
        )),
        Op::MatMul | Op::Mul | Op::Div | Op::Sqrt | Op::Sigmoid | Op::HardSwish | Op::Softmax { .. } => {
            Err(QuantFault::Unsupported(format!(
                "the quantised datapath has no '{}' on activations; keep it out of the quantised part",
                op.dialect_name()
            )))
        }
        Op::Constant { .. } | Op::Weight { .. } => rule("parameters are evaluated in float"),
    }
}

/// `f` on every code; the format is unchanged.
fn map(x: &QuantTensor, f: impl Fn(i32) -> i32) -> QuantTensor {
    QuantTensor { shape: x.shape.clone(), codes: x.codes.iter().map(|&c| f(c)).collect(), format: x.format }
}

/// Checks that no accumulator of `terms` products can overflow an `i64`.
fn check_accumulator(terms: usize, spec: &QuantSpec) -> Result<(), QuantFault> {
    let product_bits = spec.weight_bits() - 1 + spec.activation_bits() - 1;
    if (terms as u128) << product_bits >= 1u128 << 63 {
        return rule(format!("{terms} products per output overflow the 64-bit accumulator"));
    }
    Ok(())
}

/// The weights as integers, with per-channel scales from `input` to the activation format.
fn quantize_layer(
    values: &[f32],
    channels: usize,
    input: FixedFormat,
    spec: &QuantSpec,
) -> Result<(ChannelWeights, Vec<ChannelScale>), QuantFault> {
    let weights = quantize_channels(values, channels, spec.weight_bits(), spec.scheme())
        .map_err(|error| QuantFault::Rule(Fault(error.to_string())))?;
    let scales = weights
        .exponents
        .iter()
        .map(|&exponent| {
            ChannelScale::new(exponent, input, spec.activation_format())
                .ok_or_else(|| QuantFault::Rule(Fault(format!("weight exponent {exponent} is out of range"))))
        })
        .collect::<Result<_, _>>()?;
    Ok((weights, scales))
}

fn quantize_bias(scale: &ChannelScale, bias: f32) -> Result<i128, QuantFault> {
    scale.quantize_bias(bias).map_err(|error| QuantFault::Rule(Fault(error.to_string())))
}

/// Quantised convolution: exact integer accumulators, then [`ChannelScale::apply`] per output channel.
fn conv2d(
    x: &QuantTensor,
    (weight, weight_values): (&Tensor, &[f32]),
    bias: Option<(&Tensor, &[f32])>,
    params: ([i64; 2], [i64; 4], [i64; 2], i64),
    spec: &QuantSpec,
) -> Result<QuantTensor, QuantFault> {
    let bias_shape = bias.map(|(tensor, _)| tensor.shape.as_slice());
    let (out_shape, shape) = convolution(&x.shape, &weight.shape, bias_shape, params)?;
    check_accumulator(shape.taps_per_filter(), spec)?;
    let (weights, scales) = quantize_layer(weight_values, shape.filters, x.format, spec)?;
    let biases: Vec<i128> = match bias {
        Some((_, values)) => {
            scales.iter().zip(values).map(|(scale, &b)| quantize_bias(scale, b)).collect::<Result<_, _>>()?
        }
        None => vec![0; shape.filters],
    };
    let input: Vec<i64> = x.codes.iter().map(|&code| i64::from(code)).collect();
    let mantissas: Vec<i64> = weights.mantissas.iter().map(|&m| i64::from(m)).collect();
    let accumulators = conv_kernel(&shape, &input, &mantissas);
    let plane = shape.output_plane().max(1);
    let codes = accumulators
        .iter()
        .enumerate()
        .map(|(index, &acc)| {
            let filter = (index / plane) % shape.filters;
            scales[filter].apply(acc, biases[filter])
        })
        .collect();
    Ok(QuantTensor { shape: out_shape, codes, format: spec.activation_format() })
}

/// Quantised gemm: `alpha` scales the weights before they are quantised (one `f32` product each), `beta * c`
/// is the bias, quantised per output element to its column's sum format; each output column is a channel.
fn gemm(
    a: &QuantTensor,
    (b, b_values): (&Tensor, &[f32]),
    c: Option<(&Tensor, &[f32])>,
    (trans_a, trans_b): (bool, bool),
    (alpha, beta): (f32, f32),
    spec: &QuantSpec,
) -> Result<QuantTensor, QuantFault> {
    let c_shape = c.map(|(tensor, _)| tensor.shape.as_slice());
    let out_shape = autows_shape::gemm(&a.shape, &b.shape, c_shape, trans_a, trans_b)?;
    let (a_dims, b_dims) = (dims(&a.shape), dims(&b.shape));
    let (m, n) = (dims(&out_shape)[0], dims(&out_shape)[1]);
    let k = if trans_a { a_dims[0] } else { a_dims[1] };
    check_accumulator(k, spec)?;
    let a_rows: Vec<i64> = oriented(&a.codes, &a_dims, trans_a).iter().map(|&code| i64::from(code)).collect();
    let scaled: Vec<f32> = b_values.iter().map(|&w| if alpha == 1.0 { w } else { alpha * w }).collect();
    // One row per output column (channel): `b` as stored when transposed, else its transpose.
    let by_channel = oriented(&scaled, &b_dims, !trans_b);
    let (weights, scales) = quantize_layer(&by_channel, n, a.format, spec)?;
    let mantissas: Vec<i64> = transpose(&weights.mantissas, n, k).iter().map(|&m| i64::from(m)).collect();
    let accumulators = matmul(&a_rows, &mantissas, m, k, n);
    let biases: Vec<i128> = match c {
        Some((tensor, values)) => {
            let cells = vec![0.0f32; m * n];
            let c_dims = dims(&tensor.shape);
            let full = broadcast_zip(&[m, n], (&cells, &[m, n]), (values, &c_dims), |_, c| beta * c);
            full.iter().enumerate().map(|(index, &b)| quantize_bias(&scales[index % n], b)).collect::<Result<_, _>>()?
        }
        None => vec![0; m * n],
    };
    let codes = accumulators
        .iter()
        .zip(&biases)
        .enumerate()
        .map(|(index, (&acc, &bias))| scales[index % n].apply(acc, bias))
        .collect();
    Ok(QuantTensor { shape: out_shape, codes, format: spec.activation_format() })
}

/// Saturating broadcast sum or difference of two tensors in the same format.
fn add_sub(a: &QuantTensor, b: &QuantTensor, subtract: bool) -> Result<QuantTensor, QuantFault> {
    if a.format != b.format {
        return rule(format!("the operands have different formats, {} and {}", a.format, b.format));
    }
    let out_shape = autows_shape::broadcast(&a.shape, &b.shape)?;
    let format = a.format;
    let codes = broadcast_zip(&dims(&out_shape), (&a.codes, &dims(&a.shape)), (&b.codes, &dims(&b.shape)), |x, y| {
        let (x, y) = (i128::from(x), i128::from(y));
        format.saturate(if subtract { x - y } else { x + y })
    });
    Ok(QuantTensor { shape: out_shape, codes, format })
}

/// Max pooling on codes: the largest real element of each window.
fn max_pool(x: &QuantTensor, window: &Window2d, ceil_mode: bool) -> Result<QuantTensor, QuantFault> {
    let (out_shape, sliding) = pooling(&x.shape, window, ceil_mode)?;
    let planes = (out_shape[0] * out_shape[1]) as usize;
    let codes = pool(&sliding, planes, &x.codes, |taps| taps.values.iter().copied().max().ok_or_else(only_padding))?;
    Ok(QuantTensor { shape: out_shape, codes, format: x.format })
}

/// Average pooling on codes: the exact sum divided by the divisor, rounded half to even.
fn avg_pool(
    x: &QuantTensor,
    window: &Window2d,
    ceil_mode: bool,
    count_include_pad: bool,
) -> Result<QuantTensor, QuantFault> {
    let (out_shape, sliding) = pooling(&x.shape, window, ceil_mode)?;
    let planes = (out_shape[0] * out_shape[1]) as usize;
    let format = x.format;
    let codes = pool(&sliding, planes, &x.codes, |taps| {
        let divisor = if count_include_pad { taps.padded_count } else { taps.values.len() };
        if divisor == 0 {
            return Err(only_padding());
        }
        let sum: i64 = taps.values.iter().map(|&code| i64::from(code)).sum();
        Ok(format.saturate(i128::from(round_div(sum, divisor as i64))))
    })?;
    Ok(QuantTensor { shape: out_shape, codes, format })
}

/// The mean of each plane of codes: the exact sum divided by H * W, rounded half to even.
fn global_avg_pool(x: &QuantTensor) -> Result<QuantTensor, QuantFault> {
    let out_shape = autows_shape::global_pool(&x.shape)?;
    let plane = (x.shape[2] * x.shape[3]) as usize;
    if plane == 0 {
        return rule("the input planes are empty and have no mean");
    }
    let format = x.format;
    let codes = x
        .codes
        .chunks(plane)
        .map(|values| {
            let sum: i64 = values.iter().map(|&code| i64::from(code)).sum();
            format.saturate(i128::from(round_div(sum, plane as i64)))
        })
        .collect();
    Ok(QuantTensor { shape: out_shape, codes, format })
}

/// Concatenation of two tensors in the same format.
fn concat(a: &QuantTensor, b: &QuantTensor, axis: i64) -> Result<QuantTensor, QuantFault> {
    if a.format != b.format {
        return rule(format!("the operands have different formats, {} and {}", a.format, b.format));
    }
    let out_shape = autows_shape::concat(&a.shape, &b.shape, axis)?;
    let along = autows_shape::axis(axis, a.shape.len())?;
    let (a_dims, b_dims) = (dims(&a.shape), dims(&b.shape));
    let outer: usize = a_dims[..along].iter().product();
    let chunks = (outer, a_dims[along..].iter().product(), b_dims[along..].iter().product());
    Ok(QuantTensor { shape: out_shape, codes: concat_kernel(&a.codes, &b.codes, chunks), format: a.format })
}

/// Padding of codes; the constant border value is quantised to the tensor's format.
fn pad(x: &QuantTensor, pads: &[i64], mode: PadMode, value: f32) -> Result<QuantTensor, QuantFault> {
    check_pads(&x.shape, pads)?;
    let shape = autows_shape::pad(&x.shape, pads)?;
    let rank = x.shape.len();
    let pads = dims(pads);
    let indices = pad_indices(&dims(&x.shape), &pads[..rank], &pads[rank..], mode)?;
    Ok(QuantTensor { shape, codes: gather(&x.codes, &indices, x.format.quantize(value)), format: x.format })
}
