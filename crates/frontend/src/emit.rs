//! Emitting a [`Network`] as a `graph`-dialect function, one operation per node, each located at its node's
//! name.

use autows_ir::attributes::{bool_attr, i64_array_attr, int_attr, named, string_attr};
use autows_network::{Network, Op, Tensor, TensorType as NetTensorType};
use melior::{
    dialect::func,
    ir::{
        attribute::{FloatAttribute, StringAttribute, TypeAttribute},
        block::BlockLike,
        operation::OperationBuilder,
        r#type::FunctionType,
        Attribute, Block, Identifier, Location, Module, Region, RegionLike, Type, TypeLike, Value,
    },
    Context,
};
use thiserror::Error;

/// A network that cannot be written as IR.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum EmitError {
    /// A type has no MLIR spelling.
    #[error("node '{node}': cannot build type {ty}")]
    Type {
        /// The node.
        node: String,
        /// The type as text.
        ty: String,
    },
    /// MLIR refused an operation.
    #[error("node '{node}': MLIR refused the operation 'graph.{op}'")]
    Operation {
        /// The node.
        node: String,
        /// The operation.
        op: &'static str,
    },
}

fn mlir_type<'c>(context: &'c Context, ty: &NetTensorType, node: &str) -> Result<Type<'c>, EmitError> {
    Type::parse(context, &ty.mlir()).ok_or_else(|| EmitError::Type { node: node.to_string(), ty: ty.mlir() })
}

fn f32_attr(context: &Context, value: f32) -> Attribute<'_> {
    FloatAttribute::new(context, Type::float32(context), f64::from(value)).into()
}

/// The dense elements attribute holding `tensor`'s data, built from its little-endian bytes.
fn dense_attr<'c>(context: &'c Context, tensor: &Tensor, node: &str) -> Result<Attribute<'c>, EmitError> {
    let ty = mlir_type(context, &tensor.tensor_type(), node)?;
    let bytes = tensor.data.to_le_bytes();
    let raw = unsafe {
        mlir_sys::mlirDenseElementsAttrRawBufferGet(ty.to_raw(), bytes.len(), bytes.as_ptr() as *const std::ffi::c_void)
    };
    if raw.ptr.is_null() {
        return Err(EmitError::Operation { node: node.to_string(), op: "constant" });
    }
    Ok(unsafe { Attribute::from_raw(raw) })
}

/// A location naming the node, as ONNX tools name nodes.
pub fn node_location<'c>(context: &'c Context, name: &str) -> Location<'c> {
    Location::name(context, name, Location::unknown(context))
}

fn attributes<'c>(
    context: &'c Context,
    op: &Op,
    node: &str,
) -> Result<Vec<(Identifier<'c>, Attribute<'c>)>, EmitError> {
    let c = context;
    let attrs = match op {
        Op::Conv2d { strides, pads, dilations, groups } => vec![
            named(c, "strides", i64_array_attr(c, strides)),
            named(c, "pads", i64_array_attr(c, pads)),
            named(c, "dilations", i64_array_attr(c, dilations)),
            named(c, "groups", int_attr(c, *groups)),
        ],
        Op::Gemm { trans_a, trans_b, alpha, beta } => vec![
            named(c, "trans_a", bool_attr(c, *trans_a)),
            named(c, "trans_b", bool_attr(c, *trans_b)),
            named(c, "alpha", f32_attr(c, *alpha)),
            named(c, "beta", f32_attr(c, *beta)),
        ],
        Op::Clip { min, max } => vec![named(c, "min", f32_attr(c, *min)), named(c, "max", f32_attr(c, *max))],
        Op::Dropout { ratio } => vec![named(c, "ratio", f32_attr(c, *ratio))],
        Op::MaxPool { window, ceil_mode } => vec![
            named(c, "kernel", i64_array_attr(c, &window.kernel)),
            named(c, "strides", i64_array_attr(c, &window.strides)),
            named(c, "pads", i64_array_attr(c, &window.pads)),
            named(c, "dilations", i64_array_attr(c, &window.dilations)),
            named(c, "ceil_mode", bool_attr(c, *ceil_mode)),
        ],
        Op::AvgPool { window, ceil_mode, count_include_pad } => vec![
            named(c, "kernel", i64_array_attr(c, &window.kernel)),
            named(c, "strides", i64_array_attr(c, &window.strides)),
            named(c, "pads", i64_array_attr(c, &window.pads)),
            named(c, "ceil_mode", bool_attr(c, *ceil_mode)),
            named(c, "count_include_pad", bool_attr(c, *count_include_pad)),
        ],
        Op::Concat { axis } | Op::Flatten { axis } | Op::Softmax { axis } => vec![named(c, "axis", int_attr(c, *axis))],
        Op::Transpose { perm } => vec![named(c, "perm", i64_array_attr(c, perm))],
        Op::Pad { pads, mode, value } => vec![
            named(c, "pads", i64_array_attr(c, pads)),
            named(c, "mode", string_attr(c, mode.name())),
            named(c, "value", f32_attr(c, *value)),
        ],
        Op::BatchNorm { epsilon } => vec![named(c, "epsilon", f32_attr(c, *epsilon))],
        Op::Constant { value } => vec![named(c, "value", dense_attr(c, value, node)?)],
        Op::Weight { source, key, checksum } => vec![
            named(c, "source", string_attr(c, source)),
            named(c, "key", string_attr(c, key)),
            named(c, "checksum", string_attr(c, checksum)),
        ],
        Op::MatMul
        | Op::Relu
        | Op::Sigmoid
        | Op::HardSwish
        | Op::Identity
        | Op::Add
        | Op::Sub
        | Op::Mul
        | Op::Div
        | Op::Sqrt
        | Op::GlobalAvgPool
        | Op::Reshape => Vec::new(),
    };
    Ok(attrs)
}

