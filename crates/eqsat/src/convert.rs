//! Between a [`Network`] and an e-graph: loading a network's nodes as e-nodes, and rebuilding a network from
//! the e-nodes an extractor chose.
//!
//! Rebuilding memoises by e-class, so a subterm the extracted network uses twice is emitted once, and emits in
//! post-order from the outputs, which is a topological order. Each emitted node takes the name of an original
//! node of its e-class (one of the same operation if there is one, else the latest in the original order, which
//! is the root of the subterm a rule rewrote), so source locations survive. A node new to the network is named
//! after the node that uses it, `<user>/<operation>`.

use crate::{
    analysis::{param, tensor, ShapeAnalysis},
    extract::Selection,
    language::{Bits, ConstLeaf, Graph, InputLeaf, PadFill, Param, WeightLeaf, WindowKey},
    EqsatError,
};
use autows_network::{Network, Op, TensorType, ValueId, Window2d};
use egg::{EGraph, Id};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A network loaded into an e-graph.
pub(crate) struct Loaded {
    /// The classes of the network outputs, in order.
    pub(crate) roots: Vec<Id>,
    /// The class of each original node's result.
    pub(crate) node_classes: Vec<Id>,
}

fn window_key(window: &Window2d) -> WindowKey {
    WindowKey { kernel: window.kernel, strides: window.strides, pads: window.pads, dilations: window.dilations }
}

fn window2d(key: &WindowKey) -> Window2d {
    Window2d { kernel: key.kernel, strides: key.strides, pads: key.pads, dilations: key.dilations }
}

/// The parameter leaf of `op`, if it has parameters. `output` gives a reshape its target.
fn op_param(op: &Op, output: &TensorType) -> Option<Param> {
    Some(match op {
        Op::Conv2d { strides, pads, dilations, groups } => {
            Param::Conv { strides: *strides, pads: *pads, dilations: *dilations, groups: *groups }
        }
        Op::Gemm { trans_a, trans_b, alpha, beta } => {
            Param::Gemm { trans_a: *trans_a, trans_b: *trans_b, alpha: Bits::of(*alpha), beta: Bits::of(*beta) }
        }
        Op::Clip { min, max } => Param::Clip { min: Bits::of(*min), max: Bits::of(*max) },
        Op::Dropout { ratio } => Param::Dropout(Bits::of(*ratio)),
        Op::MaxPool { window, ceil_mode } => Param::MaxPool { window: window_key(window), ceil_mode: *ceil_mode },
        Op::AvgPool { window, ceil_mode, count_include_pad } => {
            Param::AvgPool { window: window_key(window), ceil_mode: *ceil_mode, count_include_pad: *count_include_pad }
        }
        Op::Concat { axis } | Op::Flatten { axis } | Op::Softmax { axis } => Param::Axis(*axis),
        Op::Reshape => Param::Shape(output.shape.clone()),
        Op::Transpose { perm } => Param::Perm(perm.clone()),
        Op::Pad { pads, mode, value } => {
            Param::Pad { pads: pads.clone(), fill: PadFill::from(*mode), value: Bits::of(*value) }
        }
        Op::BatchNorm { epsilon } => Param::Epsilon(Bits::of(*epsilon)),
        _ => return None,
    })
}

