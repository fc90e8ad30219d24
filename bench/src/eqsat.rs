//! Equality saturation on the built-in models: time and e-graph size, against converting to and from the e-graph
//! without rewriting (the baseline, same run).

use autows_eqsat::{optimize, EqsatOptions};
use autows_network::{Network, Op};
use serde_json::{json, Value};
use std::time::Instant;

/// Nodes that become compute engines: operations on activations, not on weights alone.
fn compute_nodes(network: &Network) -> usize {
    let mut parameter = vec![false; network.values.len()];
    let mut count = 0;
    for node in &network.nodes {
        let is_parameter = matches!(node.op, Op::Weight { .. } | Op::Constant { .. })
            || (!node.inputs.is_empty() && node.inputs.iter().all(|input| parameter[input.0]));
        parameter[node.output.0] = is_parameter;
        let wire = matches!(node.op, Op::Identity | Op::Dropout { .. } | Op::Reshape | Op::Flatten { .. });
        if !is_parameter && !wire {
            count += 1;
        }
    }
    count
}

/// Saturates each model and reports the figures.
pub fn run(models: &[String]) -> Result<Value, String> {
    let mut rows = Vec::new();
    for model in models {
        let network = autows_zoo::build(model).map_err(|error| error.to_string())?;
        let baseline_options = EqsatOptions { iteration_limit: 0, ..EqsatOptions::default() };
        let started = Instant::now();
        optimize(&network, &baseline_options).map_err(|error| error.to_string())?;
        let baseline_s = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let outcome = optimize(&network, &EqsatOptions::default()).map_err(|error| error.to_string())?;
        let total_s = started.elapsed().as_secs_f64();
        rows.push(json!({
            "model": model,
            "stop_reason": outcome.stop_reason.to_string(),
            "iterations": outcome.iterations,
            "egraph_nodes": outcome.egraph_nodes,
            "egraph_classes": outcome.egraph_classes,
            "saturation_s": outcome.saturation_time.as_secs_f64(),
            "optimize_s": total_s,
            "convert_only_s": baseline_s,
            "optimize_over_convert_only": total_s / baseline_s,
            "compute_nodes_before": compute_nodes(&network),
            "compute_nodes_after": compute_nodes(&outcome.network),
            "rules_fired": outcome.rules_fired,
        }));
    }
    Ok(json!({
        "benchmark": "eqsat",
        "baseline": "the same conversion to and from the e-graph with no rewriting (iteration limit 0)",
        "runs": rows,
    }))
}
