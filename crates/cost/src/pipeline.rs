//! A pipeline: the layers of one partition and the streams between them.
//!
//! The structure is checked once on construction (names, shapes along every edge, ports, no cycles), so that
//! evaluation never meets an inconsistent graph. Parameters that do not change the structure (parallelism,
//! streaming) can be changed through [`Pipeline::replace_layer`].

use std::collections::HashMap;

use crate::error::PipelineError;
use crate::layer::Layer;
use crate::layer_check::check_layer;

/// The layers of one partition, connected into a DAG, and the batch it processes per run.
#[derive(Clone, Debug, PartialEq)]
pub struct Pipeline {
    layers: Vec<Layer>,
    producers: Vec<Vec<usize>>,
    consumers: Vec<Vec<usize>>,
    topological_order: Vec<usize>,
    index_by_name: HashMap<String, usize>,
    batch_size: u32,
}

impl Pipeline {
    /// Builds a pipeline from its layers and its edges `(producer, consumer)` as layer indices.
    ///
    /// The order of a consumer's edges is the order of its input ports.
    pub fn new(layers: Vec<Layer>, edges: &[(usize, usize)], batch_size: u32) -> Result<Self, PipelineError> {
        if layers.is_empty() {
            return Err(PipelineError::Empty);
        }
        if batch_size == 0 {
            return Err(PipelineError::ZeroBatch);
        }
        let mut index_by_name = HashMap::with_capacity(layers.len());
        for (index, layer) in layers.iter().enumerate() {
            check_layer(layer)?;
            if index_by_name.insert(layer.name.clone(), index).is_some() {
                return Err(PipelineError::DuplicateName(layer.name.clone()));
            }
        }
        let count = layers.len();
        let mut producers = vec![Vec::new(); count];
        let mut consumers = vec![Vec::new(); count];
        for &(from, to) in edges {
            if from >= count || to >= count {
                return Err(PipelineError::EdgeOutOfRange { from, to, count });
            }
            producers[to].push(from);
            consumers[from].push(to);
        }
        let pipeline = Self {
            topological_order: topological_order(&layers, &consumers, &producers)?,
            layers,
            producers,
            consumers,
            index_by_name,
            batch_size,
        };
        pipeline.check_edges()?;
        Ok(pipeline)
    }

    fn check_edges(&self) -> Result<(), PipelineError> {
        for (index, layer) in self.layers.iter().enumerate() {
            let producers = &self.producers[index];
            for (port, &producer) in producers.iter().enumerate() {
                let expected = layer.input_of_port(port);
                let produced = self.layers[producer].output;
                if produced != expected {
                    return Err(PipelineError::ShapeMismatch {
                        producer: self.layers[producer].name.clone(),
                        produced,
                        consumer: layer.name.clone(),
                        expected,
                    });
                }
            }
            if !producers.is_empty() && producers.len() != layer.ports_in() as usize {
                return Err(PipelineError::PortMismatch {
                    layer: layer.name.clone(),
                    found: producers.len(),
                    side: "producers",
                    ports: layer.ports_in(),
                    side_ports: "input",
                    hint: "",
                });
            }
            let consumers = &self.consumers[index];
            if !consumers.is_empty() && consumers.len() != layer.ports_out() as usize {
                return Err(PipelineError::PortMismatch {
                    layer: layer.name.clone(),
                    found: consumers.len(),
                    side: "consumers",
                    ports: layer.ports_out(),
                    side_ports: "output",
                    hint: " (a split layer must fork a stream that feeds several layers)",
                });
            }
        }
        Ok(())
    }

    /// The layers, in the order they were given.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The layer at `index`.
    pub fn layer(&self, index: usize) -> Option<&Layer> {
        self.layers.get(index)
    }

