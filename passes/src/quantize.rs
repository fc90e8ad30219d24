//! `graph-quantize`: records a network's quantisation, after checking that every operation has an integer form.

use crate::parameters::ParameterValues;
use autows_interp::QuantSpec;
use autows_ir::{
    attributes::string_attr,
    pass::{OptionInfo, OptionKind, Pass, PassContext, PassEntry, PassInfo, PassOptions, PassResult},
    rewrite::{body, op_name},
};
use melior::ir::{
    block::BlockLike,
    operation::{OperationLike, OperationMutLike, OperationRefMut},
    OperationRef,
};

/// The function attribute the quantisation is recorded in.
pub const ATTRIBUTE: &str = "graph.quantization";

/// Graph operations with an integer form (see the interpreter's `quant` module, which defines the arithmetic).
const QUANTIZABLE: &[&str] = &[
    "graph.conv2d",
    "graph.conv2d_add",
    "graph.gemm",
    "graph.relu",
    "graph.clip",
    "graph.maxpool",
    "graph.avgpool",
    "graph.global_avgpool",
    "graph.add",
    "graph.sub",
    "graph.concat",
    "graph.flatten",
    "graph.reshape",
    "graph.transpose",
    "graph.pad",
    "graph.identity",
    "graph.dropout",
];

/// The registry entry.
pub static ENTRY: PassEntry = PassEntry {
    info: PassInfo {
        name: "graph-quantize",
        summary: "Record a wXaY quantisation (channel block floating point or fixed point) on graph functions",
        description: "Checks that every operation on activations has an integer form (convolution, gemm, relu, \
                      clip, pooling, add, sub and the data-movement operations; weight arithmetic such as folded \
                      batch normalisation is exempt, since it computes parameters) and records the quantisation \
                      as the function attribute `graph.quantization` in its canonical spelling, e.g. \
                      `w4a5p2-bfp`: 4-bit weight mantissas with one power-of-two exponent per output channel, \
                      5-bit activations with 2 fractional bits. The interpreter (`autows-translate --run`) then \
                      evaluates the function with those integer semantics, bit for bit what the hardware \
                      computes. Fold batch normalisation first (`graph-fold-batchnorm`).",
        anchor: Some("func.func"),
        options: &[OptionInfo {
            name: "spec",
            kind: OptionKind::String,
            default: "w4a5",
            help: "w<weight bits>a<activation bits>[p<binary point>][-bfp|-fixed]",
        }],
    },
    create: |options: &PassOptions| {
        let spec: QuantSpec = options.string("spec").parse().map_err(|error| format!("{error}"))?;
        Ok(Box::new(Quantize { spec }))
    },
};

struct Quantize {
    spec: QuantSpec,
}

impl Pass for Quantize {
    fn run(&self, function: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
        let Some(body) = body(function) else { return Ok(()) };
        // Values computed from weights and constants alone are parameters, evaluated in float.
        let parameters = ParameterValues::of(body);
        let mut failed = false;
        let mut next = body.first_operation();
        while let Some(op) = next {
            next = op.next_in_block();
            let name = op_name(&op);
            if !name.starts_with("graph.") || parameters.contains_op(&op) {
                continue;
            }
            if !QUANTIZABLE.contains(&name.as_str()) {
                let hint = if name == "graph.batchnorm" { "; fold it first with graph-fold-batchnorm" } else { "" };
                cx.error(&op, format!("'{name}' op has no integer form and cannot be quantised{hint}"));
                failed = true;
            }
        }
        if failed {
            return Err(autows_ir::pass::PassFailed);
        }
        // The reference lives as long as `context_ref`, to the end of this scope.
        let context_ref = function.context();
        let context = unsafe { context_ref.to_ref() };
        let mut function = unsafe { OperationRefMut::from_raw(function.to_raw()) };
        function.set_attribute(ATTRIBUTE, string_attr(context, &self.spec.to_string()));
        Ok(())
    }
}
