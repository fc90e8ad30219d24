//! Initializers: the tensor protos of weights, constants and the exporter's helper tensors, and the streaming of
//! their bytes.
//!
//! An initializer's header (name, shape, element type, and where its bytes are) is encoded in memory; its bytes
//! are written straight to the model or the external data file when the writer reaches it, from a tensor loaded
//! at that moment and dropped right after. Sizes follow from the declared type, so the model's length fields are
//! known before any weight is loaded.

use super::ExportError;
use crate::{proto::data_type, write::Message};
use autows_network::{ElementType, Tensor, TensorData, TensorType, WeightLoader};
use std::{borrow::Cow, io::Write};

/// `TensorProto.raw_data`.
pub(super) const RAW_DATA: u32 = 9;

/// Where an initializer's elements come from.
#[derive(Debug)]
pub(super) enum Content<'n> {
    /// A weight, loaded when its bytes are written.
    Weight {
        /// The weight node, for messages.
        node: &'n str,
        /// The weight's source.
        source: &'n str,
        /// Its key there.
        key: &'n str,
        /// Its checksum, which the loader verifies.
        checksum: &'n str,
    },
    /// A constant node's value.
    Constant(&'n Tensor),
    /// An operand the network keeps as a parameter (a shape, pads, a bound), which the exporter made. It always
    /// stays in the model: readers take it for the operator's definition, not for data.
    Parameter(Tensor),
}

/// Where an initializer's bytes go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Placement {
    /// In the model, as `raw_data`.
    Embedded,
    /// In the external data file, at `offset`.
    External {
        /// The first byte's offset in the file.
        offset: u64,
    },
}

/// One initializer of the graph.
#[derive(Debug)]
pub(super) struct Initializer<'n> {
    /// Its unique ONNX name.
    pub name: String,
    /// Its declared shape and element type.
    pub ty: TensorType,
    /// Where its elements come from.
    pub content: Content<'n>,
}

/// The `TensorProto.DataType` of a network element type.
pub(super) fn onnx_element(element: ElementType) -> i32 {
    match element {
        ElementType::F32 => data_type::FLOAT,
        ElementType::I64 => data_type::INT64,
        ElementType::I32 => data_type::INT32,
        ElementType::I8 => data_type::INT8,
    }
}

/// The number of elements of `shape`; `None` when a dimension is negative or the count overflows.
fn element_count(shape: &[i64]) -> Option<u64> {
    shape.iter().try_fold(1u64, |count, &dim| count.checked_mul(u64::try_from(dim).ok()?))
}

impl<'n> Initializer<'n> {
    /// A parameter tensor the exporter made.
    pub fn parameter(name: String, tensor: Tensor) -> Self {
        Self { name, ty: tensor.tensor_type(), content: Content::Parameter(tensor) }
    }

    /// Whether the initializer may go to an external data file.
    pub fn may_be_external(&self) -> bool {
        !matches!(self.content, Content::Parameter(_))
    }

    /// The size of its elements in bytes; `None` for a shape no tensor can have.
    pub fn byte_len(&self) -> Option<u64> {
        element_count(&self.ty.shape)?.checked_mul(self.ty.element.size() as u64)
    }

    /// The `TensorProto` fields other than `raw_data`. `location` names the external data file.
    pub fn header(&self, placement: Placement, location: &str, byte_len: u64) -> Message {
        let mut tensor = Message::new();
        tensor
            .packed_int64s(1, &self.ty.shape)
            .int64(2, i64::from(onnx_element(self.ty.element)))
            .string(8, &self.name);
        if let Placement::External { offset } = placement {
            for (key, value) in
                [("location", location.to_string()), ("offset", offset.to_string()), ("length", byte_len.to_string())]
            {
                let mut entry = Message::new();
                entry.string(1, key).string(2, &value);
                tensor.message(13, &entry);
            }
            // TensorProto.DataLocation.EXTERNAL
            tensor.int64(14, 1);
        }
        tensor
    }

