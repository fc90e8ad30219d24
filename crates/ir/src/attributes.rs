//! Typed access to the builtin attributes our operations carry, with errors that say what was expected.

use melior::{
    ir::{
        attribute::{BoolAttribute, DenseI64ArrayAttribute, FloatAttribute, IntegerAttribute, StringAttribute},
        operation::OperationLike,
        r#type::IntegerType,
        Attribute, AttributeLike, Identifier, Type,
    },
    Context,
};
use thiserror::Error;

/// An attribute that is missing or of the wrong kind.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum AttributeError {
    /// The operation has no attribute of that name.
    #[error("requires attribute '{0}'")]
    Missing(String),
    /// The attribute exists but is of another kind.
    #[error("attribute '{name}' must be {expected}, got {found}")]
    WrongKind {
        /// The attribute's name.
        name: String,
        /// What kind it must be.
        expected: &'static str,
        /// What it is, as MLIR prints it.
        found: String,
    },
}

fn get<'c: 'a, 'a>(op: &impl OperationLike<'c, 'a>, name: &str) -> Result<Attribute<'c>, AttributeError> {
    op.attribute(name).map_err(|_| AttributeError::Missing(name.to_string()))
}

fn wrong(name: &str, expected: &'static str, found: Attribute) -> AttributeError {
    AttributeError::WrongKind { name: name.to_string(), expected, found: found.to_string() }
}

/// An integer attribute's value.
pub fn int<'c: 'a, 'a>(op: &impl OperationLike<'c, 'a>, name: &str) -> Result<i64, AttributeError> {
    let attribute = get(op, name)?;
    IntegerAttribute::try_from(attribute).map(|value| value.value()).map_err(|_| wrong(name, "an integer", attribute))
}

/// A boolean attribute's value.
pub fn bool<'c: 'a, 'a>(op: &impl OperationLike<'c, 'a>, name: &str) -> Result<bool, AttributeError> {
    let attribute = get(op, name)?;
    BoolAttribute::try_from(attribute).map(|value| value.value()).map_err(|_| wrong(name, "a boolean", attribute))
}

/// A float attribute's value.
pub fn float<'c: 'a, 'a>(op: &impl OperationLike<'c, 'a>, name: &str) -> Result<f64, AttributeError> {
    let attribute = get(op, name)?;
    FloatAttribute::try_from(attribute).map(|value| value.value()).map_err(|_| wrong(name, "a float", attribute))
}

/// A string attribute's value.
pub fn string<'c: 'a, 'a>(op: &impl OperationLike<'c, 'a>, name: &str) -> Result<String, AttributeError> {
    let attribute = get(op, name)?;
    StringAttribute::try_from(attribute)
        .map(|value| value.value().to_string())
        .map_err(|_| wrong(name, "a string", attribute))
}

/// A `array<i64: ...>` attribute's values.
pub fn i64_array<'c: 'a, 'a>(op: &impl OperationLike<'c, 'a>, name: &str) -> Result<Vec<i64>, AttributeError> {
    let attribute = get(op, name)?;
    let array = DenseI64ArrayAttribute::try_from(attribute).map_err(|_| wrong(name, "array<i64: ...>", attribute))?;
    Ok((0..array.len()).filter_map(|index| array.element(index).ok()).collect())
}

/// Builds `value : i64`.
pub fn int_attr(context: &Context, value: i64) -> Attribute<'_> {
    IntegerAttribute::new(IntegerType::new(context, 64).into(), value).into()
}

/// Builds `value : f64`.
pub fn float_attr(context: &Context, value: f64) -> Attribute<'_> {
    FloatAttribute::new(context, Type::float64(context), value).into()
}

/// Builds `true` or `false`.
pub fn bool_attr(context: &Context, value: bool) -> Attribute<'_> {
    BoolAttribute::new(context, value).into()
}

/// Builds a string attribute.
pub fn string_attr<'c>(context: &'c Context, value: &str) -> Attribute<'c> {
    StringAttribute::new(context, value).into()
}

/// Builds `array<i64: ...>`.
pub fn i64_array_attr<'c>(context: &'c Context, values: &[i64]) -> Attribute<'c> {
    DenseI64ArrayAttribute::new(context, values).into()
}

/// A named attribute, for operation builders.
pub fn named<'c>(context: &'c Context, name: &str, value: Attribute<'c>) -> (Identifier<'c>, Attribute<'c>) {
    (Identifier::new(context, name), value)
}

/// Whether `attribute` is a unit attribute (as in `{dataflow.pipeline}`).
pub fn is_unit(attribute: Attribute) -> bool {
    unsafe { mlir_sys::mlirAttributeIsAUnit(attribute.to_raw()) }
}
