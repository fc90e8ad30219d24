//! The search space of one pipeline: every engine's feasible parallelisms with their costs, and the cost of
//! every squeeze a pair of neighbouring choices would need, all computed once with the cost model.

use std::collections::HashMap;

use autows_cost::{CostModel, Layer, LayerCost, Pipeline, Resources};
use autows_device::Device;

use crate::error::DseError;
use crate::parallelism::{candidates, Parallelism};
use crate::squeeze::{squeeze_layer, strip_squeezes};

/// One feasible parallelism of an engine and what it costs with all weights on chip.
#[derive(Clone, Debug)]
pub(crate) struct Choice {
    pub parallelism: Parallelism,
    pub interval: f64,
    pub depth: u64,
    pub resources: Resources,
    /// Streams entering each input port (a fused-residual convolution's port 1 takes its output streams).
    pub streams_in: Vec<u32>,
    pub streams_out: u32,
}

impl Choice {
    /// Streams entering input port `port`.
    pub fn streams_into(&self, port: usize) -> u32 {
        self.streams_in.get(port).or(self.streams_in.first()).copied().unwrap_or(1)
    }
}

/// What a squeeze between two stream counts costs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SqueezeCost {
    pub resources: Resources,
    pub interval: f64,
    pub depth: u64,
}

/// The engines of a squeeze-free pipeline and their options.
pub(crate) struct Problem {
    pub core: Pipeline,
    pub choices: Vec<Vec<Choice>>,
    pub edges: Vec<(usize, usize)>,
    /// Per edge: the consumer's input port it enters.
    pub ports: Vec<usize>,
    /// Edge indices touching each engine.
    pub incident: Vec<Vec<usize>>,
    /// Per edge: squeeze cost by (streams out of the producer, streams into the consumer).
    pub squeezes: Vec<HashMap<(u32, u32), SqueezeCost>>,
    /// Connected groups of engines without weights: they share one stream count when no squeeze sits between.
    pub components: Vec<Vec<usize>>,
    pub component_of: Vec<Option<usize>>,
    pub has_weights: Vec<bool>,
}

impl Problem {
    /// Costs every option of every engine of `pipeline` (squeezes removed) under `model`.
    pub fn new<M: CostModel>(model: &M, pipeline: &Pipeline, _device: &Device) -> Result<Self, DseError> {
        let core = strip_squeezes(pipeline)?;
        let layers = core.layers();
        let mut choices = Vec::with_capacity(layers.len());
        for layer in layers {
            let mut options = Vec::new();
            for parallelism in candidates(layer) {
                let mut trial = layer.clone();
                parallelism.apply(&mut trial);
                if let Some(streaming) = trial.kind.streaming_mut() {
                    *streaming = autows_cost::WeightStreaming::ON_CHIP;
                }
                // Skip the rare combination the model refuses instead of failing the search.
                let Ok(cost) = model.layer_cost(&trial) else { continue };
                let streams_in = (0..trial.ports_in() as usize).map(|port| trial.streams_in_port(port)).collect();
                options.push(choice(parallelism, &cost, streams_in, trial.streams_out()));
            }
            if options.is_empty() {
                return Err(DseError::InvalidInput(format!("layer `{}` has no valid parallelism", layer.name)));
            }
            choices.push(options);
        }
        let (edges, ports): (Vec<(usize, usize)>, Vec<usize>) =
            core.port_edges().map(|(producer, consumer, port)| ((producer, consumer), port)).unzip();
        let mut incident = vec![Vec::new(); layers.len()];
        for (edge, &(producer, consumer)) in edges.iter().enumerate() {
            incident[producer].push(edge);
            incident[consumer].push(edge);
        }
        let squeezes = squeeze_tables(model, layers, &edges, &ports, &choices);
        let has_weights: Vec<bool> = layers.iter().map(|layer| layer.kind.has_weights()).collect();
        let (components, component_of) = components(layers.len(), &edges, &has_weights);
        Ok(Self { core, choices, edges, ports, incident, squeezes, components, component_of, has_weights })
    }

    /// The core pipeline with the given option of every engine, weights all on chip, without squeezes.
    pub fn build(&self, selection: &[usize]) -> Result<Pipeline, DseError> {
        let mut pipeline = self.core.clone();
        for (index, &option) in selection.iter().enumerate() {
            let mut layer = self.core.layers()[index].clone();
            self.choices[index][option].parallelism.apply(&mut layer);
            if let Some(streaming) = layer.kind.streaming_mut() {
                *streaming = autows_cost::WeightStreaming::ON_CHIP;
            }
            pipeline.replace_layer(index, layer)?;
        }
        Ok(pipeline)
    }

    /// Streams the consumer of `edge` takes on that edge's port under its option `option`.
    pub fn streams_into(&self, edge: usize, option: usize) -> u32 {
        let (_, consumer) = self.edges[edge];
        self.choices[consumer][option].streams_into(self.ports[edge])
    }

    /// The upstream components of `engine`, each with the input port it feeds (the first, if several).
    pub fn upstream_components(&self, engine: usize) -> Vec<(usize, usize)> {
        let mut found: Vec<(usize, usize)> = Vec::new();
        for (port, &producer) in self.core.producers(engine).iter().enumerate() {
            if let Some(component) = self.component_of[producer] {
                if !found.iter().any(|&(known, _)| known == component) {
                    found.push((component, port));
                }
            }
        }
        found
    }

    /// The index of the option with parallelism `parallelism` for `engine`.
    pub fn option_of(&self, engine: usize, parallelism: Parallelism) -> Option<usize> {
        self.choices[engine].iter().position(|choice| choice.parallelism == parallelism)
    }
}

