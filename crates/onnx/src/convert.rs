//! Converting a decoded ONNX graph into a [`Network`].
//!
//! Every ONNX value name is bound to either a network value or a tensor known at import time (an initializer, a
//! `Constant` node's value, or one of those squeezed, unsqueezed or passed through `Identity`). Known tensors
//! enter the network only when a node uses them as data, as a `weight` node referring back to the file or as an
//! inline `constant`; when they are only used as shapes, axes, pads or clip bounds, they are read at import time
//! and leave no trace. Shapes come from the graph inputs and are inferred node by node through the network
//! model's shape rules, so every value has a static shape.

use crate::{
    error::OnnxError,
    node::{NodeCx, MAX_EXTENT},
    ops,
    proto::{data_type, Dimension, GraphProto, ModelProto, ValueInfo, ValueType},
    tensor::{network_element, DataSource},
};
use autows_network::{Network, Op, Tensor, TensorType, ValueId};
use std::collections::{HashMap, HashSet};

/// What an ONNX value name stands for.
#[derive(Clone, Copy, Debug)]
enum Binding {
    /// A network value.
    Value(ValueId),
    /// A tensor known at import time, by index into the converter's list.
    Known(usize),
    /// An extra output of node `node` that the importer does not produce.
    Unavailable { node: usize },
}

/// An operand as a node sees it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Operand {
    /// Computed by the network.
    Value(ValueId),
    /// Known at import time.
    Known(usize),
}

/// A tensor known at import time.
#[derive(Clone, Debug)]
struct Known {
    origin: Origin,
    shape: Vec<i64>,
    /// The name of the node that brings it into the network, if a node uses it as data.
    node_name: String,
    /// The network value, once it is in the network.
    value: Option<ValueId>,
}

#[derive(Clone, Debug)]
enum Origin {
    /// An initializer of the graph, by index.
    Initializer(usize),
    /// A `Constant` node's value.
    Constant(Tensor),
    /// Another known tensor (never itself `Reshaped`) in a new shape.
    Reshaped(usize),
}

/// Why a shape is outside what the importer accepts, if it is.
pub(crate) fn shape_out_of_range(shape: &[i64]) -> Option<String> {
    if let Some(dim) = shape.iter().find(|&&dim| !(0..=MAX_EXTENT).contains(&dim)) {
        return Some(format!("dimension {dim} is out of range (0 to {MAX_EXTENT})"));
    }
    let fits = shape.iter().filter(|&&dim| dim != 0).try_fold(1i64, |count, &dim| count.checked_mul(dim));
    fits.is_none().then(|| format!("shape {} has more elements than fit in 64 bits", show(shape)))
}

/// A shape as MLIR writes it.
pub(crate) fn show(shape: &[i64]) -> String {
    if shape.is_empty() {
        return "scalar".into();
    }
    shape.iter().map(i64::to_string).collect::<Vec<_>>().join("x")
}

/// Converts `graph` into a network whose weights refer to `source`.
pub(crate) struct Converter<'m> {
    /// The model file's bytes and folder.
    pub data: DataSource<'m>,
    /// The weight source recorded in `weight` nodes.
    source: &'m str,
    graph: &'m GraphProto,
    /// The standard opset the model imports.
    pub opset: i64,
    /// The network being built.
    pub network: Network,
    bindings: HashMap<String, Binding>,
    knowns: Vec<Known>,
    node_names: Vec<String>,
}

/// The standard-domain opset a model imports (0 when it imports none).
fn standard_opset(model: &ModelProto) -> i64 {
    let standard = model.opset_import.iter().filter(|opset| opset.domain.is_empty() || opset.domain == "ai.onnx");
    standard.map(|opset| opset.version).max().unwrap_or(0)
}

/// Converts a decoded model. `name` is the network's name when the graph has none.
pub(crate) fn convert(
    model: &ModelProto,
    data: DataSource<'_>,
    source: &str,
    name: &str,
) -> Result<Network, OnnxError> {
    let opset = standard_opset(model);
    if !(crate::MIN_OPSET..=crate::MAX_OPSET).contains(&opset) {
        return Err(OnnxError::UnsupportedOpset { version: opset });
    }
    let graph = model.graph.as_ref().ok_or(OnnxError::NoGraph)?;
    let node_names = node_names(graph);
    ops::check_supported(graph, &node_names, opset)?;
    let network_name = if graph.name.is_empty() { name } else { &graph.name };
    let mut converter = Converter {
        data,
        source,
        graph,
        opset,
        network: Network::new(network_name),
        bindings: HashMap::new(),
        knowns: Vec::new(),
        node_names,
    };
    converter.bind_initializers()?;
    converter.add_inputs()?;
    for (index, node) in graph.nodes.iter().enumerate() {
        let cx = NodeCx { node, name: converter.node_names[index].clone(), index, buffer: data.buffer };
        ops::lower(&mut converter, &cx)?;
    }
    converter.add_outputs()?;
    Ok(converter.network)
}

