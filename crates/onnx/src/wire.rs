//! The protobuf wire format, read in place.
//!
//! A [`Reader`] walks one message of a buffer that holds the whole file. Length-delimited values come back as
//! [`Span`]s (absolute byte ranges of that buffer), so tensor data is never copied while the model is decoded,
//! and every error reports the absolute offset where the input went wrong. Lengths are checked against the bytes
//! that are actually there before anything is sliced, so a hostile length field can neither panic nor make the
//! decoder allocate.

use std::fmt;
use thiserror::Error;

/// How a field's value is encoded on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireType {
    /// A base-128 varint.
    Varint,
    /// Eight little-endian bytes.
    Fixed64,
    /// A varint length, then that many bytes: strings, bytes, messages and packed repeated scalars.
    Len,
    /// Four little-endian bytes.
    Fixed32,
}

impl WireType {
    fn from_tag(tag: u64) -> Option<Self> {
        match tag & 7 {
            0 => Some(WireType::Varint),
            1 => Some(WireType::Fixed64),
            2 => Some(WireType::Len),
            5 => Some(WireType::Fixed32),
            _ => None,
        }
    }
}

impl fmt::Display for WireType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WireType::Varint => "varint",
            WireType::Fixed64 => "fixed64",
            WireType::Len => "length-delimited",
            WireType::Fixed32 => "fixed32",
        })
    }
}

/// A byte range of the buffer a [`Reader`] was made on. Spans are only produced by the reader after a bounds
/// check, so slicing the same buffer with them cannot fail.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Number of bytes.
    pub len: usize,
}

impl Span {
    /// One past the last byte.
    pub fn end(self) -> usize {
        self.start + self.len
    }

    /// The bytes of `buffer` this span covers; `buffer` must be the one the span was read from.
    pub fn of(self, buffer: &[u8]) -> &[u8] {
        &buffer[self.start..self.end()]
    }
}

/// What is wrong with the bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeProblem {
    /// The input ends inside a value.
    Truncated,
    /// A length field claims more bytes than the enclosing message has left.
    LengthOverrun {
        /// The claimed length.
        length: u64,
        /// The bytes that are left.
        available: usize,
    },
    /// A varint runs past ten bytes or past 64 bits.
    VarintTooLong,
    /// The tag names a wire type protobuf does not have, or a group (ONNX uses none).
    InvalidWireType(u8),
    /// Field number 0, which protobuf reserves.
    FieldNumberZero,
    /// A known field arrives with a wire type its declared type cannot have.
    UnexpectedWireType {
        /// The field's number.
        field: u32,
        /// What arrived.
        found: WireType,
        /// What the schema allows.
        expected: &'static str,
    },
    /// A packed run of fixed-size elements whose length is not a multiple of the element size.
    PackedLength {
        /// The run's length in bytes.
        length: usize,
        /// Bytes per element.
        element_size: usize,
    },
    /// A string field that is not UTF-8.
    InvalidUtf8,
}

impl fmt::Display for DecodeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeProblem::Truncated => write!(f, "the data ends inside a value (truncated file?)"),
            DecodeProblem::LengthOverrun { length, available } => {
                write!(f, "a length of {length} bytes runs past the {available} bytes left in the message")
            }
            DecodeProblem::VarintTooLong => write!(f, "a varint is longer than 64 bits"),
            DecodeProblem::InvalidWireType(tag) => write!(f, "wire type {tag} is not used by ONNX"),
            DecodeProblem::FieldNumberZero => write!(f, "field number 0 is not valid"),
            DecodeProblem::UnexpectedWireType { field, found, expected } => {
                write!(f, "field {field} is encoded as {found}, but its type needs {expected}")
            }
            DecodeProblem::PackedLength { length, element_size } => {
                write!(f, "a packed run of {length} bytes is not a whole number of {element_size}-byte elements")
            }
            DecodeProblem::InvalidUtf8 => write!(f, "a string is not valid UTF-8"),
        }
    }
}

