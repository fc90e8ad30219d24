//! Plain-data views of the types our IR uses: ranked tensors and `!dataflow.stream`.

use melior::{
    ir::{Type, TypeLike},
    Context,
};

/// A ranked tensor type as plain data.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TensorType {
    /// Dimension sizes; `None` for a dynamic dimension.
    pub shape: Vec<Option<i64>>,
    /// The element type as MLIR prints it (`f32`, `i8`, ...).
    pub element: String,
}

impl TensorType {
    /// Reads a ranked tensor type; `None` for any other type.
    pub fn from_type(r#type: Type) -> Option<Self> {
        let raw = r#type.to_raw();
        unsafe {
            if !mlir_sys::mlirTypeIsARankedTensor(raw) {
                return None;
            }
            let rank = mlir_sys::mlirShapedTypeGetRank(raw);
            let shape = (0..rank)
                .map(|index| {
                    let size = mlir_sys::mlirShapedTypeGetDimSize(raw, index as isize);
                    (!mlir_sys::mlirShapedTypeIsDynamicSize(size)).then_some(size)
                })
                .collect();
            let element = Type::from_raw(mlir_sys::mlirShapedTypeGetElementType(raw)).to_string();
            Some(Self { shape, element })
        }
    }

    /// The shape when every dimension is static.
    pub fn static_shape(&self) -> Option<Vec<i64>> {
        self.shape.iter().copied().collect()
    }

    /// The MLIR spelling, `tensor<1x3x224x224xf32>`.
    pub fn to_mlir(&self) -> String {
        let mut text = String::from("tensor<");
        for dim in &self.shape {
            match dim {
                Some(size) => text.push_str(&size.to_string()),
                None => text.push('?'),
            }
            text.push('x');
        }
        text.push_str(&self.element);
        text.push('>');
        text
    }

    /// Builds the MLIR type; `None` if the element type does not parse.
    pub fn build<'c>(&self, context: &'c Context) -> Option<Type<'c>> {
        Type::parse(context, &self.to_mlir())
    }
}

/// A `!dataflow.stream<tensor<...>, lanes>` type as plain data.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StreamType {
    /// The feature map carried per frame.
    pub tensor: TensorType,
    /// Parallel words per cycle.
    pub lanes: i64,
}

impl StreamType {
    /// Reads a stream type; `None` for any other type.
    ///
    /// IRDL type parameters cannot be read through MLIR's C API, so this reads the type's printed form, which
    /// IRDL fixes as `!dataflow.stream<TENSOR, LANES : i64>`.
    pub fn from_type(r#type: Type) -> Option<Self> {
        let text = r#type.to_string();
        let inner = text.strip_prefix("!dataflow.stream<")?.strip_suffix('>')?;
        let (tensor_text, lanes_text) = inner.rsplit_once(", ")?;
        let lanes = lanes_text.split_once(" : ").map_or(lanes_text, |(value, _)| value).trim().parse().ok()?;
        let context = r#type.context();
        let tensor_type = Type::parse(unsafe { context.to_ref() }, tensor_text)?;
        Some(Self { tensor: TensorType::from_type(tensor_type)?, lanes })
    }

    /// The MLIR spelling.
    pub fn to_mlir(&self) -> String {
        format!("!dataflow.stream<{}, {} : i64>", self.tensor.to_mlir(), self.lanes)
    }

    /// Builds the MLIR type; `None` if it does not parse (for example, no dataflow dialect is loaded).
    pub fn build<'c>(&self, context: &'c Context) -> Option<Type<'c>> {
        Type::parse(context, &self.to_mlir())
    }
}

/// Whether `type` is `!memory.weights`.
pub fn is_weight_memory(r#type: Type) -> bool {
    r#type.to_string() == "!memory.weights"
}