/// The e-node of `op` on operand classes `inputs`, whose parameters are class `param`.
fn enode(op: &Op, param: Option<Id>, inputs: &[Id], output: &TensorType) -> Option<Graph> {
    let p = param;
    Some(match (op, inputs) {
        (Op::Conv2d { .. }, &[x, w]) => Graph::Conv([p?, x, w]),
        (Op::Conv2d { .. }, &[x, w, b]) => Graph::ConvBias([p?, x, w, b]),
        (Op::Gemm { .. }, &[a, b]) => Graph::Gemm([p?, a, b]),
        (Op::Gemm { .. }, &[a, b, c]) => Graph::GemmC([p?, a, b, c]),
        (Op::MatMul, &[a, b]) => Graph::MatMul([a, b]),
        (Op::Relu, &[x]) => Graph::Relu(x),
        (Op::Clip { .. }, &[x]) => Graph::Clip([p?, x]),
        (Op::Sigmoid, &[x]) => Graph::Sigmoid(x),
        (Op::HardSwish, &[x]) => Graph::HardSwish(x),
        (Op::Identity, &[x]) => Graph::Identity(x),
        (Op::Dropout { .. }, &[x]) => Graph::Dropout([p?, x]),
        (Op::Add, &[a, b]) => Graph::Add([a, b]),
        (Op::Sub, &[a, b]) => Graph::Sub([a, b]),
        (Op::Mul, &[a, b]) => Graph::Mul([a, b]),
        (Op::Div, &[a, b]) => Graph::Div([a, b]),
        (Op::Sqrt, &[x]) => Graph::Sqrt(x),
        (Op::MaxPool { .. }, &[x]) => Graph::MaxPool([p?, x]),
        (Op::AvgPool { .. }, &[x]) => Graph::AvgPool([p?, x]),
        (Op::GlobalAvgPool, &[x]) => Graph::GlobalAvgPool(x),
        (Op::Concat { .. }, &[a, b]) => Graph::Concat([p?, a, b]),
        (Op::Flatten { .. }, &[x]) => Graph::Flatten([p?, x]),
        (Op::Reshape, &[x]) => Graph::Reshape([p?, x]),
        (Op::Transpose { .. }, &[x]) => Graph::Transpose([p?, x]),
        (Op::Pad { .. }, &[x]) => Graph::Pad([p?, x]),
        (Op::BatchNorm { .. }, &[x, s, b, m, v]) => Graph::BatchNorm([p?, x, s, b, m, v]),
        (Op::Softmax { .. }, &[x]) => Graph::Softmax([p?, x]),
        (Op::Constant { value }, &[]) => Graph::Const(ConstLeaf::new(value.clone())),
        (Op::Weight { source, key, checksum }, &[]) => Graph::Weight(WeightLeaf {
            source: source.clone(),
            key: key.clone(),
            checksum: checksum.clone(),
            ty: output.clone(),
        }),
        _ => return None,
    })
}

/// Loads `network` into a fresh e-graph with `analysis`.
pub(crate) fn load(
    network: &Network,
    analysis: ShapeAnalysis,
) -> Result<(EGraph<Graph, ShapeAnalysis>, Loaded), EqsatError> {
    let mut egraph = EGraph::new(analysis);
    let mut classes: Vec<Option<Id>> = vec![None; network.values.len()];
    for (index, &input) in network.inputs.iter().enumerate() {
        let leaf = InputLeaf { index, ty: network.ty(input).clone() };
        classes[input.0] = Some(egraph.add(Graph::Input(leaf)));
    }
    let mut node_classes = Vec::with_capacity(network.nodes.len());
    for node in &network.nodes {
        let invalid = |message: String| EqsatError::InvalidNetwork { node: node.name.clone(), message };
        let output = network.ty(node.output);
        let inputs: Option<Vec<Id>> = node.inputs.iter().map(|id| classes.get(id.0).copied().flatten()).collect();
        let inputs = inputs.ok_or_else(|| invalid("an operand is not computed before the node".into()))?;
        let param = op_param(&node.op, output).map(|param| egraph.add(Graph::Param(param)));
        let enode = enode(&node.op, param, &inputs, output)
            .ok_or_else(|| invalid(format!("'{}' with {} operands", node.op.dialect_name(), inputs.len())))?;
        let id = egraph.add(enode);
        match tensor(&egraph, id) {
            Some(info) if info.ty == *output => {}
            Some(info) => {
                return Err(invalid(format!("declared {} but its operands give {}", output.mlir(), info.ty.mlir())))
            }
            None => return Err(invalid("its operands break its shape rule".into())),
        }
        classes[node.output.0] = Some(id);
        node_classes.push(id);
    }
    let roots: Option<Vec<Id>> = network.outputs.iter().map(|id| classes.get(id.0).copied().flatten()).collect();
    let roots = roots.ok_or_else(|| EqsatError::InvalidNetwork {
        node: network.name.clone(),
        message: "an output is not computed by the network".into(),
    })?;
    egraph.rebuild();
    Ok((egraph, Loaded { roots, node_classes }))
}