/// Bytes that are not a well-formed ONNX protobuf message, with where they went wrong.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("malformed ONNX protobuf at byte {offset}{}: {problem}", self.path())]
pub struct DecodeError {
    /// Absolute offset in the file.
    pub offset: usize,
    /// What is wrong.
    pub problem: DecodeProblem,
    /// The fields being decoded, innermost first (`TensorProto.dims`, `GraphProto.initializer`, ...).
    pub context: Vec<&'static str>,
}

impl DecodeError {
    fn new(offset: usize, problem: DecodeProblem) -> Self {
        Self { offset, problem, context: Vec::new() }
    }

    /// Records that the error happened inside field `name`.
    pub fn within(mut self, name: &'static str) -> Self {
        self.context.push(name);
        self
    }

    fn path(&self) -> String {
        if self.context.is_empty() {
            return String::new();
        }
        let outermost_first: Vec<&str> = self.context.iter().rev().copied().collect();
        format!(" in {}", outermost_first.join(" > "))
    }
}

/// Reads the fields of one message of `buffer`, between `position` and `end`.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    buffer: &'a [u8],
    position: usize,
    end: usize,
}

impl<'a> Reader<'a> {
    /// A reader of the whole buffer as one message.
    pub fn new(buffer: &'a [u8]) -> Self {
        Self { buffer, position: 0, end: buffer.len() }
    }

    /// A reader of the message at `span` of `buffer`.
    pub fn within(buffer: &'a [u8], span: Span) -> Self {
        Self { buffer, position: span.start, end: span.end() }
    }

    /// Whether the message has no bytes left.
    pub fn is_done(&self) -> bool {
        self.position >= self.end
    }

    fn error(&self, problem: DecodeProblem) -> DecodeError {
        DecodeError::new(self.position, problem)
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        if self.position >= self.end {
            return Err(self.error(DecodeProblem::Truncated));
        }
        let byte = self.buffer[self.position];
        self.position += 1;
        Ok(byte)
    }

    /// A base-128 varint.
    pub fn varint(&mut self) -> Result<u64, DecodeError> {
        let start = self.position;
        let mut value: u64 = 0;
        for index in 0..10 {
            let byte = self.byte()?;
            let payload = u64::from(byte & 0x7f);
            // The tenth byte holds bit 63 only.
            if index == 9 && payload > 1 {
                return Err(DecodeError::new(start, DecodeProblem::VarintTooLong));
            }
            value |= payload << (7 * index);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(DecodeError::new(start, DecodeProblem::VarintTooLong))
    }

    fn take(&mut self, count: usize) -> Result<Span, DecodeError> {
        let available = self.end - self.position;
        if count > available {
            return Err(self.error(DecodeProblem::Truncated));
        }
        let span = Span { start: self.position, len: count };
        self.position += count;
        Ok(span)
    }

    /// Four little-endian bytes.
    pub fn fixed32(&mut self) -> Result<u32, DecodeError> {
        let span = self.take(4)?;
        let mut bytes = [0; 4];
        bytes.copy_from_slice(span.of(self.buffer));
        Ok(u32::from_le_bytes(bytes))
    }

    /// A varint length and the bytes it covers.
    pub fn length_delimited(&mut self) -> Result<Span, DecodeError> {
        let start = self.position;
        let length = self.varint()?;
        let available = self.end - self.position;
        match usize::try_from(length) {
            Ok(count) if count <= available => self.take(count),
            _ => Err(DecodeError::new(start, DecodeProblem::LengthOverrun { length, available })),
        }
    }

    /// Skips a value of `wire` type.
    pub fn skip(&mut self, wire: WireType) -> Result<(), DecodeError> {
        match wire {
            WireType::Varint => self.varint().map(drop),
            WireType::Fixed64 => self.take(8).map(drop),
            WireType::Len => self.length_delimited().map(drop),
            WireType::Fixed32 => self.take(4).map(drop),
        }
    }

    /// The next field of the message, or `None` at its end.
    pub fn next_field(&mut self) -> Result<Option<Field<'_, 'a>>, DecodeError> {
        if self.is_done() {
            return Ok(None);
        }
        let offset = self.position;
        let tag = self.varint()?;
        let wire = WireType::from_tag(tag)
            .ok_or_else(|| DecodeError::new(offset, DecodeProblem::InvalidWireType((tag & 7) as u8)))?;
        let number = tag >> 3;
        if number == 0 {
            return Err(DecodeError::new(offset, DecodeProblem::FieldNumberZero));
        }
        // Field numbers are at most 2^29 - 1; larger ones only occur in corrupt data and are skipped like any
        // unknown field.
        let number = u32::try_from(number).unwrap_or(u32::MAX);
        Ok(Some(Field { reader: self, number, wire, offset }))
    }
}

/// One field of a message, about to be read as the schema's type for it.
///
/// Each accessor takes the field's schema name (`TensorProto.dims`) and checks the wire type against the declared
/// type, so a corrupt file fails with the name of the field it broke.
pub struct Field<'r, 'a> {
    reader: &'r mut Reader<'a>,
    /// The field number.
    pub number: u32,
    wire: WireType,
    offset: usize,
}

impl<'a> Field<'_, 'a> {
    fn expect(&self, wire: WireType, expected: &'static str, name: &'static str) -> Result<(), DecodeError> {
        if self.wire == wire {
            return Ok(());
        }
        let problem = DecodeProblem::UnexpectedWireType { field: self.number, found: self.wire, expected };
        Err(DecodeError::new(self.offset, problem).within(name))
    }