fn choice(parallelism: Parallelism, cost: &LayerCost, streams_in: Vec<u32>, streams_out: u32) -> Choice {
    Choice {
        parallelism,
        interval: cost.interval,
        depth: cost.pipeline_depth,
        resources: cost.resources,
        streams_in,
        streams_out,
    }
}

fn squeeze_tables<M: CostModel>(
    model: &M,
    layers: &[Layer],
    edges: &[(usize, usize)],
    ports: &[usize],
    choices: &[Vec<Choice>],
) -> Vec<HashMap<(u32, u32), SqueezeCost>> {
    let mut shared: HashMap<(autows_cost::FeatureMap, u32, u32, u32), Option<SqueezeCost>> = HashMap::new();
    edges
        .iter()
        .zip(ports)
        .map(|(&(producer, consumer), &port)| {
            let mut outs: Vec<u32> = choices[producer].iter().map(|choice| choice.streams_out).collect();
            let mut ins: Vec<u32> = choices[consumer].iter().map(|choice| choice.streams_into(port)).collect();
            outs.sort_unstable();
            outs.dedup();
            ins.sort_unstable();
            ins.dedup();
            let source = &layers[producer];
            let mut table = HashMap::new();
            for &out in &outs {
                for &into in &ins {
                    if out == into {
                        continue;
                    }
                    let key = (source.output, source.output_width(), out, into);
                    let cost = *shared.entry(key).or_insert_with(|| {
                        let layer = squeeze_layer("squeeze".to_owned(), source, out, into);
                        model.layer_cost(&layer).ok().map(|cost| SqueezeCost {
                            resources: cost.resources,
                            interval: cost.interval,
                            depth: cost.pipeline_depth,
                        })
                    });
                    if let Some(cost) = cost {
                        table.insert((out, into), cost);
                    }
                }
            }
            table
        })
        .collect()
}

fn components(count: usize, edges: &[(usize, usize)], has_weights: &[bool]) -> (Vec<Vec<usize>>, Vec<Option<usize>>) {
    let mut parent: Vec<usize> = (0..count).collect();
    fn find(parent: &mut [usize], mut node: usize) -> usize {
        while parent[node] != node {
            parent[node] = parent[parent[node]];
            node = parent[node];
        }
        node
    }
    for &(producer, consumer) in edges {
        if !has_weights[producer] && !has_weights[consumer] {
            let (a, b) = (find(&mut parent, producer), find(&mut parent, consumer));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut component_of = vec![None; count];
    let mut components: Vec<Vec<usize>> = Vec::new();
    let mut by_root = HashMap::new();
    for node in 0..count {
        if has_weights[node] {
            continue;
        }
        let root = find(&mut parent, node);
        let id = *by_root.entry(root).or_insert_with(|| {
            components.push(Vec::new());
            components.len() - 1
        });
        components[id].push(node);
        component_of[node] = Some(id);
    }
    (components, component_of)
}

#[cfg(test)]
mod tests {
    use autows_cost::{
        ArithmeticWidths, ConvParallelism, Convolution, FeatureMap, FpgaConvNetModel, LayerKind, PortLimits, Split,
        WeightStreaming, Window,
    };

    use super::*;

    const MAP: FeatureMap = FeatureMap::new(8, 8, 16);

    fn layer(name: &str, kind: LayerKind) -> Layer {
        let mut layer =
            Layer { name: name.to_owned(), input: MAP, output: MAP, kind, port_limits: PortLimits::default() };
        layer.port_limits = PortLimits::for_ports(layer.ports_in(), layer.ports_out());
        layer
    }

    fn conv(name: &str, fused_residual: bool) -> Layer {
        layer(
            name,
            LayerKind::Convolution(Convolution {
                window: Window::square(3, 1, 1),
                filters: 16,
                groups: 1,
                parallelism: ConvParallelism::SEQUENTIAL,
                widths: ArithmeticWidths { input: 8, output: 8, weight: 8, accumulator: 24 },
                has_bias: false,
                block_floating_point: false,
                streaming: WeightStreaming::ON_CHIP,
                fused_activation: None,
                fused_residual,
                fused_pool: None,
            }),
        )
    }

    #[test]
    fn the_residual_port_is_priced_with_the_output_streams() {
        let split = layer("fork", LayerKind::Split(Split { ports_out: 2, coarse: 1, data_width: 8 }));
        let layers = vec![split, conv("conv_b", false), conv("conv_c", true)];
        let pipeline = Pipeline::new(layers, &[(0, 1), (1, 2), (0, 2)], 1).expect("valid");
        let device = Device::builtin("zcu102").expect("built-in device");
        let problem = Problem::new(&FpgaConvNetModel::fpgaconvnet(), &pipeline, &device).expect("valid");
        assert_eq!(problem.ports, [0, 0, 1]);
        let residual = problem.edges.iter().position(|&edge| edge == (0, 2)).expect("the skip edge");
        let main = problem.edges.iter().position(|&edge| edge == (1, 2)).expect("the main edge");
        let mut differ = false;
        for (option, choice) in problem.choices[2].iter().enumerate() {
            let Parallelism::Convolution { coarse_in, coarse_out, .. } = choice.parallelism else { panic!() };
            assert_eq!(problem.streams_into(residual, option), coarse_out);
            assert_eq!(problem.streams_into(main, option), coarse_in);
            differ |= coarse_in != coarse_out;
        }
        assert!(differ);
        // The split is upstream of conv_c through its residual port, so it follows conv_c's port-1 streams.
        assert_eq!(problem.upstream_components(2), [(problem.component_of[0].expect("weightless"), 1)]);
    }
}