    /// The index of the layer called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.index_by_name.get(name).copied()
    }

    /// The layers feeding `index`, in input-port order.
    pub fn producers(&self, index: usize) -> &[usize] {
        self.producers.get(index).map_or(&[], Vec::as_slice)
    }

    /// The layers fed by `index`, in output-port order.
    pub fn consumers(&self, index: usize) -> &[usize] {
        self.consumers.get(index).map_or(&[], Vec::as_slice)
    }

    /// All edges `(producer, consumer)`, grouped by consumer in input-port order.
    pub fn edges(&self) -> Vec<(usize, usize)> {
        self.producers
            .iter()
            .enumerate()
            .flat_map(|(consumer, producers)| producers.iter().map(move |&producer| (producer, consumer)))
            .collect()
    }

    /// The layers in an order where every producer comes before its consumers.
    pub fn topological_order(&self) -> &[usize] {
        &self.topological_order
    }

    /// The layers fed from off-chip memory (no producer).
    pub fn inputs(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.layers.len()).filter(|&index| self.producers[index].is_empty())
    }

    /// The layers writing to off-chip memory (no consumer).
    pub fn outputs(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.layers.len()).filter(|&index| self.consumers[index].is_empty())
    }

    /// The edges whose producer emits a different number of parallel streams than the consumer takes. A
    /// consistent design has none: fpgaConvNet inserts a squeeze layer on each such edge, so a search that
    /// changes parallelism uses this to find where squeezes must be added or adjusted.
    pub fn stream_mismatches(&self) -> Vec<(usize, usize)> {
        self.port_edges()
            .filter(|&(producer, consumer, port)| {
                self.layers[producer].streams_out() != self.layers[consumer].streams_in_port(port)
            })
            .map(|(producer, consumer, _)| (producer, consumer))
            .collect()
    }

    /// All edges `(producer, consumer, input port of the consumer)`, in the order of [`Pipeline::edges`].
    pub fn port_edges(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        self.producers.iter().enumerate().flat_map(|(consumer, producers)| {
            producers.iter().enumerate().map(move |(port, &producer)| (producer, consumer, port))
        })
    }

    /// Frames processed per run of the pipeline.
    pub fn batch_size(&self) -> u32 {
        self.batch_size
    }

    /// Changes the batch size.
    pub fn set_batch_size(&mut self, batch_size: u32) -> Result<(), PipelineError> {
        if batch_size == 0 {
            return Err(PipelineError::ZeroBatch);
        }
        self.batch_size = batch_size;
        Ok(())
    }

    /// Replaces the layer at `index` by one with the same name, shapes and ports (new parallelism or streaming,
    /// say), returning the old one. The new layer is checked before anything changes.
    pub fn replace_layer(&mut self, index: usize, layer: Layer) -> Result<Layer, PipelineError> {
        let count = self.layers.len();
        let old = self.layers.get(index).ok_or(PipelineError::NoSuchLayer { index, count })?;
        check_layer(&layer)?;
        let changed = |detail: String| PipelineError::ShapeChanged { layer: old.name.clone(), detail };
        if layer.name != old.name {
            return Err(changed(format!("the name would become `{}`", layer.name)));
        }
        if layer.input != old.input || layer.output != old.output {
            return Err(changed(format!(
                "{} -> {} would become {} -> {}",
                old.input, old.output, layer.input, layer.output
            )));
        }
        if layer.ports_in() != old.ports_in() || layer.ports_out() != old.ports_out() {
            return Err(changed("the number of ports would change".to_owned()));
        }
        if let Some(port) =
            (0..old.ports_in() as usize).find(|&port| layer.input_of_port(port) != old.input_of_port(port))
        {
            return Err(changed(format!(
                "input port {port} would take {} instead of {}",
                layer.input_of_port(port),
                old.input_of_port(port)
            )));
        }
        Ok(std::mem::replace(&mut self.layers[index], layer))
    }

    /// Removes a pass-through layer (one producer, one consumer, same shape in and out) and connects its producer
    /// directly to its consumer, as happens to a squeeze whose stream counts become equal.
    pub fn bypass_layer(&mut self, index: usize) -> Result<Layer, PipelineError> {
        let count = self.layers.len();
        let layer = self.layers.get(index).ok_or(PipelineError::NoSuchLayer { index, count })?;
        let (producers, consumers) = (&self.producers[index], &self.consumers[index]);
        if producers.len() != 1 || consumers.len() != 1 || layer.input != layer.output {
            return Err(PipelineError::NotBypassable(layer.name.clone()));
        }
        let (producer, consumer) = (producers[0], consumers[0]);
        let renumber = |old: usize| if old > index { old - 1 } else { old };
        let mut edges = Vec::with_capacity(count);
        for (to, producers) in self.producers.iter().enumerate() {
            for &from in producers {
                if to == index {
                    continue;
                }
                let from = if from == index { producer } else { from };
                edges.push((renumber(from), renumber(to)));
            }
        }
        debug_assert!(edges.contains(&(renumber(producer), renumber(consumer))));
        let mut layers = self.layers.clone();
        let removed = layers.remove(index);
        *self = Self::new(layers, &edges, self.batch_size)?;
        Ok(removed)
    }
}

