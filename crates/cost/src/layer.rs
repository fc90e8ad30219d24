//! Plain-data description of the layers of a pipeline: shapes, bit widths, parallelism and weight streaming.
//!
//! These types say *what* a compute engine is; the cost model says what it costs. They mirror the layer kinds of
//! fpgaConvNet's chisel backend as AutoWS uses them (AUTOWS.md §2.1–2.2) so that a design read from a
//! fpgaConvNet `config.json` loses nothing the model needs.

/// The size of a feature map (one frame, batch excluded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FeatureMap {
    /// Rows (height).
    pub rows: u32,
    /// Columns (width).
    pub cols: u32,
    /// Channels.
    pub channels: u32,
}

impl FeatureMap {
    /// A feature map of `rows` × `cols` × `channels`.
    pub const fn new(rows: u32, cols: u32, channels: u32) -> Self {
        Self { rows, cols, channels }
    }

    /// Words in one frame: the workload of a port carrying this map.
    pub fn words(&self) -> u64 {
        u64::from(self.rows) * u64::from(self.cols) * u64::from(self.channels)
    }

    /// Words in one channel plane.
    pub fn pixels(&self) -> u64 {
        u64::from(self.rows) * u64::from(self.cols)
    }
}

impl std::fmt::Display for FeatureMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}x{}x{}", self.rows, self.cols, self.channels)
    }
}

/// Kernel, stride and zero padding of a sliding-window layer (convolution or pooling).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Window {
    /// Kernel rows (k_r).
    pub kernel_rows: u32,
    /// Kernel columns (k_c).
    pub kernel_cols: u32,
    /// Row stride.
    pub stride_rows: u32,
    /// Column stride.
    pub stride_cols: u32,
    /// Zero rows added above the frame.
    pub pad_top: u32,
    /// Zero rows added below the frame.
    pub pad_bottom: u32,
    /// Zero columns added left of the frame.
    pub pad_left: u32,
    /// Zero columns added right of the frame.
    pub pad_right: u32,
}

impl Window {
    /// A square `kernel` × `kernel` window with equal stride and padding on both axes.
    pub const fn square(kernel: u32, stride: u32, pad: u32) -> Self {
        Self {
            kernel_rows: kernel,
            kernel_cols: kernel,
            stride_rows: stride,
            stride_cols: stride,
            pad_top: pad,
            pad_bottom: pad,
            pad_left: pad,
            pad_right: pad,
        }
    }

    /// Kernel elements (k_r·k_c): the upper bound of `fine`.
    pub fn kernel_size(&self) -> u32 {
        self.kernel_rows * self.kernel_cols
    }

    /// Whether the window is a single pixel, in which case no line buffer is built.
    pub fn is_pointwise(&self) -> bool {
        self.kernel_rows == 1 && self.kernel_cols == 1
    }

    /// Rows of the input once padded.
    pub fn padded_rows(&self, rows: u32) -> u32 {
        rows + self.pad_top + self.pad_bottom
    }

    /// Columns of the input once padded.
    pub fn padded_cols(&self, cols: u32) -> u32 {
        cols + self.pad_left + self.pad_right
    }

    /// Output rows and columns for an input of `rows` × `cols` (floor mode), or `None` if the kernel does not
    /// fit the padded input or a stride is zero.
    pub fn output_size(&self, rows: u32, cols: u32) -> Option<(u32, u32)> {
        let along = |size: u32, kernel: u32, stride: u32| {
            size.checked_sub(kernel).filter(|_| stride > 0).map(|room| room / stride + 1)
        };
        Some((
            along(self.padded_rows(rows), self.kernel_rows, self.stride_rows)?,
            along(self.padded_cols(cols), self.kernel_cols, self.stride_cols)?,
        ))
    }
}

/// Bit widths of a layer that multiplies by weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ArithmeticWidths {
    /// Input activations (w_d).
    pub input: u32,
    /// Output activations.
    pub output: u32,
    /// Weights (w_w).
    pub weight: u32,
    /// Accumulator (w_a).
    pub accumulator: u32,
}

/// Parallelism of a convolution engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConvParallelism {
    /// Input-channel streams (c_in): divides the channels of one group.
    pub coarse_in: u32,
    /// Filter streams (c_out): divides the filters of one group.
    pub coarse_out: u32,
    /// Group streams (c_g): divides the number of groups.
    pub coarse_group: u32,
    /// Kernel-window multiplications per cycle and stream: divides k_r·k_c.
    pub fine: u32,
}

