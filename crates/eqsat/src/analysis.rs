//! What the e-graph knows about each e-class: its tensor type, whether it depends on weights only, and its value
//! when that is a small constant.
//!
//! Types let rules check their preconditions (a multiplier is a per-channel scale only when its shape is
//! `[C,1,1]` or `[1,C,1,1]`); the weight-only flag lets the cost function tell offline weight arithmetic from
//! hardware engines; constant values drive constant folding. Merging two e-classes of different types would
//! mean a rule broke semantics, so [`ShapeAnalysis`] records every such conflict for the driver to report.

use crate::{
    fold,
    language::{Graph, Param},
};
use autows_network::{ElementType, Tensor, TensorType};
use autows_shape::{self as shape, ShapeError};
use egg::{Analysis, DidMerge, EGraph, Id};

/// The facts about one e-class.
#[derive(Clone, Debug)]
pub enum ClassData {
    /// A class of operation parameters.
    Param(Param),
    /// A class of tensors.
    Tensor(TensorInfo),
    /// An e-node whose operands break its shape rule; rules never add one, so seeing it is a bug.
    Invalid(String),
}

/// The facts about a tensor-valued e-class.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorInfo {
    /// Shape and element type.
    pub ty: TensorType,
    /// Whether the value is computed from weights and constants alone, so it can be computed offline.
    pub weight_only: bool,
    /// The value, when it is a small constant.
    pub constant: Option<Tensor>,
}

/// The e-class analysis of the graph language.
#[derive(Clone, Debug, Default)]
pub struct ShapeAnalysis {
    /// Constants with more elements than this are not folded, so the IR stays small.
    pub fold_limit: usize,
    /// Whether the network's activations are integer codes (`graph-quantize`): every result is requantised,
    /// so rewrites that are exact only in real arithmetic (moving a bias add before a convolution's rounding,
    /// reassociating weight arithmetic) would change bits, and the rules that make them stand down.
    pub quantized: bool,
    /// Merges of e-classes whose facts disagree, described for the error report.
    pub conflicts: Vec<String>,
}

impl ShapeAnalysis {
    /// An analysis folding constants of at most `fold_limit` elements, for a quantised network if `quantized`.
    pub fn new(fold_limit: usize, quantized: bool) -> Self {
        Self { fold_limit, quantized, conflicts: Vec::new() }
    }
}

/// The tensor facts of class `id`, if it holds tensors.
pub fn tensor(egraph: &EGraph<Graph, ShapeAnalysis>, id: Id) -> Option<&TensorInfo> {
    match &egraph[id].data {
        ClassData::Tensor(info) => Some(info),
        _ => None,
    }
}

/// The parameters of class `id`, if it holds parameters.
pub fn param(egraph: &EGraph<Graph, ShapeAnalysis>, id: Id) -> Option<&Param> {
    match &egraph[id].data {
        ClassData::Param(param) => Some(param),
        _ => None,
    }
}

/// Adds `enode` if its operands satisfy its shape rule; rules build through this so an ill-typed node never
/// enters the e-graph.
pub fn add_checked(egraph: &mut EGraph<Graph, ShapeAnalysis>, enode: Graph) -> Option<Id> {
    match infer(egraph, &enode) {
        ClassData::Invalid(_) => None,
        _ => Some(egraph.add(enode)),
    }
}

fn window(key: &crate::language::WindowKey, ceil_mode: bool) -> shape::Window {
    shape::Window {
        kernel: key.kernel,
        strides: key.strides.to_vec(),
        pads: key.pads.to_vec(),
        dilations: key.dilations.to_vec(),
        ceil_mode,
    }
}

/// The result shape of `enode` on operands of `shapes`, by the rules of `autows-shape`.
fn result_shape(enode: &Graph, param: Option<&Param>, shapes: &[&[i64]]) -> Result<Vec<i64>, ShapeError> {
    let wrong = || Err(ShapeError(format!("{} has the wrong parameters", enode.dialect_name().unwrap_or("leaf"))));
    match (enode, param) {
        (Graph::Conv(_) | Graph::ConvBias(_), Some(Param::Conv { strides, pads, dilations, groups })) => {
            shape::conv2d(shapes[0], shapes[1], shapes.get(2).copied(), strides, pads, dilations, *groups)
        }
        (Graph::Gemm(_) | Graph::GemmC(_), Some(Param::Gemm { trans_a, trans_b, .. })) => {
            shape::gemm(shapes[0], shapes[1], shapes.get(2).copied(), *trans_a, *trans_b)
        }
        (Graph::MatMul(_), _) => shape::matmul(shapes[0], shapes[1]),
        (Graph::Add(_) | Graph::Sub(_) | Graph::Mul(_) | Graph::Div(_), _) => shape::broadcast(shapes[0], shapes[1]),
        (Graph::MaxPool(_), Some(Param::MaxPool { window: key, ceil_mode })) => {
            shape::pool(shapes[0], &window(key, *ceil_mode))
        }
        (Graph::AvgPool(_), Some(Param::AvgPool { window: key, ceil_mode, .. })) => {
            shape::pool(shapes[0], &window(key, *ceil_mode))
        }
        (Graph::GlobalAvgPool(_), _) => shape::global_pool(shapes[0]),
        (Graph::Concat(_), Some(Param::Axis(axis))) => shape::concat(shapes[0], shapes[1], *axis),
        (Graph::Flatten(_), Some(Param::Axis(axis))) => shape::flatten(shapes[0], *axis),
        (Graph::Reshape(_), Some(Param::Shape(target))) => shape::reshape(shapes[0], target),
        (Graph::Transpose(_), Some(Param::Perm(perm))) => shape::transpose(shapes[0], perm),
        (Graph::Pad(_), Some(Param::Pad { pads, .. })) => shape::pad(shapes[0], pads),
        (Graph::BatchNorm(_), Some(Param::Epsilon(_))) => shape::batchnorm(shapes[0], &shapes[1..]),
        (Graph::Softmax(_), Some(Param::Axis(axis))) => shape::axis(*axis, shapes[0].len()).map(|_| shapes[0].to_vec()),
        (Graph::Clip(_), Some(Param::Clip { min, max })) if min.get() > max.get() => {
            Err(ShapeError(format!("'min' ({}) exceeds 'max' ({})", min.get(), max.get())))
        }
        (Graph::Clip(_), Some(Param::Clip { .. })) | (Graph::Dropout(_), Some(Param::Dropout(_))) => {
            Ok(shapes[0].to_vec())
        }
        (Graph::Relu(_) | Graph::Sigmoid(_) | Graph::HardSwish(_) | Graph::Identity(_) | Graph::Sqrt(_), None) => {
            Ok(shapes[0].to_vec())
        }
        _ => wrong(),
    }
}