    /// Skips a field the importer does not need.
    pub fn skip(self) -> Result<(), DecodeError> {
        self.reader.skip(self.wire)
    }

    /// An `int64` (or enum) field.
    pub fn int64(self, name: &'static str) -> Result<i64, DecodeError> {
        self.expect(WireType::Varint, "a varint", name)?;
        // Two's complement: negative values are encoded as ten-byte varints.
        self.reader.varint().map(|value| value as i64).map_err(|error| error.within(name))
    }

    /// An `int32` (or enum) field; protobuf sign-extends them to 64 bits and readers truncate.
    pub fn int32(self, name: &'static str) -> Result<i32, DecodeError> {
        self.int64(name).map(|value| value as i32)
    }

    /// A `float` field.
    pub fn float(self, name: &'static str) -> Result<f32, DecodeError> {
        self.expect(WireType::Fixed32, "fixed32", name)?;
        self.reader.fixed32().map(f32::from_bits).map_err(|error| error.within(name))
    }

    /// A `bytes` field, left in place.
    pub fn bytes(self, name: &'static str) -> Result<Span, DecodeError> {
        self.expect(WireType::Len, "a length-delimited value", name)?;
        self.reader.length_delimited().map_err(|error| error.within(name))
    }

    /// A `string` field.
    pub fn string(self, name: &'static str) -> Result<String, DecodeError> {
        let buffer = self.reader.buffer;
        let span = self.bytes(name)?;
        match std::str::from_utf8(span.of(buffer)) {
            Ok(text) => Ok(text.to_owned()),
            Err(_) => Err(DecodeError::new(span.start, DecodeProblem::InvalidUtf8).within(name)),
        }
    }

