//! A tensor's elements, wherever the file keeps them: `raw_data`, a typed repeated field, or an external file.
//!
//! ONNX element types map onto the network's four: floats of every width become f32, small integer types (and
//! booleans) become i32, unsigned 32-bit integers become i64, and 8-bit signed integers stay i8. Checksums are
//! taken over the converted elements' little-endian bytes, which for f32, i64, i32 and i8 tensors in `raw_data`
//! (the usual case) are the file's own bytes, hashed where they lie.

use crate::{
    error::OnnxError,
    proto::{data_type, TensorLocation, TensorProto},
    wire::Chunk,
};
use autows_network::{checksum, ElementType, Tensor, TensorData};
use std::{
    fs::File,
    io::{Read, Seek, SeekFrom},
    path::{Component, Path, PathBuf},
};

/// The network element type an ONNX element type converts to, if it converts.
pub(crate) fn network_element(code: i32) -> Option<ElementType> {
    match code {
        data_type::FLOAT | data_type::DOUBLE | data_type::FLOAT16 | data_type::BFLOAT16 => Some(ElementType::F32),
        data_type::INT64 | data_type::UINT32 | data_type::UINT64 => Some(ElementType::I64),
        data_type::INT32 | data_type::INT16 | data_type::UINT16 | data_type::UINT8 | data_type::BOOL => {
            Some(ElementType::I32)
        }
        data_type::INT8 => Some(ElementType::I8),
        _ => None,
    }
}

/// Bytes per element in `raw_data` and external files.
fn stored_width(code: i32) -> Option<usize> {
    match code {
        data_type::UINT8 | data_type::INT8 | data_type::BOOL => Some(1),
        data_type::UINT16 | data_type::INT16 | data_type::FLOAT16 | data_type::BFLOAT16 => Some(2),
        data_type::FLOAT | data_type::INT32 | data_type::UINT32 => Some(4),
        data_type::INT64 | data_type::DOUBLE | data_type::UINT64 => Some(8),
        _ => None,
    }
}

/// Whether the stored little-endian bytes are already the converted tensor's bytes.
fn stored_as_converted(code: i32) -> bool {
    matches!(code, data_type::FLOAT | data_type::INT64 | data_type::INT32 | data_type::INT8)
}

/// Where a model's tensors are read from: the model file's bytes, and the folder its external data files are
/// named relative to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DataSource<'a> {
    /// The whole model file.
    pub buffer: &'a [u8],
    /// The model's folder.
    pub folder: &'a Path,
}

fn tensor_error(name: &str, message: impl Into<String>) -> OnnxError {
    OnnxError::Tensor { name: name.to_string(), message: message.into() }
}

/// The number of elements `dims` describe, refusing negative sizes and overflow.
pub(crate) fn element_count(name: &str, dims: &[i64]) -> Result<usize, OnnxError> {
    dims.iter().try_fold(1usize, |count, &dim| {
        let dim = usize::try_from(dim).map_err(|_| tensor_error(name, format!("dimension {dim} is negative")))?;
        count.checked_mul(dim).ok_or_else(|| tensor_error(name, "its element count overflows"))
    })
}

/// The element bytes of a tensor as found: borrowed from the model buffer, or read from an external file.
enum Stored<'a> {
    Bytes(std::borrow::Cow<'a, [u8]>),
    Typed,
}

impl<'a> DataSource<'a> {
    /// The tensor, converted to the network's element types. `name` is used in messages (constants from
    /// `Constant` nodes have no tensor name).
    pub fn load(&self, name: &str, tensor: &TensorProto) -> Result<Tensor, OnnxError> {
        let count = element_count(name, &tensor.dims)?;
        let data = match self.stored_bytes(name, tensor, count)? {
            Stored::Bytes(bytes) => convert_le_bytes(name, tensor.data_type, &bytes)?,
            Stored::Typed => self.convert_typed(name, tensor, count)?,
        };
        Ok(Tensor { shape: tensor.dims.clone(), data })
    }