impl ConvParallelism {
    /// The minimum-area design point: everything sequential.
    pub const SEQUENTIAL: Self = Self { coarse_in: 1, coarse_out: 1, coarse_group: 1, fine: 1 };

    /// Multiply-accumulates per cycle.
    pub fn macs_per_cycle(&self) -> u32 {
        self.coarse_in * self.coarse_out * self.coarse_group * self.fine
    }
}

/// Parallelism of an inner-product (fully connected) engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InnerProductParallelism {
    /// Input streams (c_in): divides the flattened input size.
    pub coarse_in: u32,
    /// Output streams (c_out): divides the outputs.
    pub coarse_out: u32,
}

/// Where a weight-carrying engine keeps its weights and how much of them AutoWS streams from DRAM.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct WeightStreaming {
    /// RAM blocks (BRAM18, or URAM if `use_uram`) of the weight memory evicted to DRAM. A block count, not a
    /// depth; AutoWS always evicts whole rows of tiles, so it is a multiple of the memory's stream unit.
    pub stream_weights: u32,
    /// Keep the weights in URAM instead of BRAM.
    pub use_uram: bool,
}

impl WeightStreaming {
    /// All weights on chip in BRAM: vanilla fpgaConvNet.
    pub const ON_CHIP: Self = Self { stream_weights: 0, use_uram: false };
}

/// A convolution engine (grouped and depth-wise included).
#[derive(Clone, Debug, PartialEq)]
pub struct Convolution {
    /// Kernel, stride and padding.
    pub window: Window,
    /// Output channels (F).
    pub filters: u32,
    /// Channel groups (g); 1 for a dense convolution.
    pub groups: u32,
    /// Parallelism.
    pub parallelism: ConvParallelism,
    /// Bit widths.
    pub widths: ArithmeticWidths,
    /// Whether a bias is added (a bias table and adder are built).
    pub has_bias: bool,
    /// Block floating point: a per-output-channel shift/scale stage, one DSP per output stream.
    pub block_floating_point: bool,
    /// Weight placement and streaming.
    pub streaming: WeightStreaming,
    /// A point-wise activation applied inside the engine (layer fusion, not in fpgaConvNet): one activation
    /// module per output stream, no extra latency, and no engine or squeeze of its own.
    pub fused_activation: Option<ActivationFunction>,
    /// A second input port (port 1) carrying a stream shaped like the convolution's result before any fused
    /// pooling, added after the bias and before the activation: one element-wise add module per output stream;
    /// the port takes coarse_out·coarse_group streams.
    pub fused_residual: bool,
    /// Pooling applied inside the engine; `Layer::output` is then the pooled map.
    pub fused_pool: Option<FusedPool>,
}

/// A pooling stage inside a convolution engine, applied to its (activated) result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FusedPool {
    /// Reduction.
    pub op: PoolOp,
    /// Kernel, stride and padding over the convolution's result.
    pub window: Window,
}

impl Convolution {
    /// The map the convolution itself produces for `input` (before fused pooling), or None if the window does
    /// not fit.
    pub fn convolved(&self, input: FeatureMap) -> Option<FeatureMap> {
        let (rows, cols) = self.window.output_size(input.rows, input.cols)?;
        Some(FeatureMap::new(rows, cols, self.filters))
    }

    /// Parallel streams leaving the convolution (and its fused stages): coarse_out·coarse_group.
    pub fn streams_out(&self) -> u32 {
        self.parallelism.coarse_out * self.parallelism.coarse_group
    }

    /// Depth (words) and width (bits) of the packed weight memory for an input of `input`: one word holds
    /// every weight consumed in one cycle, and the engine sweeps the addresses once per output pixel.
    pub fn weight_memory_size(&self, input: FeatureMap) -> (u64, u32) {
        let parallelism = &self.parallelism;
        let words_per_cycle = parallelism.macs_per_cycle();
        let weights = u64::from(self.filters / self.groups.max(1))
            * u64::from(input.channels)
            * u64::from(self.window.kernel_size());
        (weights.div_ceil(u64::from(words_per_cycle.max(1))), self.widths.weight * words_per_cycle)
    }
}