/// Emits `network` as a module holding one `func.func` named after it.
pub fn emit_network<'c>(context: &'c Context, network: &Network) -> Result<Module<'c>, EmitError> {
    let function_location = node_location(context, &network.name);
    let module = Module::new(Location::unknown(context));
    let input_types = network
        .inputs
        .iter()
        .map(|&id| mlir_type(context, network.ty(id), &network.value(id).name))
        .collect::<Result<Vec<_>, _>>()?;
    let output_types = network
        .outputs
        .iter()
        .map(|&id| mlir_type(context, network.ty(id), &network.value(id).name))
        .collect::<Result<Vec<_>, _>>()?;
    let arguments: Vec<(Type, Location)> = network
        .inputs
        .iter()
        .zip(&input_types)
        .map(|(&id, &ty)| (ty, node_location(context, &network.value(id).name)))
        .collect();
    let block = Block::new(&arguments);
    let mut values: Vec<Option<Value>> = vec![None; network.values.len()];
    for (index, &id) in network.inputs.iter().enumerate() {
        values[id.0] = block.argument(index).ok().map(Into::into);
    }
    for node in &network.nodes {
        let operands: Vec<Value> = node
            .inputs
            .iter()
            .map(|id| values[id.0].ok_or(EmitError::Operation { node: node.name.clone(), op: node.op.dialect_name() }))
            .collect::<Result<_, _>>()?;
        let result_type = mlir_type(context, network.ty(node.output), &node.name)?;
        let operation =
            OperationBuilder::new(&format!("graph.{}", node.op.dialect_name()), node_location(context, &node.name))
                .add_operands(&operands)
                .add_results(&[result_type])
                .add_attributes(&attributes(context, &node.op, &node.name)?)
                .build()
                .map_err(|_| EmitError::Operation { node: node.name.clone(), op: node.op.dialect_name() })?;
        let operation = block.append_operation(operation);
        values[node.output.0] = operation.result(0).ok().map(Into::into);
    }
    let results: Vec<Value> = network
        .outputs
        .iter()
        .map(|id| values[id.0].ok_or(EmitError::Operation { node: network.name.clone(), op: "return" }))
        .collect::<Result<_, _>>()?;
    block.append_operation(func::r#return(&results, function_location));
    let region = Region::new();
    region.append_block(block);
    let function_type = FunctionType::new(context, &input_types, &output_types);
    let function = func::func(
        context,
        StringAttribute::new(context, &symbol_name(&network.name)),
        TypeAttribute::new(function_type.into()),
        region,
        &[],
        function_location,
    );
    module.body().append_operation(function);
    Ok(module)
}

/// A symbol name MLIR prints bare: letters, digits, `_`, `.` and `$`, not starting with a digit.
fn symbol_name(name: &str) -> String {
    let mut symbol: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "_.$".contains(c) { c } else { '_' }).collect();
    if symbol.is_empty() || symbol.starts_with(|c: char| c.is_ascii_digit()) {
        symbol.insert(0, '_');
    }
    symbol
}
