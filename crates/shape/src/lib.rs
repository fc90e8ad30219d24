//! Shape rules of the graph operations, on plain data.
//!
//! Each function takes the operand shapes and the operation's parameters and returns the result shape, or a
//! [`ShapeError`] saying which rule is broken. The verifier checks IR against these rules and shape inference
//! computes result types from them, so both agree by construction. Layout is NCHW; spatial parameters list rows
//! before columns; 2-D pads are `[top, left, bottom, right]` (ONNX order: all begins, then all ends).

use thiserror::Error;

/// A broken shape rule.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("{0}")]
pub struct ShapeError(pub String);

fn fail<T>(message: impl Into<String>) -> Result<T, ShapeError> {
    Err(ShapeError(message.into()))
}

/// A shape as MLIR writes it, `1x64x56x56`.
pub fn show(shape: &[i64]) -> String {
    shape.iter().map(i64::to_string).collect::<Vec<_>>().join("x")
}

fn expect_len(what: &str, values: &[i64], len: usize) -> Result<(), ShapeError> {
    if values.len() != len {
        return fail(format!("'{what}' must have {len} values, got {}", values.len()));
    }
    Ok(())
}

fn expect_positive(what: &str, values: &[i64]) -> Result<(), ShapeError> {
    if values.iter().any(|&value| value < 1) {
        return fail(format!("'{what}' values must be positive, got [{}]", join(values)));
    }
    Ok(())
}

fn join(values: &[i64]) -> String {
    values.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

/// Parameters of a 2-D sliding window (convolution or pooling).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    /// Kernel rows and columns.
    pub kernel: [i64; 2],
    /// Row and column strides.
    pub strides: Vec<i64>,
    /// `[top, left, bottom, right]`.
    pub pads: Vec<i64>,
    /// Row and column dilations.
    pub dilations: Vec<i64>,
    /// Round the output size up instead of down.
    pub ceil_mode: bool,
}

impl Window {
    /// Checks the parameter lists and returns the output rows and columns for an input of `rows` x `cols`.
    pub fn output_size(&self, rows: i64, cols: i64) -> Result<[i64; 2], ShapeError> {
        expect_len("strides", &self.strides, 2)?;
        expect_len("pads", &self.pads, 4)?;
        expect_len("dilations", &self.dilations, 2)?;
        expect_positive("kernel", &self.kernel)?;
        expect_positive("strides", &self.strides)?;
        expect_positive("dilations", &self.dilations)?;
        if self.pads.iter().any(|&pad| pad < 0) {
            return fail(format!("'pads' must not be negative, got [{}]", join(&self.pads)));
        }
        let mut out = [0; 2];
        for axis in 0..2 {
            let size = [rows, cols][axis] + self.pads[axis] + self.pads[axis + 2];
            let extent = self.dilations[axis] * (self.kernel[axis] - 1) + 1;
            if size < extent {
                return fail(format!(
                    "the window ({extent}) is larger than the padded input ({size}) along {}",
                    ["rows", "columns"][axis]
                ));
            }
            let span = size - extent;
            let stride = self.strides[axis];
            out[axis] = if self.ceil_mode {
                let mut count = (span + stride - 1) / stride + 1;
                // As in ONNX and PyTorch: the last window must start inside the input or the begin padding.
                if (count - 1) * stride >= [rows, cols][axis] + self.pads[axis] {
                    count -= 1;
                }
                count
            } else {
                span / stride + 1
            };
        }
        Ok(out)
    }
}

fn expect_rank(what: &str, shape: &[i64], rank: usize) -> Result<(), ShapeError> {
    if shape.len() != rank {
        return fail(format!("{what} must have rank {rank}, got {}", show_or_scalar(shape)));
    }
    Ok(())
}

fn show_or_scalar(shape: &[i64]) -> String {
    if shape.is_empty() {
        "a scalar".into()
    } else {
        format!("rank {} ({})", shape.len(), show(shape))
    }
}