/// An inner-product (fully connected, Gemm) engine over the flattened input.
#[derive(Clone, Debug, PartialEq)]
pub struct InnerProduct {
    /// Outputs (F).
    pub filters: u32,
    /// Parallelism.
    pub parallelism: InnerProductParallelism,
    /// Bit widths.
    pub widths: ArithmeticWidths,
    /// Whether a bias is added.
    pub has_bias: bool,
    /// Block floating point shift/scale stage.
    pub block_floating_point: bool,
    /// Weight placement and streaming.
    pub streaming: WeightStreaming,
    /// A point-wise activation applied inside the engine (see [`Convolution::fused_activation`]).
    pub fused_activation: Option<ActivationFunction>,
}

impl InnerProduct {
    /// Depth (words) and width (bits) of the packed weight memory for an input of `input`; the engine sweeps
    /// the addresses once per frame.
    pub fn weight_memory_size(&self, input: FeatureMap) -> (u64, u32) {
        let words_per_cycle = self.parallelism.coarse_in * self.parallelism.coarse_out;
        let weights = u64::from(self.filters) * input.words();
        (weights.div_ceil(u64::from(words_per_cycle.max(1))), self.widths.weight * words_per_cycle)
    }
}

/// The reduction of a pooling window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PoolOp {
    /// Maximum.
    Max,
    /// Average.
    Average,
}

/// A pooling engine with a kernel window.
#[derive(Clone, Debug, PartialEq)]
pub struct Pooling {
    /// Kernel, stride and padding.
    pub window: Window,
    /// Reduction.
    pub op: PoolOp,
    /// Parallel channel streams.
    pub coarse: u32,
    /// Data width in bits.
    pub data_width: u32,
}

/// The element-wise function of an activation layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActivationFunction {
    /// max(x, 0); the only activation with a fitted resource model.
    Relu,
}

/// An element-wise activation engine.
#[derive(Clone, Debug, PartialEq)]
pub struct Activation {
    /// The function applied.
    pub function: ActivationFunction,
    /// Parallel channel streams.
    pub coarse: u32,
    /// Data width in bits.
    pub data_width: u32,
}

/// The element-wise operation joining the inputs of an element-wise layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EltWiseOp {
    /// Addition (residual connections).
    Add,
    /// Multiplication (attention-style gating); costs one DSP per stream.
    Multiply,
}

/// An element-wise engine joining two or more equally shaped streams.
#[derive(Clone, Debug, PartialEq)]
pub struct EltWise {
    /// The operation.
    pub op: EltWiseOp,
    /// Number of input ports.
    pub ports_in: u32,
    /// Parallel channel streams per port.
    pub coarse: u32,
    /// Data width in bits.
    pub data_width: u32,
    /// FIFO depth (words) in front of each input port, sized to absorb the skew between the branches. Empty
    /// when unknown.
    pub skip_buffer_depths: Vec<u32>,
}

/// A global pooling engine (global average pooling to 1×1).
#[derive(Clone, Debug, PartialEq)]
pub struct GlobalPooling {
    /// Parallel channel streams.
    pub coarse: u32,
    /// Data width in bits.
    pub data_width: u32,
    /// Accumulator width in bits.
    pub accumulator_width: u32,
}

/// A fork that copies one stream to several consumers.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    /// Number of output ports (consumers).
    pub ports_out: u32,
    /// Parallel channel streams per port.
    pub coarse: u32,
    /// Data width in bits.
    pub data_width: u32,
}

/// A re-packer between a producer and a consumer whose stream counts differ.
#[derive(Clone, Debug, PartialEq)]
pub struct Squeeze {
    /// Streams in (c_a).
    pub coarse_in: u32,
    /// Streams out (c_b).
    pub coarse_out: u32,
    /// Data width in bits.
    pub data_width: u32,
}

/// A channel concatenation of several streams with equal rows and columns.
#[derive(Clone, Debug, PartialEq)]
pub struct Concat {
    /// Channels arriving on each input port, in port order.
    pub channels_in: Vec<u32>,
    /// Parallel channel streams per port.
    pub coarse: u32,
    /// Data width in bits.
    pub data_width: u32,
}