    /// The checksum of the converted tensor's little-endian bytes, without converting when the stored bytes
    /// already are those bytes.
    pub fn checksum(&self, name: &str, tensor: &TensorProto) -> Result<String, OnnxError> {
        if stored_as_converted(tensor.data_type) {
            let count = element_count(name, &tensor.dims)?;
            match self.stored_bytes(name, tensor, count)? {
                Stored::Bytes(bytes) => return Ok(checksum(&bytes)),
                Stored::Typed => {
                    // One packed run of float_data is the little-endian f32 elements themselves.
                    if let [chunk] = typed_field(tensor)? {
                        let bytes = chunk.fixed_bytes(self.buffer).filter(|bytes| {
                            tensor.data_type == data_type::FLOAT && count.checked_mul(4) == Some(bytes.len())
                        });
                        if let Some(bytes) = bytes {
                            return Ok(checksum(bytes));
                        }
                    }
                }
            }
        }
        Ok(self.load(name, tensor)?.checksum())
    }

    /// The stored little-endian bytes, checked against the shape; `Typed` when the elements are in a typed field.
    fn stored_bytes(&self, name: &str, tensor: &TensorProto, count: usize) -> Result<Stored<'a>, OnnxError> {
        if tensor.segmented {
            return Err(tensor_error(name, "segmented tensors are not supported"));
        }
        if tensor.data_type == data_type::STRING || tensor.string_count > 0 {
            return Err(tensor_error(name, "string tensors are not supported"));
        }
        let width = stored_width(tensor.data_type).filter(|_| network_element(tensor.data_type).is_some());
        let Some(width) = width else {
            return Err(tensor_error(
                name,
                format!("element type {} is not supported", data_type::name(tensor.data_type)),
            ));
        };
        let expected = count.checked_mul(width).ok_or_else(|| tensor_error(name, "its size in bytes overflows"))?;
        match &tensor.location {
            TensorLocation::External { location, offset, length } => {
                let bytes = self.read_external(name, location, offset.as_deref(), length.as_deref(), expected)?;
                Ok(Stored::Bytes(bytes.into()))
            }
            TensorLocation::Embedded => match tensor.raw_data {
                Some(span) if span.len == expected => Ok(Stored::Bytes(span.of(self.buffer).into())),
                Some(span) => Err(tensor_error(
                    name,
                    format!(
                        "raw_data holds {} bytes, but shape [{}] of {} needs {expected}",
                        span.len,
                        join(&tensor.dims),
                        data_type::name(tensor.data_type)
                    ),
                )),
                None => Ok(Stored::Typed),
            },
        }
    }

    fn convert_typed(&self, name: &str, tensor: &TensorProto, count: usize) -> Result<TensorData, OnnxError> {
        let mut words = Vec::new();
        for chunk in typed_field(tensor)? {
            chunk.decode_into(self.buffer, &mut words)?;
        }
        if words.len() != count {
            return Err(tensor_error(
                name,
                format!("it holds {} elements, but shape [{}] needs {count}", words.len(), join(&tensor.dims)),
            ));
        }
        // int32_data holds every narrow type sign-extended to 64 bits; narrowing keeps the low bits.
        let narrow = |word: u64| word as i64 as i32;
        let data = match tensor.data_type {
            data_type::FLOAT => TensorData::F32(words.iter().map(|&w| f32::from_bits(w as u32)).collect()),
            data_type::DOUBLE => TensorData::F32(words.iter().map(|&w| f64::from_bits(w) as f32).collect()),
            data_type::FLOAT16 => TensorData::F32(words.iter().map(|&w| f16_to_f32(narrow(w) as u16)).collect()),
            data_type::BFLOAT16 => {
                TensorData::F32(words.iter().map(|&w| f32::from_bits(u32::from(narrow(w) as u16) << 16)).collect())
            }
            data_type::INT64 | data_type::UINT32 => TensorData::I64(words.iter().map(|&w| w as i64).collect()),
            data_type::UINT64 => TensorData::I64(
                words.iter().map(|&w| i64::try_from(w)).collect::<Result<_, _>>().map_err(|_| too_big(name))?,
            ),
            data_type::INT32 => TensorData::I32(words.iter().map(|&w| narrow(w)).collect()),
            data_type::INT16 => TensorData::I32(words.iter().map(|&w| i32::from(narrow(w) as i16)).collect()),
            data_type::UINT16 => TensorData::I32(words.iter().map(|&w| i32::from(narrow(w) as u16)).collect()),
            data_type::UINT8 => TensorData::I32(words.iter().map(|&w| i32::from(narrow(w) as u8)).collect()),
            data_type::BOOL => TensorData::I32(words.iter().map(|&w| i32::from(w != 0)).collect()),
            data_type::INT8 => TensorData::I8(words.iter().map(|&w| narrow(w) as i8).collect()),
            other => {
                return Err(tensor_error(name, format!("element type {} is not supported", data_type::name(other))))
            }
        };
        Ok(data)
    }

    fn read_external(
        &self,
        name: &str,
        location: &str,
        offset: Option<&str>,
        length: Option<&str>,
        expected: usize,
    ) -> Result<Vec<u8>, OnnxError> {
        let path = self.folder.join(location);
        let fail = |message: String| OnnxError::ExternalData { tensor: name.to_string(), path: path.clone(), message };
        let inside_folder = !location.is_empty()
            && Path::new(location).components().all(|component| matches!(component, Component::Normal(_)));
        if !inside_folder {
            return Err(fail(format!("the location '{location}' must be a relative path inside the model's folder")));
        }
        let number = |key: &str, text: Option<&str>| -> Result<Option<u64>, OnnxError> {
            text.map(|text| text.trim().parse::<u64>())
                .transpose()
                .map_err(|_| fail(format!("its '{key}' entry is not a byte count")))
        };
        let offset = number("offset", offset)?.unwrap_or(0);
        let length = number("length", length)?;
        if let Some(length) = length.filter(|&length| length != expected as u64) {
            return Err(fail(format!("its length entry says {length} bytes, but the tensor's shape needs {expected}")));
        }
        let mut file = File::open(&path).map_err(|error| fail(format!("cannot be opened: {error}")))?;
        let file_length = file.metadata().map_err(|error| fail(format!("cannot be read: {error}")))?.len();
        let end = offset.checked_add(expected as u64).filter(|&end| end <= file_length);
        if end.is_none() {
            return Err(fail(format!(
                "it is {file_length} bytes long, but the tensor needs {expected} bytes from offset {offset}"
            )));
        }
        let mut bytes = vec![0; expected];
        file.seek(SeekFrom::Start(offset))
            .and_then(|_| file.read_exact(&mut bytes))
            .map_err(|error| fail(format!("cannot be read: {error}")))?;
        Ok(bytes)
    }
}

