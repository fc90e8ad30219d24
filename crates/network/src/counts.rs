//! How big a network is: multiply-accumulates per inference and trained parameters.

use crate::{network::Network, op::Op};

/// Multiply-accumulate operations of one inference: convolutions, matrix products.
pub fn macs(network: &Network) -> u64 {
    network
        .nodes
        .iter()
        .map(|node| {
            let output = &network.ty(node.output).shape;
            let outputs: u64 = output.iter().map(|&d| d.max(0) as u64).product();
            match &node.op {
                Op::Conv2d { .. } => {
                    let weight = &network.ty(node.inputs[1]).shape;
                    let per_output = weight[1] * weight[2] * weight[3];
                    outputs * per_output.max(0) as u64
                }
                Op::Gemm { trans_a, .. } => {
                    let a = &network.ty(node.inputs[0]).shape;
                    let inner = if *trans_a { a[0] } else { a[1] };
                    outputs * inner.max(0) as u64
                }
                Op::MatMul => {
                    let a = &network.ty(node.inputs[0]).shape;
                    outputs * a[a.len() - 1].max(0) as u64
                }
                _ => 0,
            }
        })
        .sum()
}

/// Trained parameters: the elements of every weight and bias operand of the convolutions and matrix
/// products (batch normalisations count once folded: run the folding first).
pub fn parameters(network: &Network) -> u64 {
    network
        .nodes
        .iter()
        .filter(|node| matches!(node.op, Op::Conv2d { .. } | Op::Gemm { .. }))
        .flat_map(|node| node.inputs[1..].iter())
        .map(|&id| network.ty(id).element_count() as u64)
        .sum()
}
