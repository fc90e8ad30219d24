// The `dataflow` dialect: a layer-wise pipeline, one compute engine (CE) per (fused) layer, all running at once,
// activations streaming from engine to engine.
//
// A pipeline is a `func.func` carrying the unit attribute `dataflow.pipeline`; its arguments and results are
// streams and its body holds the engines. A stream `!dataflow.stream<tensor<1x64x56x56xi8>, 4 : i64>` carries one
// feature map per frame (the tensor type gives its shape and element type) over `lanes` parallel words.
//
// Parallelism follows fpgaConvNet: `coarse_in` input lanes, `coarse_out` output lanes, `coarse_group` groups in
// parallel, `fine` multipliers per kernel window. The stream lanes equal the factors of the engines at both ends;
// where neighbours differ a `squeeze` converts. Rules that IRDL cannot state (factors divide channels, lanes match,
// shapes agree) are checked by the `autows-verify` pass.
//
// A line starting with `///` before a type or operation documents it.
irdl.dialect @dataflow {
  /// A stream of feature maps: `tensor` is the per-frame tensor type, `lanes` the number of parallel words.
  irdl.type @stream {
    %tensor = irdl.base "!builtin.tensor"
    %lanes = irdl.base "#builtin.integer"
    irdl.parameters(tensor: %tensor, lanes: %lanes)
  }

  /// Convolution engine: sliding window, fork, vector dot (`fine` multipliers per lane), accumulator, glue and
  /// bias. `weights` is the weight tensor at this level and the weight memory (`!memory.weights`) after
  /// partitioning; the optional `bias` stays a tensor. Stages fused by `graph-fuse` follow the bias inside the
  /// engine, as the optional attributes of `graph.conv2d`: `activation` (one activation module per output lane),
  /// then `pool` with `pool_kernel`, `pool_strides` and `pool_pads` (a sliding window and pool module per output
  /// lane); the output stream then carries the pooled map.
  irdl.operation @conv {
    %input = irdl.base @dataflow::@stream
    %output = irdl.base @dataflow::@stream
    %tensor = irdl.base "!builtin.tensor"
    %memory = irdl.base @memory::@weights
    %weights = irdl.any_of(%tensor, %memory)
    %bias = irdl.base "!builtin.tensor"
    %strides = irdl.base "#builtin.dense_array"
    %pads = irdl.base "#builtin.dense_array"
    %dilations = irdl.base "#builtin.dense_array"
    %groups = irdl.base "#builtin.integer"
    %coarse_in = irdl.base "#builtin.integer"
    %coarse_out = irdl.base "#builtin.integer"
    %coarse_group = irdl.base "#builtin.integer"
    %fine = irdl.base "#builtin.integer"
    irdl.operands(input: %input, weights: %weights, bias: optional %bias)
    irdl.results(output: %output)
    irdl.attributes {
      "strides" = %strides,
      "pads" = %pads,
      "dilations" = %dilations,
      "groups" = %groups,
      "coarse_in" = %coarse_in,
      "coarse_out" = %coarse_out,
      "coarse_group" = %coarse_group,
      "fine" = %fine
    }
  }

  /// Convolution engine that adds a second stream, `residual`, to its result after the bias (the join of a
  /// residual block, one add module per output lane), then applies the optional fused `activation` and `pool`
  /// stages of `dataflow.conv`. `residual` carries the convolution's result shape over `coarse_out *
  /// coarse_group` lanes, like the output.
  irdl.operation @conv_add {
    %input = irdl.base @dataflow::@stream
    %residual = irdl.base @dataflow::@stream
    %output = irdl.base @dataflow::@stream
    %tensor = irdl.base "!builtin.tensor"
    %memory = irdl.base @memory::@weights
    %weights = irdl.any_of(%tensor, %memory)
    %bias = irdl.base "!builtin.tensor"
    %strides = irdl.base "#builtin.dense_array"
    %pads = irdl.base "#builtin.dense_array"
    %dilations = irdl.base "#builtin.dense_array"
    %groups = irdl.base "#builtin.integer"
    %coarse_in = irdl.base "#builtin.integer"
    %coarse_out = irdl.base "#builtin.integer"
    %coarse_group = irdl.base "#builtin.integer"
    %fine = irdl.base "#builtin.integer"
    irdl.operands(input: %input, weights: %weights, residual: %residual, bias: optional %bias)
    irdl.results(output: %output)
    irdl.attributes {
      "strides" = %strides,
      "pads" = %pads,
      "dilations" = %dilations,
      "groups" = %groups,
      "coarse_in" = %coarse_in,
      "coarse_out" = %coarse_out,
      "coarse_group" = %coarse_group,
      "fine" = %fine
    }
  }

  /// Fully connected (inner product) engine: `weights` is F x C, as a tensor or a weight memory.
  irdl.operation @fc {
    %input = irdl.base @dataflow::@stream
    %output = irdl.base @dataflow::@stream
    %tensor = irdl.base "!builtin.tensor"
    %memory = irdl.base @memory::@weights
    %weights = irdl.any_of(%tensor, %memory)
    %bias = irdl.base "!builtin.tensor"
    %coarse_in = irdl.base "#builtin.integer"
    %coarse_out = irdl.base "#builtin.integer"
    irdl.operands(input: %input, weights: %weights, bias: optional %bias)
    irdl.results(output: %output)
    irdl.attributes {
      "coarse_in" = %coarse_in,
      "coarse_out" = %coarse_out
    }
  }

  /// Pooling engine ("max" or "avg") over `kernel` windows, `coarse` channels in parallel.
  irdl.operation @pool {
    %input = irdl.base @dataflow::@stream
    %output = irdl.base @dataflow::@stream
    %max = irdl.is "max"
    %avg = irdl.is "avg"
    %kind = irdl.any_of(%max, %avg)
    %kernel = irdl.base "#builtin.dense_array"
    %strides = irdl.base "#builtin.dense_array"
    %pads = irdl.base "#builtin.dense_array"
    %coarse = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(output: %output)
    irdl.attributes {
      "kind" = %kind,
      "kernel" = %kernel,
      "strides" = %strides,
      "pads" = %pads,
      "coarse" = %coarse
    }
  }

  /// Global average pooling engine: one value per channel per frame.
  irdl.operation @global_pool {
    %input = irdl.base @dataflow::@stream
    %output = irdl.base @dataflow::@stream
    %coarse = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(output: %output)
    irdl.attributes {
      "coarse" = %coarse
    }
  }

  /// Element-wise engine ("add" or "mul") joining two streams; `rhs` may broadcast over the spatial
  /// dimensions (a per-channel scale).
  irdl.operation @eltwise {
    %lhs = irdl.base @dataflow::@stream
    %rhs = irdl.base @dataflow::@stream
    %output = irdl.base @dataflow::@stream
    %add = irdl.is "add"
    %mul = irdl.is "mul"
    %kind = irdl.any_of(%add, %mul)
    %coarse = irdl.base "#builtin.integer"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(output: %output)
    irdl.attributes {
      "kind" = %kind,
      "coarse" = %coarse
    }
  }

  /// Point-wise activation engine: "relu", "clip" (with float attributes `min` and `max`), "sigmoid" or
  /// "hardswish".
  irdl.operation @activation {
    %stream = irdl.base @dataflow::@stream
    %relu = irdl.is "relu"
    %clip = irdl.is "clip"
    %sigmoid = irdl.is "sigmoid"
    %hardswish = irdl.is "hardswish"
    %kind = irdl.any_of(%relu, %clip, %sigmoid, %hardswish)
    %coarse = irdl.base "#builtin.integer"
    irdl.operands(input: %stream)
    irdl.results(output: %stream)
    irdl.attributes {
      "kind" = %kind,
      "coarse" = %coarse
    }
  }

  /// Concatenation engine: joins `lhs` and `rhs` along the channels (a chain of these joins more).
  irdl.operation @concat {
    %lhs = irdl.base @dataflow::@stream
    %rhs = irdl.base @dataflow::@stream
    %output = irdl.base @dataflow::@stream
    %coarse = irdl.base "#builtin.integer"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(output: %output)
    irdl.attributes {
      "coarse" = %coarse
    }
  }

  /// Copies one stream to several consumers (fpgaConvNet's split layer).
  irdl.operation @fork {
    %stream = irdl.base @dataflow::@stream
    irdl.operands(input: %stream)
    irdl.results(outputs: variadic %stream)
  }

  /// A first-in first-out buffer of `depth` words per lane, where a branch must wait for the branch it rejoins.
  irdl.operation @fifo {
    %stream = irdl.base @dataflow::@stream
    %depth = irdl.base "#builtin.integer"
    irdl.operands(input: %stream)
    irdl.results(output: %stream)
    irdl.attributes {
      "depth" = %depth
    }
  }

  /// Rate conversion between neighbours whose lane counts differ; the feature map is unchanged.
  irdl.operation @squeeze {
    %input = irdl.base @dataflow::@stream
    %output = irdl.base @dataflow::@stream
    irdl.operands(input: %input)
    irdl.results(output: %output)
  }
}