/// Every node's network name: its ONNX name, or `<OpType>_<index>` made unique against all other names.
fn node_names(graph: &GraphProto) -> Vec<String> {
    let mut taken: HashSet<String> = graph.nodes.iter().map(|node| node.name.clone()).collect();
    graph
        .nodes
        .iter()
        .enumerate()
        .map(|(index, node)| {
            if !node.name.is_empty() {
                return node.name.clone();
            }
            let base = format!("{}_{index}", node.op_type);
            let mut candidate = base.clone();
            let mut suffix = 1;
            while taken.contains(&candidate) {
                candidate = format!("{base}_{suffix}");
                suffix += 1;
            }
            taken.insert(candidate.clone());
            candidate
        })
        .collect()
}

/// The network type of a graph input.
fn input_type(info: &ValueInfo) -> Result<TensorType, OnnxError> {
    let fail = |message: String| OnnxError::Input { name: info.name.clone(), message };
    let (element, dims) = match &info.ty {
        None => return Err(fail("it has no type".into())),
        Some(ValueType::NotTensor) => return Err(fail("it is not a tensor".into())),
        Some(ValueType::Tensor { element, shape }) => match shape {
            Some(dims) => (*element, dims),
            None => return Err(fail("its shape is not given; the network needs static shapes".into())),
        },
    };
    let element = network_element(element)
        .ok_or_else(|| fail(format!("element type {} is not supported", data_type::name(element))))?;
    let shape = dims
        .iter()
        .enumerate()
        .map(|(index, dim)| match dim {
            Dimension::Value(size) => Ok(*size),
            // A dynamic batch is compiled for one sample at a time.
            _ if index == 0 => Ok(1),
            Dimension::Param(param) => Err(fail(format!(
                "dimension {index} is dynamic ('{param}'); only the batch dimension (0) may be dynamic"
            ))),
            Dimension::Unknown => {
                Err(fail(format!("dimension {index} is dynamic; only the batch dimension (0) may be dynamic")))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(problem) = shape_out_of_range(&shape) {
        return Err(fail(problem));
    }
    Ok(TensorType { shape, element })
}

impl Converter<'_> {
    fn bind_initializers(&mut self) -> Result<(), OnnxError> {
        for (index, tensor) in self.graph.initializers.iter().enumerate() {
            if let Some(problem) = shape_out_of_range(&tensor.dims) {
                return Err(OnnxError::Tensor { name: tensor.name.clone(), message: problem });
            }
            let known = Known {
                origin: Origin::Initializer(index),
                shape: tensor.dims.clone(),
                node_name: tensor.name.clone(),
                value: None,
            };
            self.knowns.push(known);
            self.bindings.insert(tensor.name.clone(), Binding::Known(self.knowns.len() - 1));
        }
        Ok(())
    }

    /// Adds the graph inputs that are not initializers (before IR version 4, inputs list the weights too).
    fn add_inputs(&mut self) -> Result<(), OnnxError> {
        for info in &self.graph.inputs {
            if self.bindings.contains_key(&info.name) {
                continue;
            }
            let id = self.network.add_input(info.name.clone(), input_type(info)?);
            self.bindings.insert(info.name.clone(), Binding::Value(id));
        }
        Ok(())
    }

    fn add_outputs(&mut self) -> Result<(), OnnxError> {
        for info in &self.graph.outputs {
            let fail = |message: String| OnnxError::Output { name: info.name.clone(), message };
            let id = match self.bindings.get(&info.name).copied() {
                Some(Binding::Value(id)) => id,
                Some(Binding::Known(known)) => self.materialize(known)?,
                Some(Binding::Unavailable { node }) => return Err(self.unavailable(&info.name, node)),
                None => return Err(fail("no node, graph input or initializer defines it".into())),
            };
            if let Some(ValueType::Tensor { shape: Some(declared), .. }) = &info.ty {
                let inferred = &self.network.ty(id).shape;
                let agrees = declared.len() == inferred.len()
                    && declared.iter().zip(inferred).all(|(dim, &size)| match dim {
                        Dimension::Value(value) => *value == size,
                        _ => true,
                    });
                if !agrees {
                    let declared: Vec<String> = declared
                        .iter()
                        .map(|dim| match dim {
                            Dimension::Value(value) => value.to_string(),
                            Dimension::Param(param) => param.clone(),
                            Dimension::Unknown => "?".into(),
                        })
                        .collect();
                    return Err(fail(format!(
                        "the model declares shape [{}], but the network computes {}",
                        declared.join(", "),
                        show(inferred)
                    )));
                }
            }
            self.network.outputs.push(id);
        }
        Ok(())
    }

    fn unavailable(&self, value: &str, node: usize) -> OnnxError {
        OnnxError::UnavailableValue {
            value: value.to_string(),
            node: self.node_names[node].clone(),
            op_type: self.graph.nodes[node].op_type.clone(),
        }
    }

    /// Input `index` of the node, if the node has it (an empty name marks an omitted optional input).
    pub fn operand(&self, cx: &NodeCx<'_>, index: usize) -> Result<Option<Operand>, OnnxError> {
        let Some(name) = cx.node.inputs.get(index).filter(|name| !name.is_empty()) else {
            return Ok(None);
        };
        match self.bindings.get(name) {
            Some(Binding::Value(id)) => Ok(Some(Operand::Value(*id))),
            Some(Binding::Known(known)) => Ok(Some(Operand::Known(*known))),
            Some(Binding::Unavailable { node }) => Err(self.unavailable(name, *node)),
            None => Err(OnnxError::UnknownValue {
                node: cx.name.clone(),
                op_type: cx.op().to_string(),
                value: name.clone(),
            }),
        }
    }

    /// Input `index`, which the operator requires.
    pub fn required_operand(&self, cx: &NodeCx<'_>, index: usize) -> Result<Operand, OnnxError> {
        self.operand(cx, index)?.ok_or_else(|| cx.invalid(format!("input {index} is required")))
    }

    /// Input `index` as a network value, bringing a known tensor into the network if needed.
    pub fn input(&mut self, cx: &NodeCx<'_>, index: usize) -> Result<ValueId, OnnxError> {
        let operand = self.required_operand(cx, index)?;
        self.value_of(operand)
    }

    /// An optional input as a network value.
    pub fn optional_input(&mut self, cx: &NodeCx<'_>, index: usize) -> Result<Option<ValueId>, OnnxError> {
        self.operand(cx, index)?.map(|operand| self.value_of(operand)).transpose()
    }

    /// Every input as a network value; none may be omitted.
    pub fn all_inputs(&mut self, cx: &NodeCx<'_>) -> Result<Vec<ValueId>, OnnxError> {
        (0..cx.node.inputs.len()).map(|index| self.input(cx, index)).collect()
    }

    /// The network value of an operand.
    pub fn value_of(&mut self, operand: Operand) -> Result<ValueId, OnnxError> {
        match operand {
            Operand::Value(id) => Ok(id),
            Operand::Known(known) => self.materialize(known),
        }
    }

    /// The shape of an operand, known or computed.
    pub fn shape_of(&self, operand: Operand) -> &[i64] {
        match operand {
            Operand::Value(id) => &self.network.ty(id).shape,
            Operand::Known(known) => &self.knowns[known].shape,
        }
    }

    /// The shape of a network value.
    pub fn shape(&self, id: ValueId) -> &[i64] {
        &self.network.ty(id).shape
    }

    /// Input `index`'s value at import time, for operands the network holds as parameters (shapes, axes, pads,
    /// clip bounds, flags); `None` when the input is omitted.
    pub fn constant(&self, cx: &NodeCx<'_>, index: usize) -> Result<Option<Tensor>, OnnxError> {
        match self.operand(cx, index)? {
            None => Ok(None),
            Some(Operand::Known(known)) => self.known_tensor(known).map(Some),
            Some(Operand::Value(_)) => Err(cx.unsupported(format!(
                "input {index} ('{}') must be a constant or an initializer: the network needs its value at import \
                 time",
                cx.node.inputs[index]
            ))),
        }
    }

    /// A scalar operand as a float.
    pub fn scalar(&self, cx: &NodeCx<'_>, index: usize) -> Result<Option<f32>, OnnxError> {
        match self.constant(cx, index)? {
            None => Ok(None),
            Some(tensor) => match tensor.data.to_f32()[..] {
                [value] => Ok(Some(value)),
                _ => Err(
                    cx.invalid(format!("input {index} must hold one value, but it has shape {}", show(&tensor.shape)))
                ),
            },
        }
    }

    fn known_tensor(&self, known: usize) -> Result<Tensor, OnnxError> {
        let entry = &self.knowns[known];
        match &entry.origin {
            Origin::Initializer(index) => {
                let tensor = &self.graph.initializers[*index];
                self.data.load(&tensor.name, tensor)
            }
            Origin::Constant(tensor) => Ok(tensor.clone()),
            Origin::Reshaped(base) => {
                let mut tensor = self.known_tensor(*base)?;
                tensor.shape = entry.shape.clone();
                Ok(tensor)
            }
        }
    }

    /// Brings a known tensor into the network (once): an initializer as a `weight` referring to the file, a
    /// constant inline, a reshaped one as a reshape of its base.
    fn materialize(&mut self, known: usize) -> Result<ValueId, OnnxError> {
        if let Some(id) = self.knowns[known].value {
            return Ok(id);
        }
        let Known { origin, shape, node_name, .. } = self.knowns[known].clone();
        let id = match origin {
            Origin::Initializer(index) => {
                let tensor = &self.graph.initializers[index];
                let element = network_element(tensor.data_type).ok_or_else(|| OnnxError::Tensor {
                    name: tensor.name.clone(),
                    message: format!("element type {} is not supported", data_type::name(tensor.data_type)),
                })?;
                let checksum = self.data.checksum(&tensor.name, tensor)?;
                let ty = TensorType { shape, element };
                self.network.add_weight(node_name, ty, self.source, tensor.name.clone(), checksum)
            }
            Origin::Constant(value) => self.network.add(node_name, Op::Constant { value }, &[])?,
            Origin::Reshaped(base) => {
                let base = self.materialize(base)?;
                self.network.add_reshape(node_name, base, &shape)?
            }
        };
        self.knowns[known].value = Some(id);
        Ok(id)
    }

    /// Binds the node's first output to a tensor known at import time, named after the node if it ever enters
    /// the network.
    pub fn bind_known(&mut self, cx: &NodeCx<'_>, value: Tensor) -> Result<(), OnnxError> {
        if let Some(problem) = shape_out_of_range(&value.shape) {
            return Err(cx.invalid(problem));
        }
        let shape = value.shape.clone();
        self.push_known(cx, Origin::Constant(value), shape)
    }

    /// Binds the node's first output to known tensor `known` in a new shape.
    pub fn bind_reshaped_known(&mut self, cx: &NodeCx<'_>, known: usize, shape: Vec<i64>) -> Result<(), OnnxError> {
        let base = match self.knowns[known].origin {
            Origin::Reshaped(base) => base,
            _ => known,
        };
        self.push_known(cx, Origin::Reshaped(base), shape)
    }

    /// Binds the node's first output to the same known tensor as its input.
    pub fn alias_known(&mut self, cx: &NodeCx<'_>, known: usize) -> Result<(), OnnxError> {
        self.bind_outputs(cx, Binding::Known(known))
    }

    fn push_known(&mut self, cx: &NodeCx<'_>, origin: Origin, shape: Vec<i64>) -> Result<(), OnnxError> {
        self.knowns.push(Known { origin, shape, node_name: cx.name.clone(), value: None });
        self.bind_outputs(cx, Binding::Known(self.knowns.len() - 1))
    }

    /// Binds the node's first output to network value `id`, which takes the ONNX value's name.
    pub fn bind(&mut self, cx: &NodeCx<'_>, id: ValueId) -> Result<(), OnnxError> {
        if let Some(output) = cx.node.outputs.first() {
            self.network.values[id.0].name = output.clone();
        }
        self.bind_outputs(cx, Binding::Value(id))
    }

    fn bind_outputs(&mut self, cx: &NodeCx<'_>, first: Binding) -> Result<(), OnnxError> {
        let Some(output) = cx.node.outputs.first().filter(|name| !name.is_empty()) else {
            return Err(cx.invalid("the node has no output"));
        };
        self.bindings.insert(output.clone(), first);
        for extra in cx.node.outputs.iter().skip(1).filter(|name| !name.is_empty()) {
            self.bindings.insert(extra.clone(), Binding::Unavailable { node: cx.index });
        }
        Ok(())
    }

    /// Adds a node and checks that its result stays within the importer's limits.
    pub fn add(&mut self, cx: &NodeCx<'_>, name: String, op: Op, inputs: &[ValueId]) -> Result<ValueId, OnnxError> {
        let id = self.network.add(name, op, inputs)?;
        self.check_result(cx, id)
    }

    /// Adds a reshape of `input` to `shape`, after checking `shape` against the importer's limits.
    pub fn add_reshape(
        &mut self,
        cx: &NodeCx<'_>,
        name: String,
        input: ValueId,
        shape: &[i64],
    ) -> Result<ValueId, OnnxError> {
        if let Some(problem) = shape_out_of_range(shape) {
            return Err(cx.invalid(format!("the target shape is out of range: {problem}")));
        }
        Ok(self.network.add_reshape(name, input, shape)?)
    }

    fn check_result(&self, cx: &NodeCx<'_>, id: ValueId) -> Result<ValueId, OnnxError> {
        match shape_out_of_range(self.shape(id)) {
            Some(problem) => Err(cx.invalid(format!("the result is out of range: {problem}"))),
            None => Ok(id),
        }
    }
}