/// The typed field that holds elements of the tensor's type.
fn typed_field(tensor: &TensorProto) -> Result<&[Chunk], OnnxError> {
    Ok(match tensor.data_type {
        data_type::FLOAT => &tensor.float_data,
        data_type::DOUBLE => &tensor.double_data,
        data_type::INT64 => &tensor.int64_data,
        data_type::UINT32 | data_type::UINT64 => &tensor.uint64_data,
        _ => &tensor.int32_data,
    })
}

fn too_big(name: &str) -> OnnxError {
    tensor_error(name, "a UINT64 element does not fit in a signed 64-bit integer")
}

/// Converts little-endian elements of type `code`; `bytes` holds a whole number of them.
fn convert_le_bytes(name: &str, code: i32, bytes: &[u8]) -> Result<TensorData, OnnxError> {
    fn words<const N: usize>(bytes: &[u8]) -> impl Iterator<Item = [u8; N]> + '_ {
        bytes.chunks_exact(N).map(|chunk| {
            let mut word = [0; N];
            word.copy_from_slice(chunk);
            word
        })
    }
    let data = match code {
        data_type::FLOAT => TensorData::F32(words::<4>(bytes).map(f32::from_le_bytes).collect()),
        data_type::DOUBLE => TensorData::F32(words::<8>(bytes).map(|w| f64::from_le_bytes(w) as f32).collect()),
        data_type::FLOAT16 => TensorData::F32(words::<2>(bytes).map(|w| f16_to_f32(u16::from_le_bytes(w))).collect()),
        data_type::BFLOAT16 => {
            TensorData::F32(words::<2>(bytes).map(|w| f32::from_bits(u32::from(u16::from_le_bytes(w)) << 16)).collect())
        }
        data_type::INT64 => TensorData::I64(words::<8>(bytes).map(i64::from_le_bytes).collect()),
        data_type::UINT32 => TensorData::I64(words::<4>(bytes).map(|w| i64::from(u32::from_le_bytes(w))).collect()),
        data_type::UINT64 => TensorData::I64(
            words::<8>(bytes)
                .map(|w| i64::try_from(u64::from_le_bytes(w)))
                .collect::<Result<_, _>>()
                .map_err(|_| too_big(name))?,
        ),
        data_type::INT32 => TensorData::I32(words::<4>(bytes).map(i32::from_le_bytes).collect()),
        data_type::INT16 => TensorData::I32(words::<2>(bytes).map(|w| i32::from(i16::from_le_bytes(w))).collect()),
        data_type::UINT16 => TensorData::I32(words::<2>(bytes).map(|w| i32::from(u16::from_le_bytes(w))).collect()),
        data_type::UINT8 => TensorData::I32(bytes.iter().map(|&b| i32::from(b)).collect()),
        data_type::BOOL => TensorData::I32(bytes.iter().map(|&b| i32::from(b != 0)).collect()),
        data_type::INT8 => TensorData::I8(bytes.iter().map(|&b| b as i8).collect()),
        other => return Err(tensor_error(name, format!("element type {} is not supported", data_type::name(other)))),
    };
    Ok(data)
}

