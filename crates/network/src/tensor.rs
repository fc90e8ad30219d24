//! Tensors as plain data: a shape, an element type and the elements.

use std::sync::Arc;

/// The element types a network's tensors use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ElementType {
    /// 32-bit IEEE float: the type of trained networks and of the float reference.
    F32,
    /// 64-bit signed integer: shapes and indices (ONNX's `Reshape` shape input, say).
    I64,
    /// 32-bit signed integer: quantised values and accumulators.
    I32,
    /// 8-bit signed integer: quantised values.
    I8,
}

impl ElementType {
    /// The MLIR spelling of the element type.
    pub fn mlir_name(self) -> &'static str {
        match self {
            ElementType::F32 => "f32",
            ElementType::I64 => "i64",
            ElementType::I32 => "i32",
            ElementType::I8 => "i8",
        }
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            ElementType::F32 | ElementType::I32 => 4,
            ElementType::I64 => 8,
            ElementType::I8 => 1,
        }
    }
}

/// The type of a value: its shape (all dimensions static) and element type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TensorType {
    /// Dimension sizes.
    pub shape: Vec<i64>,
    /// Element type.
    pub element: ElementType,
}

impl TensorType {
    /// A float tensor type of `shape`.
    pub fn f32(shape: impl Into<Vec<i64>>) -> Self {
        Self { shape: shape.into(), element: ElementType::F32 }
    }

    /// The number of elements.
    pub fn element_count(&self) -> usize {
        self.shape.iter().map(|&dim| dim.max(0) as usize).product()
    }

    /// The MLIR spelling, `tensor<1x3x224x224xf32>`.
    pub fn mlir(&self) -> String {
        let dims: String = self.shape.iter().map(|dim| format!("{dim}x")).collect();
        format!("tensor<{dims}{}>", self.element.mlir_name())
    }
}

/// Elements of a tensor, shared cheaply: weights are loaded once and passed around by reference count.
#[derive(Clone, Debug, PartialEq)]
pub enum TensorData {
    /// Float elements.
    F32(Arc<[f32]>),
    /// 64-bit integer elements.
    I64(Arc<[i64]>),
    /// 32-bit integer elements.
    I32(Arc<[i32]>),
    /// 8-bit integer elements.
    I8(Arc<[i8]>),
}

impl TensorData {
    /// The element type.
    pub fn element(&self) -> ElementType {
        match self {
            TensorData::F32(_) => ElementType::F32,
            TensorData::I64(_) => ElementType::I64,
            TensorData::I32(_) => ElementType::I32,
            TensorData::I8(_) => ElementType::I8,
        }
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        match self {
            TensorData::F32(values) => values.len(),
            TensorData::I64(values) => values.len(),
            TensorData::I32(values) => values.len(),
            TensorData::I8(values) => values.len(),
        }
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The elements as floats (integers convert exactly where they fit in an f32's mantissa).
    pub fn to_f32(&self) -> Vec<f32> {
        match self {
            TensorData::F32(values) => values.to_vec(),
            TensorData::I64(values) => values.iter().map(|&v| v as f32).collect(),
            TensorData::I32(values) => values.iter().map(|&v| v as f32).collect(),
            TensorData::I8(values) => values.iter().map(|&v| f32::from(v)).collect(),
        }
    }

    /// The elements as 64-bit integers (floats truncate toward zero).
    pub fn to_i64(&self) -> Vec<i64> {
        match self {
            TensorData::F32(values) => values.iter().map(|&v| v as i64).collect(),
            TensorData::I64(values) => values.to_vec(),
            TensorData::I32(values) => values.iter().map(|&v| i64::from(v)).collect(),
            TensorData::I8(values) => values.iter().map(|&v| i64::from(v)).collect(),
        }
    }

    /// The little-endian bytes of the elements, as stored in files and hashed for checksums.
    pub fn to_le_bytes(&self) -> Vec<u8> {
        match self {
            TensorData::F32(values) => values.iter().flat_map(|v| v.to_le_bytes()).collect(),
            TensorData::I64(values) => values.iter().flat_map(|v| v.to_le_bytes()).collect(),
            TensorData::I32(values) => values.iter().flat_map(|v| v.to_le_bytes()).collect(),
            TensorData::I8(values) => values.iter().map(|&v| v as u8).collect(),
        }
    }
}

/// A tensor with its data.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    /// Dimension sizes.
    pub shape: Vec<i64>,
    /// The elements, row-major.
    pub data: TensorData,
}

impl Tensor {
    /// A float tensor; `None` if the element count does not match the shape.
    pub fn from_f32(shape: impl Into<Vec<i64>>, values: Vec<f32>) -> Option<Self> {
        let shape = shape.into();
        let tensor = Self { shape, data: TensorData::F32(values.into()) };
        (tensor.tensor_type().element_count() == tensor.data.len()).then_some(tensor)
    }

    /// The tensor's type.
    pub fn tensor_type(&self) -> TensorType {
        TensorType { shape: self.shape.clone(), element: self.data.element() }
    }

    /// The FNV-1a 64-bit hash of the little-endian element bytes, as `fnv1a64:<16 hex digits>`.
    pub fn checksum(&self) -> String {
        checksum(&self.data.to_le_bytes())
    }
}

/// The FNV-1a 64-bit hash of `bytes`, as `fnv1a64:<16 hex digits>`: cheap, and enough to notice that a weight
/// file changed under the IR that refers to it.
pub fn checksum(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fnv1a64:{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_known_values() {
        assert_eq!(checksum(b""), "fnv1a64:cbf29ce484222325");
        assert_eq!(checksum(b"a"), "fnv1a64:af63dc4c8601ec8c");
    }

    #[test]
    fn tensors_check_their_size() {
        assert!(Tensor::from_f32([2, 2], vec![1.0; 4]).is_some());
        assert!(Tensor::from_f32([2, 2], vec![1.0; 3]).is_none());
        assert_eq!(TensorType::f32([1, 3, 2]).mlir(), "tensor<1x3x2xf32>");
    }
}