/// The facts of an e-class holding `enode`, from the facts of its children.
pub fn infer(egraph: &EGraph<Graph, ShapeAnalysis>, enode: &Graph) -> ClassData {
    match enode {
        Graph::Param(param) => return ClassData::Param(param.clone()),
        Graph::Input(leaf) => {
            return ClassData::Tensor(TensorInfo { ty: leaf.ty.clone(), weight_only: false, constant: None })
        }
        Graph::Weight(leaf) => {
            return ClassData::Tensor(TensorInfo { ty: leaf.ty.clone(), weight_only: true, constant: None })
        }
        Graph::Const(leaf) => {
            return ClassData::Tensor(TensorInfo {
                ty: leaf.value.tensor_type(),
                weight_only: true,
                constant: Some(leaf.value.clone()),
            })
        }
        _ => {}
    }
    let (param_id, operands) = enode.split();
    let param = match param_id.map(|id| param(egraph, id)) {
        Some(None) => return ClassData::Invalid("the parameter child holds no parameters".into()),
        Some(Some(param)) => Some(param),
        None => None,
    };
    let mut infos = Vec::with_capacity(operands.len());
    for &id in operands {
        match tensor(egraph, id) {
            Some(info) => infos.push(info),
            None => return ClassData::Invalid("an operand is not a tensor".into()),
        }
    }
    let shapes: Vec<&[i64]> = infos.iter().map(|info| info.ty.shape.as_slice()).collect();
    let result = match result_shape(enode, param, &shapes) {
        Ok(result) => result,
        Err(error) => return ClassData::Invalid(error.0),
    };
    let element = infos.first().map_or(ElementType::F32, |info| info.ty.element);
    let weight_only = infos.iter().all(|info| info.weight_only);
    let ty = TensorType { shape: result, element };
    let constant = if ty.element_count() <= egraph.analysis.fold_limit {
        let values: Option<Vec<&Tensor>> = infos.iter().map(|info| info.constant.as_ref()).collect();
        values.and_then(|values| fold::evaluate(enode, param, &values, &ty.shape))
    } else {
        None
    };
    ClassData::Tensor(TensorInfo { ty, weight_only, constant })
}

impl Analysis<Graph> for ShapeAnalysis {
    type Data = ClassData;

    fn make(egraph: &mut EGraph<Graph, Self>, enode: &Graph, _id: Id) -> ClassData {
        infer(egraph, enode)
    }

    fn merge(&mut self, to: &mut ClassData, from: ClassData) -> DidMerge {
        match (to, from) {
            (ClassData::Tensor(to), ClassData::Tensor(from)) => {
                if to.ty != from.ty {
                    self.conflicts.push(format!(
                        "an e-class of type {} merged with one of type {}",
                        to.ty.mlir(),
                        from.ty.mlir()
                    ));
                    return DidMerge(false, true);
                }
                let mut changed = DidMerge(false, false);
                if from.weight_only != to.weight_only {
                    changed.0 |= !to.weight_only;
                    changed.1 |= to.weight_only;
                    to.weight_only = true;
                }
                match (&to.constant, from.constant) {
                    (None, Some(value)) => {
                        to.constant = Some(value);
                        changed.0 = true;
                    }
                    (Some(_), None) => changed.1 = true,
                    _ => {}
                }
                changed
            }
            (ClassData::Param(to), ClassData::Param(from)) => {
                if *to != from {
                    self.conflicts.push(format!("parameters {to} merged with {from}"));
                }
                DidMerge(false, false)
            }
            (to, from) => {
                self.conflicts.push(format!("{to:?} merged with {from:?}"));
                if matches!(to, ClassData::Invalid(_)) && !matches!(from, ClassData::Invalid(_)) {
                    *to = from;
                    DidMerge(true, true)
                } else {
                    DidMerge(false, true)
                }
            }
        }
    }
}