/// The network operation of an e-node, with its parameters read from its parameter child; `None` for parameter
/// and input leaves.
pub(crate) fn enode_op(egraph: &EGraph<Graph, ShapeAnalysis>, enode: &Graph) -> Option<Op> {
    let (param_id, _) = enode.split();
    let param = param_id.and_then(|id| param(egraph, id));
    Some(match (enode, param) {
        (Graph::Conv(_) | Graph::ConvBias(_), Some(Param::Conv { strides, pads, dilations, groups })) => {
            Op::Conv2d { strides: *strides, pads: *pads, dilations: *dilations, groups: *groups }
        }
        (Graph::Gemm(_) | Graph::GemmC(_), Some(Param::Gemm { trans_a, trans_b, alpha, beta })) => {
            Op::Gemm { trans_a: *trans_a, trans_b: *trans_b, alpha: alpha.get(), beta: beta.get() }
        }
        (Graph::MatMul(_), _) => Op::MatMul,
        (Graph::Relu(_), _) => Op::Relu,
        (Graph::Clip(_), Some(Param::Clip { min, max })) => Op::Clip { min: min.get(), max: max.get() },
        (Graph::Sigmoid(_), _) => Op::Sigmoid,
        (Graph::HardSwish(_), _) => Op::HardSwish,
        (Graph::Identity(_), _) => Op::Identity,
        (Graph::Dropout(_), Some(Param::Dropout(ratio))) => Op::Dropout { ratio: ratio.get() },
        (Graph::Add(_), _) => Op::Add,
        (Graph::Sub(_), _) => Op::Sub,
        (Graph::Mul(_), _) => Op::Mul,
        (Graph::Div(_), _) => Op::Div,
        (Graph::Sqrt(_), _) => Op::Sqrt,
        (Graph::MaxPool(_), Some(Param::MaxPool { window, ceil_mode })) => {
            Op::MaxPool { window: window2d(window), ceil_mode: *ceil_mode }
        }
        (Graph::AvgPool(_), Some(Param::AvgPool { window, ceil_mode, count_include_pad })) => {
            Op::AvgPool { window: window2d(window), ceil_mode: *ceil_mode, count_include_pad: *count_include_pad }
        }
        (Graph::GlobalAvgPool(_), _) => Op::GlobalAvgPool,
        (Graph::Concat(_), Some(Param::Axis(axis))) => Op::Concat { axis: *axis },
        (Graph::Flatten(_), Some(Param::Axis(axis))) => Op::Flatten { axis: *axis },
        (Graph::Reshape(_), Some(Param::Shape(_))) => Op::Reshape,
        (Graph::Transpose(_), Some(Param::Perm(perm))) => Op::Transpose { perm: perm.clone() },
        (Graph::Pad(_), Some(Param::Pad { pads, fill, value })) => {
            Op::Pad { pads: pads.clone(), mode: (*fill).into(), value: value.get() }
        }
        (Graph::BatchNorm(_), Some(Param::Epsilon(epsilon))) => Op::BatchNorm { epsilon: epsilon.get() },
        (Graph::Softmax(_), Some(Param::Axis(axis))) => Op::Softmax { axis: *axis },
        (Graph::Const(leaf), _) => Op::Constant { value: leaf.value.clone() },
        (Graph::Weight(leaf), _) => {
            Op::Weight { source: leaf.source.clone(), key: leaf.key.clone(), checksum: leaf.checksum.clone() }
        }
        _ => return None,
    })
}

/// Rebuilds a network from the e-node `selection` chose for each class reachable from the outputs.
pub(crate) fn rebuild(
    original: &Network,
    loaded: &Loaded,
    egraph: &EGraph<Graph, ShapeAnalysis>,
    selection: &Selection,
) -> Result<Network, EqsatError> {
    let mut originals: BTreeMap<Id, Vec<usize>> = BTreeMap::new();
    for (index, &class) in loaded.node_classes.iter().enumerate() {
        originals.entry(egraph.find(class)).or_default().push(index);
    }
    let mut network = Network::new(original.name.clone());
    let mut inputs = Vec::with_capacity(original.inputs.len());
    for &input in &original.inputs {
        let value = original.value(input);
        inputs.push(network.add_input(value.name.clone(), value.ty.clone()));
    }
    let mut builder = Builder {
        original,
        egraph,
        originals,
        inputs,
        emitted: HashMap::new(),
        entered: HashSet::new(),
        used_names: original.inputs.iter().map(|&id| original.value(id).name.clone()).collect(),
        network,
    };
    for (&root, &output) in loaded.roots.iter().zip(&original.outputs) {
        let value = builder.emit(egraph.find(root), &original.value(output).name, selection)?;
        builder.network.outputs.push(value);
    }
    for (&new, &old) in builder.network.outputs.iter().zip(&original.outputs) {
        if builder.network.ty(new) != original.ty(old) {
            return Err(EqsatError::Extraction(format!(
                "output '{}' became {} instead of {}",
                original.value(old).name,
                builder.network.ty(new).mlir(),
                original.ty(old).mlir()
            )));
        }
    }
    Ok(builder.network)
}

