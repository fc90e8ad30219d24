//! Which of the equivalent networks to extract: the one the hardware would rather build.
//!
//! Term size is the wrong measure for an accelerator generator: every activation-level operation becomes a
//! compute engine on the FPGA, while arithmetic on weights alone runs once, offline, and costs nothing at run
//! time. [`HardwareCost`] therefore ranks networks by, in order: compute engines, then weight bits held on chip,
//! then activations streamed through engines, then node count as the last tie-break. [`CostModel`] is the hook
//! for a cost function backed by the real hardware cost model.

use crate::{
    analysis::{tensor, ShapeAnalysis},
    convert::enode_op,
    language::Graph,
};
use autows_network::{Op, TensorType};
use egg::{CostFunction, EGraph, Id, Language};
use std::ops::Add;

/// A cost, compared lexicographically field by field (the field order is the priority order).
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
pub struct Cost {
    /// Compute engines the operations become.
    pub engines: f64,
    /// Bits of the weight operands those engines hold.
    pub weight_bits: f64,
    /// Activation elements streamed into and out of engines.
    pub streamed: f64,
    /// Operations, as the last tie-break so that of two otherwise equal networks the smaller wins.
    pub nodes: f64,
}

impl Add for Cost {
    type Output = Cost;

    fn add(self, other: Cost) -> Cost {
        Cost {
            engines: self.engines + other.engines,
            weight_bits: self.weight_bits + other.weight_bits,
            streamed: self.streamed + other.streamed,
            nodes: self.nodes + other.nodes,
        }
    }
}

/// One operation as a cost model sees it: the operation with its parameters and the types and provenance of
/// its operands and result.
#[derive(Debug)]
pub struct NodeView<'a> {
    /// The operation.
    pub op: Op,
    /// The operand types, in order.
    pub inputs: Vec<&'a TensorType>,
    /// Whether each operand depends on weights and constants only.
    pub inputs_weight_only: Vec<bool>,
    /// The result type.
    pub output: &'a TensorType,
    /// Whether the result depends on weights and constants only, so it is computed offline.
    pub weight_only: bool,
}

/// Prices one operation; the cost of a network is the sum over its operations. Implementations must return
/// finite, non-negative costs.
pub trait CostModel {
    /// The cost of the operation `node` alone, without its operands.
    fn cost(&self, node: &NodeView<'_>) -> Cost;
}

/// The default cost: one engine per activation-level operation except pure data movement, whose weight
/// operands cost their bits.
#[derive(Clone, Copy, Debug, Default)]
pub struct HardwareCost {
    /// Bits per weight element; `None` uses the element type's width (32 for `f32`).
    pub weight_bits: Option<u32>,
}

impl CostModel for HardwareCost {
    fn cost(&self, node: &NodeView<'_>) -> Cost {
        let operation = Cost { nodes: 1.0, ..Cost::default() };
        let free = matches!(
            node.op,
            Op::Identity
                | Op::Dropout { .. }
                | Op::Reshape
                | Op::Flatten { .. }
                | Op::Weight { .. }
                | Op::Constant { .. }
        );
        if node.weight_only || free {
            return if matches!(node.op, Op::Weight { .. } | Op::Constant { .. }) {
                Cost::default()
            } else {
                operation
            };
        }
        let mut cost = Cost { engines: 1.0, streamed: node.output.element_count() as f64, ..operation };
        for (input, &weight_only) in node.inputs.iter().zip(&node.inputs_weight_only) {
            if weight_only {
                let bits = self.weight_bits.unwrap_or(8 * input.element.size() as u32);
                cost.weight_bits += input.element_count() as f64 * f64::from(bits);
            } else {
                cost.streamed += input.element_count() as f64;
            }
        }
        cost
    }
}

/// Adapts a [`CostModel`] to egg's extractor, which sums the costs of a term's operations.
pub(crate) struct ExtractionCost<'a> {
    pub(crate) egraph: &'a EGraph<Graph, ShapeAnalysis>,
    pub(crate) model: &'a dyn CostModel,
}

impl ExtractionCost<'_> {
    /// The cost of `enode` alone, without its operands.
    pub(crate) fn own(&self, enode: &Graph) -> Cost {
        let (_, operands) = enode.split();
        let Some(op) = enode_op(self.egraph, enode) else { return Cost::default() };
        let infos: Option<Vec<_>> = operands.iter().map(|&id| tensor(self.egraph, id)).collect();
        let Some(infos) = infos else { return Cost::default() };
        let class = self.egraph.lookup(enode.clone()).and_then(|id| tensor(self.egraph, id));
        let Some(class) = class else { return Cost::default() };
        let view = NodeView {
            op,
            inputs: infos.iter().map(|info| &info.ty).collect(),
            inputs_weight_only: infos.iter().map(|info| info.weight_only).collect(),
            output: &class.ty,
            weight_only: class.weight_only,
        };
        self.model.cost(&view)
    }
}

impl CostFunction<Graph> for ExtractionCost<'_> {
    type Cost = Cost;

    fn cost<C>(&mut self, enode: &Graph, mut costs: C) -> Cost
    where
        C: FnMut(Id) -> Cost,
    {
        let own = self.own(enode);
        enode.children().iter().fold(own, |sum, &id| sum + costs(id))
    }
}

/// Fewest operations: term size, the usual egg measure, kept to compare against [`HardwareCost`].
#[derive(Clone, Copy, Debug, Default)]
pub struct TermSize;

impl CostModel for TermSize {
    fn cost(&self, node: &NodeView<'_>) -> Cost {
        let leaf = matches!(node.op, Op::Weight { .. } | Op::Constant { .. });
        Cost { nodes: if leaf { 0.0 } else { 1.0 }, ..Cost::default() }
    }
}