/// `conv2d`: input N x C x H x W, weight F x C/groups x KH x KW, optional bias F.
pub fn conv2d(
    input: &[i64],
    weight: &[i64],
    bias: Option<&[i64]>,
    strides: &[i64],
    pads: &[i64],
    dilations: &[i64],
    groups: i64,
) -> Result<Vec<i64>, ShapeError> {
    expect_rank("the input", input, 4)?;
    expect_rank("the weight", weight, 4)?;
    if groups < 1 {
        return fail(format!("'groups' must be positive, got {groups}"));
    }
    let (channels, filters) = (input[1], weight[0]);
    if channels % groups != 0 || filters % groups != 0 {
        return fail(format!(
            "'groups' ({groups}) must divide the input channels ({channels}) and the filters ({filters})"
        ));
    }
    if weight[1] * groups != channels {
        return fail(format!(
            "the weight has {} input channels per group but the input has {channels} channels in {groups} group(s)",
            weight[1]
        ));
    }
    if let Some(bias) = bias {
        if bias != [filters] {
            return fail(format!("the bias must have shape {filters} (one per filter), got {}", show(bias)));
        }
    }
    let window = Window {
        kernel: [weight[2], weight[3]],
        strides: strides.to_vec(),
        pads: pads.to_vec(),
        dilations: dilations.to_vec(),
        ceil_mode: false,
    };
    let [rows, cols] = window.output_size(input[2], input[3])?;
    Ok(vec![input[0], filters, rows, cols])
}

/// `maxpool` / `avgpool` on N x C x H x W.
pub fn pool(input: &[i64], window: &Window) -> Result<Vec<i64>, ShapeError> {
    expect_rank("the input", input, 4)?;
    let [rows, cols] = window.output_size(input[2], input[3])?;
    Ok(vec![input[0], input[1], rows, cols])
}

/// `global_avgpool`: N x C x H x W to N x C x 1 x 1.
pub fn global_pool(input: &[i64]) -> Result<Vec<i64>, ShapeError> {
    expect_rank("the input", input, 4)?;
    Ok(vec![input[0], input[1], 1, 1])
}

/// NumPy broadcasting of two shapes.
pub fn broadcast(lhs: &[i64], rhs: &[i64]) -> Result<Vec<i64>, ShapeError> {
    let rank = lhs.len().max(rhs.len());
    let dim = |shape: &[i64], index: usize| {
        let offset = rank - shape.len();
        if index < offset {
            1
        } else {
            shape[index - offset]
        }
    };
    (0..rank)
        .map(|index| match (dim(lhs, index), dim(rhs, index)) {
            (a, b) if a == b => Ok(a),
            (1, b) => Ok(b),
            (a, 1) => Ok(a),
            _ => fail(format!("shapes {} and {} do not broadcast", show(lhs), show(rhs))),
        })
        .collect()
}

/// `gemm`: `op(a)` is M x K, `op(b)` is K x N; `c` broadcasts to M x N.
pub fn gemm(a: &[i64], b: &[i64], c: Option<&[i64]>, trans_a: bool, trans_b: bool) -> Result<Vec<i64>, ShapeError> {
    expect_rank("'a'", a, 2)?;
    expect_rank("'b'", b, 2)?;
    let (m, k) = if trans_a { (a[1], a[0]) } else { (a[0], a[1]) };
    let (k2, n) = if trans_b { (b[1], b[0]) } else { (b[0], b[1]) };
    if k != k2 {
        return fail(format!("the inner dimensions differ: {k} and {k2}"));
    }
    if let Some(c) = c {
        let joined = broadcast(&[m, n], c)?;
        if joined != [m, n] {
            return fail(format!("'c' ({}) does not broadcast to {m}x{n}", show(c)));
        }
    }
    Ok(vec![m, n])
}

/// `matmul` with broadcast leading dimensions (both operands of rank 2 or more).
pub fn matmul(a: &[i64], b: &[i64]) -> Result<Vec<i64>, ShapeError> {
    if a.len() < 2 || b.len() < 2 {
        return fail("both operands of matmul must have rank 2 or more");
    }
    let (m, k) = (a[a.len() - 2], a[a.len() - 1]);
    let (k2, n) = (b[b.len() - 2], b[b.len() - 1]);
    if k != k2 {
        return fail(format!("the inner dimensions differ: {k} and {k2}"));
    }
    let mut out = broadcast(&a[..a.len() - 2], &b[..b.len() - 2])?;
    out.extend([m, n]);
    Ok(out)
}