struct Builder<'a> {
    original: &'a Network,
    egraph: &'a EGraph<Graph, ShapeAnalysis>,
    originals: BTreeMap<Id, Vec<usize>>,
    inputs: Vec<ValueId>,
    emitted: HashMap<Id, ValueId>,
    entered: HashSet<Id>,
    used_names: HashSet<String>,
    network: Network,
}

/// Work on the explicit stack of the post-order walk (explicit so deep networks cannot overflow the stack).
enum Step {
    Enter(Id, String),
    Exit(Id, String, Graph),
}

impl Builder<'_> {
    /// The name of class `class` emitted as `enode`, used from a node named `context`.
    fn name(&mut self, class: Id, enode: &Graph, context: &str) -> String {
        let kind = enode.dialect_name().unwrap_or("value");
        let candidates = self.originals.get(&class).map(Vec::as_slice).unwrap_or_default();
        let same_kind = candidates.iter().rev().find(|&&index| self.original.nodes[index].op.dialect_name() == kind);
        let chosen = same_kind.or(candidates.last()).map(|&index| self.original.nodes[index].name.clone());
        let base = chosen.unwrap_or_else(|| format!("{context}/{kind}"));
        let mut name = base.clone();
        let mut suffix = 1;
        while self.used_names.contains(&name) {
            name = format!("{base}_{suffix}");
            suffix += 1;
        }
        self.used_names.insert(name.clone());
        name
    }

    fn emit(&mut self, root: Id, context: &str, selection: &Selection) -> Result<ValueId, EqsatError> {
        let mut stack = vec![Step::Enter(root, context.to_string())];
        while let Some(step) = stack.pop() {
            match step {
                Step::Enter(class, context) => {
                    if !self.entered.insert(class) {
                        continue;
                    }
                    let enode = selection
                        .node(class)
                        .cloned()
                        .ok_or_else(|| EqsatError::Extraction("a reachable class has no chosen operation".into()))?;
                    if let Graph::Input(leaf) = &enode {
                        let value =
                            self.inputs.get(leaf.index).copied().ok_or_else(|| {
                                EqsatError::Extraction(format!("input {} does not exist", leaf.index))
                            })?;
                        self.emitted.insert(class, value);
                        continue;
                    }
                    let name = self.name(class, &enode, &context);
                    let (_, operands) = enode.split();
                    let operands: Vec<Id> = operands.iter().map(|&id| self.egraph.find(id)).collect();
                    stack.push(Step::Exit(class, name.clone(), enode));
                    for &operand in operands.iter().rev() {
                        stack.push(Step::Enter(operand, name.clone()));
                    }
                }
                Step::Exit(class, name, enode) => {
                    let value = self.add(&name, &enode)?;
                    self.emitted.insert(class, value);
                }
            }
        }
        self.emitted.get(&root).copied().ok_or_else(|| EqsatError::Extraction("the extracted term has a cycle".into()))
    }

    fn add(&mut self, name: &str, enode: &Graph) -> Result<ValueId, EqsatError> {
        let (_, operands) = enode.split();
        let inputs: Option<Vec<ValueId>> =
            operands.iter().map(|&id| self.emitted.get(&self.egraph.find(id)).copied()).collect();
        let inputs = inputs.ok_or_else(|| EqsatError::Extraction(format!("'{name}' uses a value of a cycle")))?;
        let op = enode_op(self.egraph, enode)
            .ok_or_else(|| EqsatError::Extraction(format!("'{name}' is a parameter, not a value")))?;
        let result = match (&op, enode) {
            (Op::Reshape, Graph::Reshape([shape, _])) => match param(self.egraph, *shape) {
                Some(Param::Shape(target)) => self.network.add_reshape(name, inputs[0], target),
                _ => return Err(EqsatError::Extraction(format!("reshape '{name}' has no target shape"))),
            },
            (Op::Weight { source, key, checksum }, Graph::Weight(leaf)) => {
                Ok(self.network.add_weight(name, leaf.ty.clone(), source, key, checksum))
            }
            _ => self.network.add(name, op, &inputs),
        };
        Ok(result?)
    }
}