/// What a layer computes, with the parameters specific to its kind.
#[derive(Clone, Debug, PartialEq)]
pub enum LayerKind {
    /// Convolution.
    Convolution(Convolution),
    /// Inner product (fully connected).
    InnerProduct(InnerProduct),
    /// Windowed pooling.
    Pooling(Pooling),
    /// Element-wise activation.
    Activation(Activation),
    /// Element-wise join of several streams.
    EltWise(EltWise),
    /// Global pooling.
    GlobalPooling(GlobalPooling),
    /// Fork.
    Split(Split),
    /// Stream re-packing.
    Squeeze(Squeeze),
    /// Channel concatenation.
    Concat(Concat),
}

impl LayerKind {
    /// A short name of the kind, as fpgaConvNet spells it in reports.
    pub fn type_name(&self) -> &'static str {
        match self {
            LayerKind::Convolution(_) => "Convolution",
            LayerKind::InnerProduct(_) => "InnerProduct",
            LayerKind::Pooling(_) => "Pooling",
            LayerKind::Activation(Activation { function: ActivationFunction::Relu, .. }) => "ReLU",
            LayerKind::EltWise(_) => "EltWise",
            LayerKind::GlobalPooling(_) => "GlobalPooling",
            LayerKind::Split(_) => "Split",
            LayerKind::Squeeze(_) => "Squeeze",
            LayerKind::Concat(_) => "Concat",
        }
    }

    /// Whether the layer holds weights (and so can stream them).
    pub fn has_weights(&self) -> bool {
        matches!(self, LayerKind::Convolution(_) | LayerKind::InnerProduct(_))
    }

    /// The weight streaming parameters of a weight-carrying layer.
    pub fn streaming(&self) -> Option<&WeightStreaming> {
        match self {
            LayerKind::Convolution(conv) => Some(&conv.streaming),
            LayerKind::InnerProduct(fc) => Some(&fc.streaming),
            _ => None,
        }
    }

    /// Mutable access to the weight streaming parameters of a weight-carrying layer.
    pub fn streaming_mut(&mut self) -> Option<&mut WeightStreaming> {
        match self {
            LayerKind::Convolution(conv) => Some(&mut conv.streaming),
            LayerKind::InnerProduct(fc) => Some(&mut fc.streaming),
            _ => None,
        }
    }
}

/// One compute engine of the pipeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    /// Unique name (the fpgaConvNet/ONNX node name).
    pub name: String,
    /// Shape of the frame entering input port 0, and every other port unless [`Layer::input_of_port`] says
    /// otherwise (for a concatenation, the rows and columns every port shares; its per-port channels are
    /// [`Concat::channels_in`]).
    pub input: FeatureMap,
    /// Shape of the frame leaving each output port (for a convolution with a fused pooling, the pooled map).
    pub output: FeatureMap,
    /// Kind and kind-specific parameters.
    pub kind: LayerKind,
    /// Words per cycle each port can move at most (fpgaConvNet's `mem_bw_in`/`mem_bw_out`); they cap the
    /// reported per-layer latency but not the pipeline interval.
    pub port_limits: PortLimits,
}

impl Layer {
    /// The shape entering input port `port`: a concatenation's port carries its own channels, a
    /// fused-residual convolution's port 1 the convolved map.
    pub fn input_of_port(&self, port: usize) -> FeatureMap {
        match &self.kind {
            LayerKind::Concat(concat) => FeatureMap::new(
                self.input.rows,
                self.input.cols,
                concat.channels_in.get(port).copied().unwrap_or_default(),
            ),
            LayerKind::Convolution(conv) if conv.fused_residual && port == 1 => {
                conv.convolved(self.input).unwrap_or(self.output)
            }
            _ => self.input,
        }
    }

    /// Parallel streams entering input port `port`: a fused-residual convolution's port 1 takes as many streams
    /// as leave the engine, every other port [`Layer::streams_in`].
    pub fn streams_in_port(&self, port: usize) -> u32 {
        match &self.kind {
            LayerKind::Convolution(conv) if conv.fused_residual && port == 1 => conv.streams_out(),
            _ => self.streams_in(),
        }
    }

