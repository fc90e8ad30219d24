//! Evaluation of operations whose operands are all inline constants, with the float semantics of the reference
//! interpreter (one IEEE operation per element, NumPy broadcasting), so that a folded constant has exactly the
//! bits the interpreter would have computed.

use crate::language::{Graph, Param};
use autows_network::{Tensor, TensorData};

/// The value of `enode` applied to `args`, with result shape `shape`; `None` for operations this module does not
/// fold (anything but element-wise arithmetic and pure layout changes) or operands that are not `f32` where
/// arithmetic needs it.
pub fn evaluate(enode: &Graph, param: Option<&Param>, args: &[&Tensor], shape: &[i64]) -> Option<Tensor> {
    let relabel = |data: &TensorData| Some(Tensor { shape: shape.to_vec(), data: data.clone() });
    match enode {
        Graph::Identity(_) | Graph::Dropout(_) | Graph::Reshape(_) | Graph::Flatten(_) => relabel(&args[0].data),
        Graph::Relu(_) => unary(args[0], shape, |x| if x < 0.0 { 0.0 } else { x }),
        Graph::Sqrt(_) => unary(args[0], shape, f32::sqrt),
        Graph::Clip(_) => {
            let Some(Param::Clip { min, max }) = param else { return None };
            let (min, max) = (min.get(), max.get());
            unary(args[0], shape, move |x| {
                if x < min {
                    min
                } else if x > max {
                    max
                } else {
                    x
                }
            })
        }
        Graph::Add(_) => binary(args[0], args[1], shape, |x, y| x + y),
        Graph::Sub(_) => binary(args[0], args[1], shape, |x, y| x - y),
        Graph::Mul(_) => binary(args[0], args[1], shape, |x, y| x * y),
        Graph::Div(_) => binary(args[0], args[1], shape, |x, y| x / y),
        _ => None,
    }
}

fn floats(tensor: &Tensor) -> Option<&[f32]> {
    match &tensor.data {
        TensorData::F32(values) => Some(values),
        _ => None,
    }
}

fn unary(arg: &Tensor, shape: &[i64], f: impl Fn(f32) -> f32) -> Option<Tensor> {
    let values: Vec<f32> = floats(arg)?.iter().map(|&x| f(x)).collect();
    Tensor::from_f32(shape.to_vec(), values)
}

/// Row-major strides of `shape` aligned to the right of a result of rank `rank`, zero where a dimension of size
/// one is broadcast.
fn broadcast_strides(shape: &[i64], rank: usize) -> Vec<usize> {
    let mut strides = vec![0; rank];
    let mut stride = 1usize;
    for (offset, &dim) in shape.iter().enumerate().rev() {
        let slot = rank - shape.len() + offset;
        strides[slot] = if dim == 1 { 0 } else { stride };
        stride *= dim.max(0) as usize;
    }
    strides
}

fn binary(lhs: &Tensor, rhs: &Tensor, shape: &[i64], f: impl Fn(f32, f32) -> f32) -> Option<Tensor> {
    let (a, b) = (floats(lhs)?, floats(rhs)?);
    if lhs.shape.len() > shape.len() || rhs.shape.len() > shape.len() {
        return None;
    }
    let rank = shape.len();
    let (sa, sb) = (broadcast_strides(&lhs.shape, rank), broadcast_strides(&rhs.shape, rank));
    let count: usize = shape.iter().map(|&d| d.max(0) as usize).product();
    let mut index = vec![0usize; rank];
    let mut values = Vec::with_capacity(count);
    for _ in 0..count {
        let ia: usize = index.iter().zip(&sa).map(|(i, s)| i * s).sum();
        let ib: usize = index.iter().zip(&sb).map(|(i, s)| i * s).sum();
        values.push(f(*a.get(ia)?, *b.get(ib)?));
        for axis in (0..rank).rev() {
            index[axis] += 1;
            if (index[axis] as i64) < shape[axis] {
                break;
            }
            index[axis] = 0;
        }
    }
    Tensor::from_f32(shape.to_vec(), values)
}
