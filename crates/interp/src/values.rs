//! What both evaluators share: checking the caller's inputs, holding computed values until their last reader
//! has run, loading weights, and checking each result against the type the network declares.

use crate::error::InterpError;
use autows_network::{Network, Node, Tensor, TensorType, ValueId, WeightLoader};
use autows_shape::show;

/// Computed values, each dropped once its last reader has run (network outputs are kept), so a deep network
/// needs memory for its live activations only.
pub(crate) struct ValueTable<V> {
    slots: Vec<Option<V>>,
    readers_left: Vec<usize>,
    kept: Vec<bool>,
}

impl<V> ValueTable<V> {
    /// An empty table for `network`.
    pub fn new(network: &Network) -> Self {
        let mut readers_left = vec![0; network.values.len()];
        for node in &network.nodes {
            for input in &node.inputs {
                if let Some(count) = readers_left.get_mut(input.0) {
                    *count += 1;
                }
            }
        }
        let mut kept = vec![false; network.values.len()];
        for output in &network.outputs {
            if let Some(keep) = kept.get_mut(output.0) {
                *keep = true;
            }
        }
        Self { slots: network.values.iter().map(|_| None).collect(), readers_left, kept }
    }

    /// Records the value of `id`; ids outside the network are ignored (the network outputs check catches them).
    pub fn set(&mut self, id: ValueId, value: V) {
        if let Some(slot) = self.slots.get_mut(id.0) {
            *slot = Some(value);
        }
    }

    /// The operands of `node`, after checking their count against the operation's arity.
    pub fn operands(&self, node: &Node) -> Result<Vec<&V>, InterpError> {
        let (required, optional) = node.op.arity();
        if node.inputs.len() < required || node.inputs.len() > required + optional {
            let expected =
                if optional == 0 { required.to_string() } else { format!("{required} to {}", required + optional) };
            return Err(InterpError::Arity {
                node: node.name.clone(),
                op: node.op.dialect_name(),
                expected,
                found: node.inputs.len(),
            });
        }
        node.inputs
            .iter()
            .map(|id| {
                self.slots
                    .get(id.0)
                    .and_then(Option::as_ref)
                    .ok_or_else(|| InterpError::Dangling { node: node.name.clone(), value: id.0 })
            })
            .collect()
    }

    /// Notes that `node` has run, dropping operands nobody else reads.
    pub fn release_operands(&mut self, node: &Node) {
        for id in &node.inputs {
            if let Some(count) = self.readers_left.get_mut(id.0) {
                *count = count.saturating_sub(1);
                if *count == 0 && !self.kept[id.0] {
                    self.slots[id.0] = None;
                }
            }
        }
    }

    /// The network outputs, in order.
    pub fn outputs(&mut self, network: &Network) -> Result<Vec<V>, InterpError>
    where
        V: Clone,
    {
        network
            .outputs
            .iter()
            .enumerate()
            .map(|(index, id)| {
                self.slots.get(id.0).and_then(Option::clone).ok_or(InterpError::MissingOutput { index, value: id.0 })
            })
            .collect()
    }
}

/// Checks that `inputs` match the network's declared inputs in number, shape, element type and size.
pub(crate) fn check_inputs(network: &Network, inputs: &[Tensor]) -> Result<(), InterpError> {
    if inputs.len() != network.inputs.len() {
        return Err(InterpError::InputCount {
            network: network.name.clone(),
            expected: network.inputs.len(),
            found: inputs.len(),
        });
    }
    for (index, (id, tensor)) in network.inputs.iter().zip(inputs).enumerate() {
        let value = network.values.get(id.0);
        let declared = value.map(|value| &value.ty);
        let matches = declared.is_some_and(|ty| *ty == tensor.tensor_type()) && well_formed(tensor);
        if !matches {
            return Err(InterpError::InputType {
                index,
                name: value.map_or_else(|| format!("#{}", id.0), |value| value.name.clone()),
                expected: declared.map_or_else(|| "a value of the network".to_string(), TensorType::mlir),
                found: describe(tensor),
            });
        }
    }
    Ok(())
}

/// Whether a tensor's dimensions are non-negative and its element count matches them.
pub(crate) fn well_formed(tensor: &Tensor) -> bool {
    let count = tensor
        .shape
        .iter()
        .try_fold(1usize, |count, &dim| usize::try_from(dim).ok().and_then(|dim| count.checked_mul(dim)));
    count == Some(tensor.data.len())
}

/// A tensor's type and, when they disagree with it, its element count, for messages.
pub(crate) fn describe(tensor: &Tensor) -> String {
    let ty = tensor.tensor_type().mlir();
    if well_formed(tensor) {
        ty
    } else {
        format!("{ty} holding {} elements", tensor.data.len())
    }
}

/// The tensor a `weight` node names, checked against the node's declared type.
pub(crate) fn load_weight(
    network: &Network,
    node: &Node,
    (source, key, checksum): (&str, &str, &str),
    loader: &dyn WeightLoader,
) -> Result<Tensor, InterpError> {
    let weight_error = |error| InterpError::Weight { node: node.name.clone(), error };
    if !loader.handles(source) {
        return Err(weight_error(autows_network::WeightError::UnknownSource(source.to_string())));
    }
    let tensor = loader.load(source, key, checksum).map_err(weight_error)?;
    check_declared(network, node, &tensor.tensor_type())?;
    if !well_formed(&tensor) {
        return Err(InterpError::Node {
            node: node.name.clone(),
            op: node.op.dialect_name(),
            message: format!("the loaded tensor is {}", describe(&tensor)),
        });
    }
    Ok(tensor)
}

/// Checks a node's computed result type against the one the network records for its output.
pub(crate) fn check_declared(network: &Network, node: &Node, computed: &TensorType) -> Result<(), InterpError> {
    let declared = network.values.get(node.output.0).map(|value| &value.ty);
    if declared == Some(computed) {
        return Ok(());
    }
    Err(InterpError::DeclaredType {
        node: node.name.clone(),
        op: node.op.dialect_name(),
        computed: computed.mlir(),
        declared: declared.map_or_else(|| format!("no value #{}", node.output.0), TensorType::mlir),
    })
}

/// Checks a node's computed result shape against the network's record (the quantised evaluation keeps its own
/// element types).
pub(crate) fn check_declared_shape(network: &Network, node: &Node, shape: &[i64]) -> Result<(), InterpError> {
    let declared = network.values.get(node.output.0).map(|value| &value.ty);
    if declared.is_some_and(|ty| ty.shape == shape) {
        return Ok(());
    }
    Err(InterpError::DeclaredType {
        node: node.name.clone(),
        op: node.op.dialect_name(),
        computed: format!("shape {}", show(shape)),
        declared: declared.map_or_else(|| format!("no value #{}", node.output.0), TensorType::mlir),
    })
}