    /// An embedded message, decoded by `decode` with a reader limited to its bytes.
    pub fn message<T>(
        self,
        name: &'static str,
        decode: impl FnOnce(&mut Reader<'a>) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        let buffer = self.reader.buffer;
        let span = self.bytes(name)?;
        decode(&mut Reader::within(buffer, span)).map_err(|error| error.within(name))
    }

    /// One occurrence of a repeated `int64` field, packed or not; the values are appended to `out`.
    pub fn int64s(self, name: &'static str, out: &mut Vec<i64>) -> Result<(), DecodeError> {
        match self.wire {
            WireType::Len => {
                let buffer = self.reader.buffer;
                let span = self.reader.length_delimited().map_err(|error| error.within(name))?;
                let mut packed = Reader::within(buffer, span);
                while !packed.is_done() {
                    out.push(packed.varint().map_err(|error| error.within(name))? as i64);
                }
                Ok(())
            }
            _ => {
                out.push(self.int64(name)?);
                Ok(())
            }
        }
    }

    /// One occurrence of a repeated `float` field, packed or not; the values are appended to `out`.
    pub fn floats(self, name: &'static str, out: &mut Vec<f32>) -> Result<(), DecodeError> {
        match self.wire {
            WireType::Len => {
                let buffer = self.reader.buffer;
                let span = self.reader.length_delimited().map_err(|error| error.within(name))?;
                if span.len % 4 != 0 {
                    let problem = DecodeProblem::PackedLength { length: span.len, element_size: 4 };
                    return Err(DecodeError::new(span.start, problem).within(name));
                }
                let values = span.of(buffer).chunks_exact(4);
                out.extend(values.map(|bytes| f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])));
                Ok(())
            }
            _ => {
                out.push(self.float(name)?);
                Ok(())
            }
        }
    }

    /// One occurrence of a repeated scalar field whose elements have wire type `element`, left in place: a
    /// packed run or a single element. Tensor data is kept this way until it is converted.
    pub fn scalars(self, name: &'static str, element: WireType) -> Result<Chunk, DecodeError> {
        let start = self.reader.position;
        let span = match self.wire {
            WireType::Len => {
                let span = self.reader.length_delimited().map_err(|error| error.within(name))?;
                let element_size = match element {
                    WireType::Fixed32 => 4,
                    WireType::Fixed64 => 8,
                    _ => 1,
                };
                if span.len % element_size != 0 {
                    let problem = DecodeProblem::PackedLength { length: span.len, element_size };
                    return Err(DecodeError::new(span.start, problem).within(name));
                }
                span
            }
            wire if wire == element => {
                self.reader.skip(wire).map_err(|error| error.within(name))?;
                Span { start, len: self.reader.position - start }
            }
            _ => {
                let expected = match element {
                    WireType::Fixed32 => "fixed32 or a packed run",
                    WireType::Fixed64 => "fixed64 or a packed run",
                    _ => "a varint or a packed run",
                };
                let problem = DecodeProblem::UnexpectedWireType { field: self.number, found: self.wire, expected };
                return Err(DecodeError::new(self.offset, problem).within(name));
            }
        };
        Ok(Chunk { element, packed: self.wire == WireType::Len, span })
    }
}

/// Elements of a repeated scalar field as they lie in the buffer: a packed run, or one unpacked element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// The encoding of each element.
    pub element: WireType,
    /// Whether `span` is a packed run (else it holds one element).
    pub packed: bool,
    /// The elements' bytes.
    pub span: Span,
}