/// Kahn's algorithm, preferring the given layer order among ready layers so the result is stable.
fn topological_order(
    layers: &[Layer],
    consumers: &[Vec<usize>],
    producers: &[Vec<usize>],
) -> Result<Vec<usize>, PipelineError> {
    let mut waiting: Vec<usize> = producers.iter().map(Vec::len).collect();
    let mut ready: std::collections::BTreeSet<usize> = (0..layers.len()).filter(|&index| waiting[index] == 0).collect();
    let mut order = Vec::with_capacity(layers.len());
    while let Some(next) = ready.pop_first() {
        order.push(next);
        for &consumer in &consumers[next] {
            waiting[consumer] -= 1;
            if waiting[consumer] == 0 {
                ready.insert(consumer);
            }
        }
    }
    if order.len() != layers.len() {
        let stuck = (0..layers.len()).find(|&index| waiting[index] > 0).unwrap_or(0);
        return Err(PipelineError::Cycle(layers[stuck].name.clone()));
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::{
        Activation, ActivationFunction, EltWise, EltWiseOp, FeatureMap, LayerKind, PortLimits, Split, Squeeze,
    };

    const MAP: FeatureMap = FeatureMap::new(8, 8, 16);

    fn layer(name: &str, kind: LayerKind) -> Layer {
        Layer { name: name.to_owned(), input: MAP, output: MAP, kind, port_limits: PortLimits::default() }
    }

    fn relu(name: &str) -> Layer {
        layer(name, LayerKind::Activation(Activation { function: ActivationFunction::Relu, coarse: 1, data_width: 8 }))
    }

    fn split(name: &str) -> Layer {
        layer(name, LayerKind::Split(Split { ports_out: 2, coarse: 1, data_width: 8 }))
    }

    fn add(name: &str) -> Layer {
        layer(
            name,
            LayerKind::EltWise(EltWise {
                op: EltWiseOp::Add,
                ports_in: 2,
                coarse: 1,
                data_width: 8,
                skip_buffer_depths: Vec::new(),
            }),
        )
    }

    /// relu -> split -> (relu, skip) -> add
    fn residual() -> Pipeline {
        let layers = vec![relu("a"), split("fork"), relu("b"), add("join")];
        Pipeline::new(layers, &[(0, 1), (1, 2), (2, 3), (1, 3)], 1).expect("valid")
    }

    #[test]
    fn a_residual_block_is_accepted() {
        let pipeline = residual();
        assert_eq!(pipeline.topological_order(), [0, 1, 2, 3]);
        assert_eq!(pipeline.inputs().collect::<Vec<_>>(), [0]);
        assert_eq!(pipeline.outputs().collect::<Vec<_>>(), [3]);
        assert_eq!(pipeline.producers(3), [2, 1]);
    }

    #[test]
    fn stream_counts_are_compared_along_edges() {
        let mut pipeline = residual();
        assert!(pipeline.stream_mismatches().is_empty());
        let mut wider = relu("b");
        if let LayerKind::Activation(activation) = &mut wider.kind {
            activation.coarse = 2;
        }
        pipeline.replace_layer(2, wider).expect("same shape");
        assert_eq!(pipeline.stream_mismatches(), [(1, 2), (2, 3)]);
    }

    #[test]
    fn cycles_are_refused() {
        let layers = vec![relu("a"), relu("b")];
        let error = Pipeline::new(layers, &[(0, 1), (1, 0)], 1).expect_err("cycle");
        assert!(matches!(error, PipelineError::Cycle(_)));
    }

    #[test]
    fn duplicate_names_are_refused() {
        let error = Pipeline::new(vec![relu("a"), relu("a")], &[(0, 1)], 1).expect_err("duplicate");
        assert_eq!(error, PipelineError::DuplicateName("a".to_owned()));
    }

    #[test]
    fn shape_mismatches_name_both_layers() {
        let mut wide = relu("wide");
        wide.input = FeatureMap::new(8, 8, 32);
        wide.output = wide.input;
        let error = Pipeline::new(vec![relu("a"), wide], &[(0, 1)], 1).expect_err("mismatch");
        assert_eq!(error.to_string(), "`a` produces 8x8x16 but `wide` expects 8x8x32");
    }

    #[test]
    fn a_fork_without_a_split_is_refused() {
        let layers = vec![relu("a"), relu("b"), relu("c")];
        let error = Pipeline::new(layers, &[(0, 1), (0, 2)], 1).expect_err("needs a split");
        assert!(error.to_string().contains("split"), "{error}");
    }

    #[test]
    fn edges_out_of_range_and_empty_pipelines_are_refused() {
        assert!(matches!(Pipeline::new(vec![relu("a")], &[(0, 3)], 1), Err(PipelineError::EdgeOutOfRange { .. })));
        assert_eq!(Pipeline::new(Vec::new(), &[], 1), Err(PipelineError::Empty));
        assert_eq!(Pipeline::new(vec![relu("a")], &[], 0), Err(PipelineError::ZeroBatch));
    }

    #[test]
    fn replacing_a_layer_keeps_its_shape() {
        let mut pipeline = residual();
        let mut wider = relu("b");
        if let LayerKind::Activation(activation) = &mut wider.kind {
            activation.coarse = 4;
        }
        pipeline.replace_layer(2, wider).expect("same shape");
        assert_eq!(pipeline.layer(2).map(Layer::streams_in), Some(4));
        let mut reshaped = relu("b");
        reshaped.input = FeatureMap::new(4, 4, 16);
        reshaped.output = reshaped.input;
        assert!(matches!(pipeline.replace_layer(2, reshaped), Err(PipelineError::ShapeChanged { .. })));
    }

    #[test]
    fn bypassing_a_squeeze_reconnects_its_neighbours() {
        let squeeze = layer("squeeze", LayerKind::Squeeze(Squeeze { coarse_in: 1, coarse_out: 1, data_width: 8 }));
        let mut pipeline = Pipeline::new(vec![relu("a"), squeeze, relu("b")], &[(0, 1), (1, 2)], 1).expect("valid");
        let removed = pipeline.bypass_layer(1).expect("pass-through");
        assert_eq!(removed.name, "squeeze");
        assert_eq!(pipeline.edges(), [(0, 1)]);
        assert_eq!(pipeline.index_of("b"), Some(1));
        assert!(matches!(residual().bypass_layer(1), Err(PipelineError::NotBypassable(_))));
    }
}