/// Normalises a possibly negative axis for a tensor of `rank` dimensions.
pub fn axis(axis: i64, rank: usize) -> Result<usize, ShapeError> {
    let rank = rank as i64;
    let normal = if axis < 0 { axis + rank } else { axis };
    if !(0..rank).contains(&normal) {
        return fail(format!("axis {axis} is out of range for rank {rank}"));
    }
    Ok(normal as usize)
}

/// `concat` of two tensors along `axis`.
pub fn concat(lhs: &[i64], rhs: &[i64], along: i64) -> Result<Vec<i64>, ShapeError> {
    if lhs.len() != rhs.len() {
        return fail(format!("cannot concatenate {} and {}: ranks differ", show(lhs), show(rhs)));
    }
    let along = axis(along, lhs.len())?;
    let mut out = lhs.to_vec();
    for (index, (&a, &b)) in lhs.iter().zip(rhs).enumerate() {
        if index == along {
            out[index] = a + b;
        } else if a != b {
            return fail(format!("cannot concatenate {} and {} along axis {along}", show(lhs), show(rhs)));
        }
    }
    Ok(out)
}

/// `flatten` at `axis`: a 2-D result.
pub fn flatten(input: &[i64], at: i64) -> Result<Vec<i64>, ShapeError> {
    let rank = input.len() as i64;
    let at = if at < 0 { at + rank } else { at };
    if !(0..=rank).contains(&at) {
        return fail(format!("axis {at} is out of range for rank {rank}"));
    }
    let (outer, inner) = input.split_at(at as usize);
    Ok(vec![outer.iter().product(), inner.iter().product()])
}

/// `reshape`: the element count must not change.
pub fn reshape(input: &[i64], output: &[i64]) -> Result<Vec<i64>, ShapeError> {
    let (before, after): (i64, i64) = (input.iter().product(), output.iter().product());
    if before != after {
        return fail(format!(
            "cannot reshape {} ({before} elements) to {} ({after} elements)",
            show(input),
            show(output)
        ));
    }
    Ok(output.to_vec())
}

/// `transpose` by `perm`.
pub fn transpose(input: &[i64], perm: &[i64]) -> Result<Vec<i64>, ShapeError> {
    let mut seen = vec![false; input.len()];
    if perm.len() != input.len() {
        return fail(format!("'perm' must have {} values, got {}", input.len(), perm.len()));
    }
    perm.iter()
        .map(|&index| {
            let slot = usize::try_from(index).ok().filter(|&slot| slot < input.len() && !seen[slot]);
            match slot {
                Some(slot) => {
                    seen[slot] = true;
                    Ok(input[slot])
                }
                None => fail(format!("'perm' [{}] is not a permutation of 0..{}", join(perm), input.len())),
            }
        })
        .collect()
}

/// `pad`: `pads` has all begins then all ends, one pair per dimension.
pub fn pad(input: &[i64], pads: &[i64]) -> Result<Vec<i64>, ShapeError> {
    expect_len("pads", pads, 2 * input.len())?;
    if pads.iter().any(|&pad| pad < 0) {
        return fail(format!("'pads' must not be negative, got [{}]", join(pads)));
    }
    Ok(input.iter().enumerate().map(|(index, size)| size + pads[index] + pads[index + input.len()]).collect())
}