impl Chunk {
    /// The elements' bytes, when they are fixed-size little-endian values laid end to end.
    pub fn fixed_bytes<'b>(&self, buffer: &'b [u8]) -> Option<&'b [u8]> {
        matches!(self.element, WireType::Fixed32 | WireType::Fixed64).then(|| self.span.of(buffer))
    }

    /// Appends the elements as raw 64-bit words: varints as decoded, fixed32 zero-extended, fixed64 as is.
    pub fn decode_into(&self, buffer: &[u8], out: &mut Vec<u64>) -> Result<(), DecodeError> {
        let bytes = self.span.of(buffer);
        match self.element {
            WireType::Fixed32 => {
                out.extend(bytes.chunks_exact(4).map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))))
            }
            WireType::Fixed64 => out.extend(
                bytes.chunks_exact(8).map(|b| u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])),
            ),
            WireType::Varint | WireType::Len => {
                let mut reader = Reader::within(buffer, self.span);
                while !reader.is_done() {
                    out.push(reader.varint()?);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint_bytes(mut value: u64) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                out.push(byte);
                return out;
            }
            out.push(byte | 0x80);
        }
    }

    #[test]
    fn varints_round_trip_at_the_edges() {
        for value in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX - 1, u64::MAX] {
            let bytes = varint_bytes(value);
            let mut reader = Reader::new(&bytes);
            assert_eq!(reader.varint().unwrap(), value);
            assert!(reader.is_done());
        }
    }

    #[test]
    fn negative_int64_uses_ten_bytes() {
        let bytes = varint_bytes(-2i64 as u64);
        assert_eq!(bytes.len(), 10);
        let mut tagged = vec![0x08];
        tagged.extend(&bytes);
        let mut reader = Reader::new(&tagged);
        let field = reader.next_field().unwrap().unwrap();
        assert_eq!(field.int64("test").unwrap(), -2);
    }

    #[test]
    fn overlong_varints_are_refused() {
        let eleven = [0xff; 11];
        let error = Reader::new(&eleven).varint().unwrap_err();
        assert_eq!(error.problem, DecodeProblem::VarintTooLong);
        // Ten bytes whose last one carries more than bit 63.
        let mut too_big = vec![0xff; 9];
        too_big.push(0x02);
        assert_eq!(Reader::new(&too_big).varint().unwrap_err().problem, DecodeProblem::VarintTooLong);
    }

    #[test]
    fn truncated_values_are_reported_not_panicked() {
        assert_eq!(Reader::new(&[0x80]).varint().unwrap_err().problem, DecodeProblem::Truncated);
        assert_eq!(Reader::new(&[1, 2, 3]).fixed32().unwrap_err().problem, DecodeProblem::Truncated);
        assert_eq!(
            Reader::new(&[1, 2, 3, 4, 5]).skip(WireType::Fixed64).unwrap_err().problem,
            DecodeProblem::Truncated
        );
        // A tag with no value after it.
        let mut reader = Reader::new(&[0x0d]);
        let field = reader.next_field().unwrap().unwrap();
        let error = field.float("AttributeProto.f").unwrap_err();
        assert_eq!(error.problem, DecodeProblem::Truncated);
        assert_eq!(error.context, ["AttributeProto.f"]);
    }

    #[test]
    fn hostile_lengths_are_bounded_by_the_data() {
        // Claims 2^62 bytes of payload but carries 2.
        let mut bytes = vec![0x0a];
        bytes.extend(varint_bytes(1 << 62));
        bytes.extend([1, 2]);
        let mut reader = Reader::new(&bytes);
        let error = reader.next_field().unwrap().unwrap().bytes("GraphProto.node").unwrap_err();
        assert_eq!(error.problem, DecodeProblem::LengthOverrun { length: 1 << 62, available: 2 });
        assert_eq!(error.offset, 1);
        assert!(error.to_string().contains("in GraphProto.node"), "{error}");
    }

    #[test]
    fn nested_lengths_cannot_escape_their_message() {
        // Outer message of 3 bytes whose inner field claims 5.
        let bytes = [0x0a, 0x03, 0x0a, 0x05, 0x00, 0xaa, 0xbb, 0xcc];
        let mut reader = Reader::new(&bytes);
        let field = reader.next_field().unwrap().unwrap();
        let error = field
            .message("ModelProto.graph", |inner| {
                let field = inner.next_field()?.expect("a field");
                field.bytes("GraphProto.name").map(drop)
            })
            .unwrap_err();
        assert_eq!(error.problem, DecodeProblem::LengthOverrun { length: 5, available: 1 });
        assert_eq!(error.context, ["GraphProto.name", "ModelProto.graph"]);
        assert!(error.to_string().contains("ModelProto.graph > GraphProto.name"), "{error}");
    }

    #[test]
    fn invalid_tags_are_refused() {
        for (bytes, problem) in [
            (&[0x0b][..], DecodeProblem::InvalidWireType(3)),
            (&[0x0e][..], DecodeProblem::InvalidWireType(6)),
            (&[0x00][..], DecodeProblem::FieldNumberZero),
        ] {
            assert_eq!(Reader::new(bytes).next_field().err().map(|error| error.problem), Some(problem));
        }
    }

    #[test]
    fn wrong_wire_types_name_the_field() {
        // Field 1 as fixed32, read as an int64.
        let bytes = [0x0d, 0, 0, 0, 0];
        let mut reader = Reader::new(&bytes);
        let error = reader.next_field().unwrap().unwrap().int64("TensorProto.dims").unwrap_err();
        assert!(matches!(error.problem, DecodeProblem::UnexpectedWireType { field: 1, .. }));
        assert!(error.to_string().contains("TensorProto.dims"), "{error}");
    }

    #[test]
    fn packed_and_unpacked_repeated_fields_agree() {
        // Packed: field 1, length 3, values 1, 300.
        let packed = [0x0a, 0x03, 0x01, 0xac, 0x02];
        // Unpacked: field 1 twice as varints.
        let unpacked = [0x08, 0x01, 0x08, 0xac, 0x02];
        for bytes in [&packed[..], &unpacked[..]] {
            let mut reader = Reader::new(bytes);
            let mut values = Vec::new();
            while let Some(field) = reader.next_field().unwrap() {
                field.int64s("TensorProto.dims", &mut values).unwrap();
            }
            assert_eq!(values, [1, 300]);
        }
        let packed_floats = [0x3a, 0x08, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40];
        let unpacked_floats = [0x3d, 0, 0, 0x80, 0x3f, 0x3d, 0, 0, 0, 0x40];
        for bytes in [&packed_floats[..], &unpacked_floats[..]] {
            let mut reader = Reader::new(bytes);
            let mut values = Vec::new();
            while let Some(field) = reader.next_field().unwrap() {
                field.floats("AttributeProto.floats", &mut values).unwrap();
            }
            assert_eq!(values, [1.0, 2.0]);
        }
    }

    #[test]
    fn packed_fixed_runs_must_be_whole() {
        let bytes = [0x22, 0x03, 0, 0, 0];
        let mut reader = Reader::new(&bytes);
        let error = reader.next_field().unwrap().unwrap().scalars("TensorProto.float_data", WireType::Fixed32);
        assert_eq!(error.unwrap_err().problem, DecodeProblem::PackedLength { length: 3, element_size: 4 });
    }

    #[test]
    fn chunks_stay_in_place_and_decode_later() {
        let bytes = [0x22, 0x08, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0x38, 0x7f];
        let mut reader = Reader::new(&bytes);
        let chunk = reader.next_field().unwrap().unwrap().scalars("TensorProto.float_data", WireType::Fixed32).unwrap();
        assert_eq!(chunk.span, Span { start: 2, len: 8 });
        assert_eq!(chunk.fixed_bytes(&bytes), Some(&bytes[2..10]));
        let single = reader.next_field().unwrap().unwrap().scalars("TensorProto.int64_data", WireType::Varint).unwrap();
        assert!(!single.packed);
        let mut words = Vec::new();
        single.decode_into(&bytes, &mut words).unwrap();
        assert_eq!(words, [0x7f]);
    }

    #[test]
    fn strings_must_be_utf8() {
        let bytes = [0x12, 0x02, 0xc3, 0x28];
        let mut reader = Reader::new(&bytes);
        let error = reader.next_field().unwrap().unwrap().string("NodeProto.name").unwrap_err();
        assert_eq!(error.problem, DecodeProblem::InvalidUtf8);
    }

    #[test]
    fn unknown_fields_of_every_wire_type_are_skipped() {
        let bytes = [0x08, 0x96, 0x01, 0x11, 1, 2, 3, 4, 5, 6, 7, 8, 0x1a, 0x01, 0xff, 0x25, 1, 2, 3, 4];
        let mut reader = Reader::new(&bytes);
        let mut count = 0;
        while let Some(field) = reader.next_field().unwrap() {
            field.skip().unwrap();
            count += 1;
        }
        assert_eq!(count, 4);
    }
}
