//! Saturation time and e-graph size on the large zoo models: `cargo run --release -p autows-eqsat --example
//! saturation [model...]` (ResNet-50 and MobileNetV2 by default).

use autows_eqsat::{optimize, EqsatOptions};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut models: Vec<String> = std::env::args().skip(1).collect();
    if models.is_empty() {
        models = vec!["resnet50".into(), "mobilenetv2".into()];
    }
    for model in &models {
        let network = autows_zoo::build(model)?;
        let start = Instant::now();
        let outcome = optimize(&network, &EqsatOptions::default())?;
        let total = start.elapsed();
        println!(
            "{model}: {} nodes -> {} nodes; saturation {:.3} s ({} iterations, {}), {} e-nodes in {} e-classes; \
             whole optimisation {:.3} s",
            network.nodes.len(),
            outcome.network.nodes.len(),
            outcome.saturation_time.as_secs_f64(),
            outcome.iterations,
            outcome.stop_reason,
            outcome.egraph_nodes,
            outcome.egraph_classes,
            total.as_secs_f64()
        );
        print!("{}", outcome.summary());
    }
    Ok(())
}
