//! Squeeze layers: fpgaConvNet re-packs streams wherever a producer emits a different number of parallel
//! streams than its consumer takes, and those re-packers cost LUTs (81 k of the reference design's 134 k).
//!
//! The search works on a squeeze-free pipeline of engines ([`strip_squeezes`]) and, to learn the true cost of a
//! parallelism assignment, builds the pipeline fpgaConvNet would build from it ([`materialise_squeezes`]): one
//! squeeze per mismatched edge, named `<producer>_squeeze_<consumer>` as fpgaConvNet names them, listed right
//! after its producer. Evaluating that pipeline with the cost model gives the exact cost, squeezes included. The
//! search's own estimates of squeeze costs ([`squeeze_layer`]) come from the same cost model, so they agree.

use autows_cost::{Layer, LayerKind, Pipeline, PipelineError, PortLimits, Squeeze};

/// The pipeline without its squeeze layers, producers reconnected to consumers.
pub fn strip_squeezes(pipeline: &Pipeline) -> Result<Pipeline, PipelineError> {
    let mut stripped = pipeline.clone();
    while let Some(index) = stripped.layers().iter().position(|layer| matches!(layer.kind, LayerKind::Squeeze(_))) {
        stripped.bypass_layer(index)?;
    }
    Ok(stripped)
}

/// The squeeze fpgaConvNet inserts between `producer` and a consumer port taking `streams_in` streams.
pub fn squeeze_layer(name: String, producer: &Layer, streams_out: u32, streams_in: u32) -> Layer {
    Layer {
        name,
        input: producer.output,
        output: producer.output,
        kind: LayerKind::Squeeze(Squeeze {
            coarse_in: streams_out,
            coarse_out: streams_in,
            data_width: producer.output_width(),
        }),
        port_limits: PortLimits::default(),
    }
}

/// The pipeline with a squeeze on every edge whose stream counts differ (the consumer's count on the port the
/// edge enters). Existing squeezes are removed first, so the result depends only on the engines' parallelism.
pub fn materialise_squeezes(pipeline: &Pipeline) -> Result<Pipeline, PipelineError> {
    let core = if pipeline.layers().iter().any(|layer| matches!(layer.kind, LayerKind::Squeeze(_))) {
        strip_squeezes(pipeline)?
    } else {
        pipeline.clone()
    };
    let layers = core.layers();
    let mismatches: Vec<(usize, usize, usize)> = core
        .port_edges()
        .filter(|&(producer, consumer, port)| layers[producer].streams_out() != layers[consumer].streams_in_port(port))
        .collect();
    if mismatches.is_empty() {
        return Ok(core);
    }
    let taken = |name: &str| core.index_of(name).is_some();
    // New position of every engine, with each producer's squeezes right behind it.
    let mut order: Vec<Layer> = Vec::with_capacity(layers.len() + mismatches.len());
    let mut position = vec![0; layers.len()];
    let mut squeeze_at = std::collections::HashMap::new();
    for (index, layer) in layers.iter().enumerate() {
        position[index] = order.len();
        order.push(layer.clone());
        for &(producer, consumer, port) in mismatches.iter().filter(|(producer, _, _)| *producer == index) {
            let base = format!("{}_squeeze_{}", layer.name, layers[consumer].name);
            let mut name = base.clone();
            let mut suffix = 1;
            while taken(&name) || order.iter().any(|existing| existing.name == name) {
                name = format!("{base}_{suffix}");
                suffix += 1;
            }
            squeeze_at.insert((producer, consumer, port), order.len());
            let streams_in = layers[consumer].streams_in_port(port);
            order.push(squeeze_layer(name, layer, layer.streams_out(), streams_in));
        }
    }
    let mut edges = Vec::with_capacity(core.edges().len() + mismatches.len());
    for (producer, consumer, port) in core.port_edges() {
        match squeeze_at.get(&(producer, consumer, port)) {
            Some(&squeeze) => {
                edges.push((position[producer], squeeze));
                edges.push((squeeze, position[consumer]));
            }
            None => edges.push((position[producer], position[consumer])),
        }
    }
    Pipeline::new(order, &edges, core.batch_size())
}