    /// Parallel streams entering input port 0 (and every port of the layer kinds whose ports are alike); see
    /// [`Layer::streams_in_port`].
    pub fn streams_in(&self) -> u32 {
        match &self.kind {
            LayerKind::Convolution(conv) => conv.parallelism.coarse_in * conv.parallelism.coarse_group,
            LayerKind::InnerProduct(fc) => fc.parallelism.coarse_in,
            LayerKind::Squeeze(squeeze) => squeeze.coarse_in,
            LayerKind::Pooling(Pooling { coarse, .. })
            | LayerKind::Activation(Activation { coarse, .. })
            | LayerKind::EltWise(EltWise { coarse, .. })
            | LayerKind::GlobalPooling(GlobalPooling { coarse, .. })
            | LayerKind::Split(Split { coarse, .. })
            | LayerKind::Concat(Concat { coarse, .. }) => *coarse,
        }
    }

    /// Parallel streams leaving each output port.
    pub fn streams_out(&self) -> u32 {
        match &self.kind {
            LayerKind::Convolution(conv) => conv.streams_out(),
            LayerKind::InnerProduct(fc) => fc.parallelism.coarse_out,
            LayerKind::Squeeze(squeeze) => squeeze.coarse_out,
            _ => self.streams_in(),
        }
    }

    /// Number of input ports.
    pub fn ports_in(&self) -> u32 {
        match &self.kind {
            LayerKind::EltWise(eltwise) => eltwise.ports_in,
            LayerKind::Concat(concat) => u32::try_from(concat.channels_in.len()).unwrap_or(u32::MAX),
            LayerKind::Convolution(conv) if conv.fused_residual => 2,
            _ => 1,
        }
    }

    /// Number of output ports.
    pub fn ports_out(&self) -> u32 {
        match &self.kind {
            LayerKind::Split(split) => split.ports_out,
            _ => 1,
        }
    }

    /// Bit width of the words entering the layer.
    pub fn input_width(&self) -> u32 {
        match &self.kind {
            LayerKind::Convolution(Convolution { widths, .. })
            | LayerKind::InnerProduct(InnerProduct { widths, .. }) => widths.input,
            LayerKind::Pooling(Pooling { data_width, .. })
            | LayerKind::Activation(Activation { data_width, .. })
            | LayerKind::EltWise(EltWise { data_width, .. })
            | LayerKind::GlobalPooling(GlobalPooling { data_width, .. })
            | LayerKind::Split(Split { data_width, .. })
            | LayerKind::Squeeze(Squeeze { data_width, .. })
            | LayerKind::Concat(Concat { data_width, .. }) => *data_width,
        }
    }

    /// Bit width of the words leaving the layer.
    pub fn output_width(&self) -> u32 {
        match &self.kind {
            LayerKind::Convolution(Convolution { widths, .. })
            | LayerKind::InnerProduct(InnerProduct { widths, .. }) => widths.output,
            _ => self.input_width(),
        }
    }
}

/// Per-port word-rate ceilings of a layer.
#[derive(Clone, Debug, PartialEq)]
pub struct PortLimits {
    /// Ceiling of each input port in words per cycle.
    pub input: Vec<f64>,
    /// Ceiling of each output port in words per cycle.
    pub output: Vec<f64>,
}

impl PortLimits {
    /// fpgaConvNet's default ceiling of one port.
    pub const DEFAULT_WORDS_PER_CYCLE: f64 = 100.0;

    /// The ceilings fpgaConvNet gives a fresh layer: 100 words per cycle on every input port, and 100 shared
    /// equally by the output ports.
    pub fn for_ports(ports_in: u32, ports_out: u32) -> Self {
        let ports_out = ports_out.max(1);
        Self {
            input: vec![Self::DEFAULT_WORDS_PER_CYCLE; ports_in.max(1) as usize],
            output: vec![Self::DEFAULT_WORDS_PER_CYCLE / f64::from(ports_out); ports_out as usize],
        }
    }

    /// The ceiling of input port `port`, the default if the list is shorter.
    pub fn input_port(&self, port: usize) -> f64 {
        self.input.get(port).copied().unwrap_or(Self::DEFAULT_WORDS_PER_CYCLE)
    }

    /// The ceiling of output port `port`, the default if the list is shorter.
    pub fn output_port(&self, port: usize) -> f64 {
        self.output.get(port).copied().unwrap_or(Self::DEFAULT_WORDS_PER_CYCLE)
    }
}

impl Default for PortLimits {
    fn default() -> Self {
        Self::for_ports(1, 1)
    }
}
