//! Reading MLIR text: splitting at `// -----`, parsing with `mlir-opt`'s implicit top-level module, and keeping
//! every location pointing at the original file, line and column.

use crate::{context::IrContext, diagnostics::SourceLocation};
use melior::{
    ir::{
        block::BlockLike, operation::OperationLike, BlockRef, Location, Module, OperationRef, RegionLike, Value,
        ValueLike,
    },
    Context, StringRef,
};
use std::sync::Arc;

/// The line that separates cases in a file read with `--split-input-file`.
pub const SPLIT_MARKER: &str = "// -----";

/// One piece of an input buffer: the whole buffer, or one case of a split file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceChunk {
    /// The chunk's text, preceded by one empty line for every line of the buffer before it, so that line
    /// numbers in the chunk are line numbers in the buffer.
    pub text: String,
    /// The 1-based line of the buffer on which the chunk starts.
    pub first_line: usize,
}

/// Splits `text` at lines that consist of [`SPLIT_MARKER`] (surrounding white space allowed), as
/// `mlir-opt --split-input-file` does; without `split` the whole text is one chunk.
pub fn split_buffer(text: &str, split: bool) -> Vec<SourceChunk> {
    if !split {
        return vec![SourceChunk { text: text.to_string(), first_line: 1 }];
    }
    let mut chunks = Vec::new();
    let mut current = String::new();
    let mut first_line = 1;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if line.trim() == SPLIT_MARKER {
            chunks.push(SourceChunk { text: padded(&current, first_line), first_line });
            current.clear();
            first_line = index + 2;
        } else {
            current.push_str(line);
        }
    }
    chunks.push(SourceChunk { text: padded(&current, first_line), first_line });
    chunks
}

fn padded(text: &str, first_line: usize) -> String {
    let mut out = "\n".repeat(first_line - 1);
    out.push_str(text);
    out
}

/// Parses one chunk of the buffer called `buffer_name` (a path, or `<stdin>`) into a module. Several top-level
/// operations are wrapped in an implicit `builtin.module`; a lone `builtin.module` is used as it is. Returns
/// `None` after recording the parser's or the verifier's diagnostics in the context's sink.
pub fn parse_chunk<'c>(ir: &'c IrContext, buffer_name: &str, chunk: &SourceChunk) -> Option<Module<'c>> {
    ir.sink().set_buffer(buffer_name, Arc::from(chunk.text.as_str()));
    let context = ir.context();
    // `mlirModuleCreateParse` gives exactly `mlir-opt`'s implicit-module behaviour; its locations carry an empty
    // file name (`-`), which the sink and `name_locations` below replace with the buffer's name.
    let raw = unsafe { mlir_sys::mlirModuleCreateParse(context.to_raw(), StringRef::new(&chunk.text).to_raw()) };
    if raw.ptr.is_null() {
        return None;
    }
    let module = unsafe { Module::from_raw(raw) };
    name_locations(context, module.as_operation(), buffer_name);
    Some(module)
}

/// Whether `file` is the name MLIR gives text parsed from memory (`-`, or empty).
pub fn is_unnamed_buffer(file: &str) -> bool {
    file.is_empty() || file == "-"
}

/// Gives every operation and block argument location that names no file the name `file`.
fn name_locations<'c>(context: &'c Context, root: OperationRef<'c, '_>, file: &str) {
    let mut pending = vec![root];
    while let Some(op) = pending.pop() {
        if let Some(fixed) = rename_location(context, op.location(), file) {
            unsafe { mlir_sys::mlirOperationSetLocation(op.to_raw(), fixed.to_raw()) };
        }
        for region in op.regions() {
            let mut block = region.first_block();
            while let Some(current) = block {
                name_block_arguments(context, current, file);
                let mut child = current.first_operation();
                while let Some(operation) = child {
                    pending.push(operation);
                    child = operation.next_in_block();
                }
                block = current.next_in_region();
            }
        }
    }
}

fn name_block_arguments<'c>(context: &'c Context, block: BlockRef<'c, '_>, file: &str) {
    for index in 0..block.argument_count() {
        let Ok(argument) = block.argument(index) else { continue };
        let value: Value = argument.into();
        if let Some(fixed) = rename_location(context, value.location(), file) {
            unsafe { mlir_sys::mlirBlockArgumentSetLocation(value.to_raw(), fixed.to_raw()) };
        }
    }
}

/// Rebuilds `location` with `file` wherever a file location has an empty name; `None` if nothing changes.
fn rename_location<'c>(context: &'c Context, location: Location<'c>, file: &str) -> Option<Location<'c>> {
    if location.is_file_line_col_range() {
        let name = location.file_line_col_range_filename();
        if !is_unnamed_buffer(name.as_string_ref().as_str().unwrap_or("x")) {
            return None;
        }
        let raw = unsafe {
            mlir_sys::mlirLocationFileLineColRangeGet(
                context.to_raw(),
                StringRef::new(file).to_raw(),
                location.file_line_col_range_start_line() as u32,
                location.file_line_col_range_start_column() as u32,
                location.file_line_col_range_end_line() as u32,
                location.file_line_col_range_end_column() as u32,
            )
        };
        Some(unsafe { Location::from_raw(raw) })
    } else if location.is_name() {
        let child = rename_location(context, location.name_child_location(), file)?;
        let name = location.name_value();
        Some(Location::name(context, name.as_string_ref().as_str().unwrap_or(""), child))
    } else if location.is_call_site() {
        let callee = location.call_site_callee();
        let caller = location.call_site_caller();
        let new_callee = rename_location(context, callee, file);
        let new_caller = rename_location(context, caller, file);
        if new_callee.is_none() && new_caller.is_none() {
            return None;
        }
        Some(Location::call_site(new_callee.unwrap_or(callee), new_caller.unwrap_or(caller)))
    } else if location.is_fused() {
        let parts: Vec<Location> = (0..location.fused_num_locations()).map(|i| location.fused_location(i)).collect();
        let renamed: Vec<Option<Location>> = parts.iter().map(|part| rename_location(context, *part, file)).collect();
        if renamed.iter().all(Option::is_none) {
            return None;
        }
        let merged: Vec<mlir_sys::MlirLocation> =
            parts.iter().zip(renamed).map(|(part, new)| new.unwrap_or(*part).to_raw()).collect();
        let raw = unsafe {
            let metadata = mlir_sys::mlirLocationFusedGetMetadata(location.to_raw());
            mlir_sys::mlirLocationFusedGet(context.to_raw(), merged.len() as isize, merged.as_ptr(), metadata)
        };
        Some(unsafe { Location::from_raw(raw) })
    } else {
        None
    }
}

/// The location of `op` as plain data, with `default_file` for unnamed file locations.
pub fn op_location(op: &OperationRef, default_file: &str) -> SourceLocation {
    SourceLocation::from_mlir(op.location(), default_file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_line_numbers() {
        let text = "a\n// -----\nb\nc\n  // -----  \nd";
        let chunks = split_buffer(text, true);
        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[0], SourceChunk { text: "a\n".into(), first_line: 1 });
        assert_eq!(chunks[1], SourceChunk { text: "\n\nb\nc\n".into(), first_line: 3 });
        assert_eq!(chunks[2].first_line, 6);
        assert_eq!(chunks[2].text.lines().nth(5), Some("d"));
    }

    #[test]
    fn no_split_is_one_chunk() {
        let chunks = split_buffer("a\n// -----\nb\n", false);
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].text, "a\n// -----\nb\n");
    }
}
