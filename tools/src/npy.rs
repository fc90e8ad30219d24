//! NumPy's `.npy` format for tensors, so Python tools can hand inputs to `autows-translate --run`.

use autows_network::{Tensor, TensorData};

/// Reads a little-endian float32 `.npy` file of C order.
pub fn read_f32(path: &str) -> Result<Tensor, String> {
    let bytes = std::fs::read(path).map_err(|error| format!("cannot read '{path}': {error}"))?;
    parse_f32(&bytes).map_err(|message| format!("'{path}': {message}"))
}

fn parse_f32(bytes: &[u8]) -> Result<Tensor, String> {
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err("not a .npy file".into());
    }
    let (header_length, header_start) = match bytes[6] {
        1 => (usize::from(u16::from_le_bytes([bytes[8], bytes[9]])), 10),
        2 | 3 if bytes.len() >= 12 => (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, 12),
        version => return Err(format!("unsupported .npy version {version}")),
    };
    let data_start = header_start + header_length;
    let header = bytes.get(header_start..data_start).ok_or("truncated header")?;
    let header = std::str::from_utf8(header).map_err(|_| "the header is not text")?;
    if !header.contains("'descr': '<f4'") {
        return Err(format!("only little-endian float32 ('<f4') arrays are supported; header: {}", header.trim()));
    }
    if header.contains("'fortran_order': True") {
        return Err("Fortran-ordered arrays are not supported".into());
    }
    let shape_text =
        header.split("'shape': (").nth(1).and_then(|rest| rest.split(')').next()).ok_or("the header has no shape")?;
    let shape: Vec<i64> = shape_text
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| part.parse::<i64>().map_err(|_| format!("bad dimension '{part}'")))
        .collect::<Result<_, _>>()?;
    let count: usize = shape.iter().map(|&d| d.max(0) as usize).product();
    let data = bytes.get(data_start..).ok_or("truncated data")?;
    if data.len() != count * 4 {
        return Err(format!("expected {} bytes of data for shape {shape:?}, found {}", count * 4, data.len()));
    }
    let values: Vec<f32> = data.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    Ok(Tensor { shape, data: TensorData::F32(values.into()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npy(header: &str, data: &[u8]) -> Vec<u8> {
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend((header.len() as u16).to_le_bytes());
        bytes.extend(header.as_bytes());
        bytes.extend(data);
        bytes
    }

    #[test]
    fn reads_float32_arrays() {
        let data: Vec<u8> = [1.0f32, -2.5].iter().flat_map(|v| v.to_le_bytes()).collect();
        let tensor = parse_f32(&npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }\n", &data)).unwrap();
        assert_eq!(tensor.shape, [1, 2]);
        assert_eq!(tensor.data.to_f32(), [1.0, -2.5]);
    }

    #[test]
    fn refuses_other_arrays() {
        assert!(parse_f32(&npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", &[0; 8])).is_err());
        assert!(parse_f32(&npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", &[0; 8])).is_err());
        assert!(parse_f32(b"garbage").is_err());
    }
}