    /// The elements, loaded if they are a weight, and checked against the declared type: the file already
    /// promised their size.
    pub fn tensor(&self, loader: &dyn WeightLoader) -> Result<Cow<'_, Tensor>, ExportError> {
        let (tensor, node) = match &self.content {
            Content::Constant(tensor) => (Cow::Borrowed(*tensor), self.name.as_str()),
            Content::Parameter(tensor) => (Cow::Borrowed(tensor), self.name.as_str()),
            Content::Weight { node, source, key, checksum } => {
                let loaded = loader
                    .load(source, key, checksum)
                    .map_err(|source| ExportError::Weight { node: node.to_string(), source })?;
                (Cow::Owned(loaded), *node)
            }
        };
        let count = element_count(&tensor.shape);
        if tensor.tensor_type() != self.ty || count != Some(tensor.data.len() as u64) {
            let found = if count == Some(tensor.data.len() as u64) {
                tensor.tensor_type().mlir()
            } else {
                format!("{} holding {} elements", tensor.tensor_type().mlir(), tensor.data.len())
            };
            return Err(ExportError::WeightType { node: node.to_string(), expected: self.ty.mlir(), found });
        }
        Ok(tensor)
    }
}

/// Elements converted per write, so a 400 MB tensor never needs a second 400 MB buffer.
const CHUNK_ELEMENTS: usize = 16 * 1024;

/// Writes the elements' little-endian bytes, a chunk at a time.
pub(super) fn write_elements(sink: &mut dyn Write, data: &TensorData) -> std::io::Result<()> {
    fn chunks<T: Copy, const N: usize>(
        sink: &mut dyn Write,
        values: &[T],
        to_le: impl Fn(T) -> [u8; N],
    ) -> std::io::Result<()> {
        let mut buffer = Vec::with_capacity(CHUNK_ELEMENTS * N);
        for chunk in values.chunks(CHUNK_ELEMENTS) {
            buffer.clear();
            buffer.extend(chunk.iter().flat_map(|&value| to_le(value)));
            sink.write_all(&buffer)?;
        }
        Ok(())
    }
    match data {
        TensorData::F32(values) => chunks(sink, values, f32::to_le_bytes),
        TensorData::I64(values) => chunks(sink, values, i64::to_le_bytes),
        TensorData::I32(values) => chunks(sink, values, i32::to_le_bytes),
        TensorData::I8(values) => chunks(sink, values, i8::to_le_bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use autows_network::WeightError;

    struct One(Tensor);

    impl WeightLoader for One {
        fn handles(&self, _source: &str) -> bool {
            true
        }

        fn load(&self, _source: &str, _key: &str, _checksum: &str) -> Result<Tensor, WeightError> {
            Ok(self.0.clone())
        }
    }

    fn weight(shape: &[i64]) -> Initializer<'static> {
        let content = Content::Weight { node: "w", source: "s", key: "k", checksum: "c" };
        Initializer { name: "w".into(), ty: TensorType::f32(shape), content }
    }

    #[test]
    fn elements_are_written_little_endian_across_chunks() {
        let values: Vec<f32> = (0..CHUNK_ELEMENTS + 3).map(|index| index as f32 - 1.5).collect();
        let data = TensorData::F32(values.clone().into());
        let mut out = Vec::new();
        write_elements(&mut out, &data).unwrap();
        assert_eq!(out, data.to_le_bytes());
        let mut out = Vec::new();
        write_elements(&mut out, &TensorData::I8(vec![-1, 2].into())).unwrap();
        assert_eq!(out, [0xff, 2]);
    }

    #[test]
    fn loaded_tensors_must_have_the_declared_type() {
        let loader = One(Tensor::from_f32([2, 2], vec![0.0; 4]).unwrap());
        assert!(weight(&[2, 2]).tensor(&loader).is_ok());
        let error = weight(&[4]).tensor(&loader).unwrap_err();
        assert_eq!(
            error.to_string(),
            "weight node 'w' is declared tensor<4xf32>, but its source gives tensor<2x2xf32>"
        );
        // A tensor whose data disagrees with its own shape cannot be written either.
        let broken = One(Tensor { shape: vec![2, 2], data: TensorData::F32(vec![0.0; 3].into()) });
        let error = weight(&[2, 2]).tensor(&broken).unwrap_err();
        assert!(error.to_string().contains("holding 3 elements"), "{error}");
    }

    #[test]
    fn sizes_refuse_impossible_shapes() {
        assert_eq!(weight(&[3, 5]).byte_len(), Some(60));
        assert_eq!(weight(&[-1, 5]).byte_len(), None);
        assert_eq!(weight(&[1 << 62, 8]).byte_len(), None);
    }
}