/// `batchnorm`: every parameter has one value per channel (dimension 1).
pub fn batchnorm(input: &[i64], parameters: &[&[i64]]) -> Result<Vec<i64>, ShapeError> {
    if input.len() < 2 {
        return fail(format!("the input must have rank 2 or more, got {}", show_or_scalar(input)));
    }
    for (name, shape) in ["scale", "bias", "mean", "variance"].iter().zip(parameters) {
        if *shape != [input[1]] {
            return fail(format!("'{name}' must have shape {} (one per channel), got {}", input[1], show(shape)));
        }
    }
    Ok(input.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(kernel: i64, stride: i64, pad: i64, ceil_mode: bool) -> Window {
        Window { kernel: [kernel; 2], strides: vec![stride; 2], pads: vec![pad; 4], dilations: vec![1, 1], ceil_mode }
    }

    #[test]
    fn resnet_stem() {
        let conv = conv2d(&[1, 3, 224, 224], &[64, 3, 7, 7], None, &[2, 2], &[3, 3, 3, 3], &[1, 1], 1).unwrap();
        assert_eq!(conv, [1, 64, 112, 112]);
        assert_eq!(pool(&conv, &window(3, 2, 1, false)).unwrap(), [1, 64, 56, 56]);
    }

    #[test]
    fn depthwise_and_grouped() {
        let out = conv2d(&[1, 32, 112, 112], &[32, 1, 3, 3], Some(&[32]), &[1, 1], &[1, 1, 1, 1], &[1, 1], 32);
        assert_eq!(out.unwrap(), [1, 32, 112, 112]);
        let bad = conv2d(&[1, 32, 8, 8], &[32, 2, 3, 3], None, &[1, 1], &[0; 4], &[1, 1], 32).unwrap_err();
        assert!(bad.0.contains("2 input channels per group"), "{bad}");
        assert!(conv2d(&[1, 30, 8, 8], &[32, 1, 3, 3], None, &[1, 1], &[0; 4], &[1, 1], 4).is_err());
    }

    #[test]
    fn dilation_and_ceil_mode() {
        let dilated = Window { dilations: vec![2, 2], ..window(3, 1, 0, false) };
        assert_eq!(dilated.output_size(7, 7).unwrap(), [3, 3]);
        assert_eq!(window(3, 2, 0, false).output_size(6, 6).unwrap(), [2, 2]);
        assert_eq!(window(3, 2, 0, true).output_size(6, 6).unwrap(), [3, 3]);
        // A last window that would start in the end padding is dropped.
        assert_eq!(window(2, 2, 1, true).output_size(5, 5).unwrap(), [3, 3]);
        assert_eq!(window(2, 2, 0, true).output_size(5, 5).unwrap(), [3, 3]);
        assert!(window(5, 1, 0, false).output_size(3, 3).is_err());
    }

    #[test]
    fn broadcasting_rules() {
        assert_eq!(broadcast(&[1, 64, 56, 56], &[64, 1, 1]).unwrap(), [1, 64, 56, 56]);
        assert!(broadcast(&[2, 3], &[4, 3]).is_err());
    }

    #[test]
    fn matrix_products() {
        assert_eq!(gemm(&[1, 512], &[1000, 512], Some(&[1000]), false, true).unwrap(), [1, 1000]);
        assert!(gemm(&[1, 512], &[1000, 512], None, false, false).is_err());
        assert_eq!(matmul(&[4, 2, 3], &[3, 5]).unwrap(), [4, 2, 5]);
    }

    #[test]
    fn layout_ops() {
        assert_eq!(flatten(&[1, 512, 1, 1], 1).unwrap(), [1, 512]);
        assert_eq!(flatten(&[2, 3], 0).unwrap(), [1, 6]);
        assert_eq!(concat(&[1, 8, 4, 4], &[1, 16, 4, 4], 1).unwrap(), [1, 24, 4, 4]);
        assert_eq!(concat(&[1, 8, 4, 4], &[1, 16, 4, 4], -3).unwrap(), [1, 24, 4, 4]);
        assert!(concat(&[1, 8, 4, 4], &[1, 8, 2, 4], 1).is_err());
        assert_eq!(transpose(&[1, 2, 3], &[2, 0, 1]).unwrap(), [3, 1, 2]);
        assert!(transpose(&[1, 2, 3], &[0, 0, 1]).is_err());
        assert_eq!(pad(&[1, 3, 4, 4], &[0, 0, 1, 2, 0, 0, 1, 2]).unwrap(), [1, 3, 6, 8]);
        assert!(reshape(&[1, 512, 1, 1], &[1, 500]).is_err());
        assert_eq!(batchnorm(&[1, 4, 2, 2], &[&[4], &[4], &[4], &[4]]).unwrap(), [1, 4, 2, 2]);
        assert!(batchnorm(&[1, 4, 2, 2], &[&[4], &[3], &[4], &[4]]).is_err());
    }
}
