//! The protobuf wire format, written.
//!
//! A [`Message`] collects the fields of one small message in memory (a node, an attribute, a tensor's header).
//! Large payloads never pass through one: the exporter writes a field's tag and length with [`len_prefix`] and
//! streams the payload after it, which is why sizes can be computed up front with [`len_field_size`] and
//! [`varint_size`]. Fields are written in the order the caller asks; protobuf readers accept any order.

/// Wire type of varint fields.
const VARINT: u64 = 0;
/// Wire type of length-delimited fields.
const LEN: u64 = 2;
/// Wire type of four-byte little-endian fields.
const FIXED32: u64 = 5;

/// How many bytes the varint encoding of `value` takes.
pub(crate) fn varint_size(value: u64) -> usize {
    // Each byte carries seven bits; zero still takes one byte.
    let bits = 64 - value.leading_zeros() as usize;
    bits.div_ceil(7).max(1)
}

/// How many bytes a length-delimited field `number` with a payload of `len` bytes takes, tag included.
pub(crate) fn len_field_size(number: u32, len: u64) -> u64 {
    (varint_size(tag(number, LEN)) + varint_size(len)) as u64 + len
}

/// The tag and length of a length-delimited field whose `len`-byte payload the caller writes next.
pub(crate) fn len_prefix(number: u32, len: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(20);
    push_varint(&mut out, tag(number, LEN));
    push_varint(&mut out, len);
    out
}

fn tag(number: u32, wire: u64) -> u64 {
    (u64::from(number) << 3) | wire
}

fn push_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// One message being encoded in memory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Message {
    bytes: Vec<u8>,
}

impl Message {
    /// An empty message.
    pub fn new() -> Self {
        Self::default()
    }

    /// The encoded size so far.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The encoded fields.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// An `int64`, `int32` or enum field; negative values take ten bytes, as protobuf sign-extends them.
    pub fn int64(&mut self, number: u32, value: i64) -> &mut Self {
        push_varint(&mut self.bytes, tag(number, VARINT));
        push_varint(&mut self.bytes, value as u64);
        self
    }

    /// A `float` field.
    pub fn float(&mut self, number: u32, value: f32) -> &mut Self {
        push_varint(&mut self.bytes, tag(number, FIXED32));
        self.bytes.extend(value.to_le_bytes());
        self
    }

    /// A `bytes` field.
    pub fn bytes(&mut self, number: u32, value: &[u8]) -> &mut Self {
        self.bytes.extend(len_prefix(number, value.len() as u64));
        self.bytes.extend(value);
        self
    }

    /// A `string` field.
    pub fn string(&mut self, number: u32, value: &str) -> &mut Self {
        self.bytes(number, value.as_bytes())
    }

    /// An embedded message field.
    pub fn message(&mut self, number: u32, value: &Message) -> &mut Self {
        self.bytes(number, &value.bytes)
    }

    /// A repeated `int64` field, packed as exporters write it.
    pub fn packed_int64s(&mut self, number: u32, values: &[i64]) -> &mut Self {
        let mut payload = Vec::with_capacity(values.len());
        for &value in values {
            push_varint(&mut payload, value as u64);
        }
        self.bytes(number, &payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{Reader, WireType};

    #[test]
    fn varint_sizes_match_the_encoding() {
        for value in [0, 1, 127, 128, 16_383, 16_384, u64::from(u32::MAX), 1 << 56, u64::MAX] {
            let mut out = Vec::new();
            push_varint(&mut out, value);
            assert_eq!(out.len(), varint_size(value), "{value}");
            assert_eq!(Reader::new(&out).varint().unwrap(), value);
        }
    }

    #[test]
    fn fields_read_back_through_the_decoder() {
        let mut inner = Message::new();
        inner.string(1, "name");
        let mut message = Message::new();
        message.int64(1, -2).float(2, 1.5).message(3, &inner).packed_int64s(4, &[1, -1, 300]);
        let bytes = message.as_bytes().to_vec();
        let mut reader = Reader::new(&bytes);
        assert_eq!(reader.next_field().unwrap().unwrap().int64("a").unwrap(), -2);
        assert_eq!(reader.next_field().unwrap().unwrap().float("b").unwrap(), 1.5);
        let name = reader
            .next_field()
            .unwrap()
            .unwrap()
            .message("c", |inner| inner.next_field()?.expect("a field").string("c.name"))
            .unwrap();
        assert_eq!(name, "name");
        let mut ints = Vec::new();
        reader.next_field().unwrap().unwrap().int64s("d", &mut ints).unwrap();
        assert_eq!(ints, [1, -1, 300]);
        assert!(reader.is_done());
    }

    #[test]
    fn prefixes_announce_streamed_payloads() {
        let payload = vec![7u8; 300];
        let mut streamed = len_prefix(9, payload.len() as u64);
        assert_eq!(streamed.len() as u64 + 300, len_field_size(9, 300));
        streamed.extend(&payload);
        let mut whole = Message::new();
        whole.bytes(9, &payload);
        assert_eq!(streamed, whole.as_bytes());
        let mut reader = Reader::new(&streamed);
        let span = reader.next_field().unwrap().unwrap().scalars("raw", WireType::Varint).unwrap().span;
        assert_eq!(span.len, 300);
    }
}