/// IEEE half precision to single precision; exact for every value.
fn f16_to_f32(bits: u16) -> f32 {
    let negative = bits & 0x8000 != 0;
    let exponent = u32::from((bits >> 10) & 0x1f);
    let mantissa = u32::from(bits & 0x3ff);
    let magnitude = match exponent {
        // Zero and subnormals: mantissa * 2^-24, exact in f32.
        0 => mantissa as f32 / 16_777_216.0,
        0x1f => f32::from_bits(0x7f80_0000 | (mantissa << 13)),
        _ => f32::from_bits(((exponent + 112) << 23) | (mantissa << 13)),
    };
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

fn join(values: &[i64]) -> String {
    values.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

/// The folder external data files are named relative to: the model file's own.
pub(crate) fn model_folder(model: &Path) -> PathBuf {
    model.parent().map(Path::to_path_buf).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Span;

    #[test]
    fn half_precision_converts_exactly() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert!(f16_to_f32(0x7c00).is_infinite());
        assert!(f16_to_f32(0x7e00).is_nan());
    }

    #[test]
    fn raw_data_must_match_the_shape() {
        let buffer = [0u8; 12];
        let source = DataSource { buffer: &buffer, folder: Path::new(".") };
        let tensor = TensorProto {
            dims: vec![2],
            data_type: data_type::FLOAT,
            raw_data: Some(Span { start: 0, len: 12 }),
            ..TensorProto::default()
        };
        let error = source.load("w", &tensor).unwrap_err();
        assert!(error.to_string().contains("raw_data holds 12 bytes, but shape [2] of FLOAT needs 8"), "{error}");
    }

    #[test]
    fn checksums_agree_with_the_converted_tensor() {
        let buffer: Vec<u8> = [1.5f32, -2.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        let source = DataSource { buffer: &buffer, folder: Path::new(".") };
        let tensor = TensorProto {
            dims: vec![2],
            data_type: data_type::FLOAT,
            raw_data: Some(Span { start: 0, len: 8 }),
            ..TensorProto::default()
        };
        let loaded = source.load("w", &tensor).unwrap();
        assert_eq!(source.checksum("w", &tensor).unwrap(), loaded.checksum());
        assert_eq!(loaded.data, TensorData::F32(vec![1.5, -2.0].into()));
    }

    #[test]
    fn hostile_dims_do_not_allocate() {
        let source = DataSource { buffer: &[], folder: Path::new(".") };
        let huge = TensorProto { dims: vec![1 << 40, 1 << 40], data_type: data_type::FLOAT, ..Default::default() };
        assert!(source.load("w", &huge).is_err());
        let negative = TensorProto { dims: vec![-1], data_type: data_type::FLOAT, ..Default::default() };
        assert!(source.load("w", &negative).unwrap_err().to_string().contains("negative"));
    }

    #[test]
    fn external_locations_stay_in_the_folder() {
        let source = DataSource { buffer: &[], folder: Path::new("/tmp") };
        for location in ["../secret.bin", "/etc/passwd", ""] {
            let tensor = TensorProto {
                dims: vec![1],
                data_type: data_type::FLOAT,
                location: TensorLocation::External { location: location.into(), offset: None, length: None },
                ..Default::default()
            };
            let error = source.load("w", &tensor).unwrap_err();
            assert!(error.to_string().contains("relative path inside the model's folder"), "{error}");
        }
    }
}
