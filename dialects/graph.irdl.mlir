// The `graph` dialect: a trained network as tensor operations.
//
// Values are builtin ranked tensors in NCHW layout (batch first, then channels, rows, columns). Functions
// (`func.func`) hold the graph and end with `func.return`. Attributes are builtin attributes so that passes can
// read them: spatial lists are `array<i64: ...>` with rows before columns; `pads` are ONNX-ordered (all begins,
// then all ends), so a 2-D pad is `array<i64: top, left, bottom, right>`. Rules that IRDL cannot state (shapes
// agree, lists have the right length, ...) are checked by the `autows-verify` pass.
//
// A line starting with `///` before an operation documents it; `autows-opt --print-dialect-docs` collects them.
irdl.dialect @graph {
  /// 2-D convolution. `input` is N x C x H x W, `weight` is F x (C/groups) x KH x KW, the optional `bias` has F
  /// elements; the kernel size comes from the weight's shape. `graph-fuse` may add stages after it, each an
  /// optional attribute, applied in this order: `activation` ("relu", or "clip" with float `activation_min` and
  /// `activation_max`), then `pool` ("max" or "avg" with `pool_kernel`, `pool_strides` and `pool_pads` as in
  /// `graph.maxpool`); the result type is then the pooled shape.
  irdl.operation @conv2d {
    %input = irdl.base "!builtin.tensor"
    %weight = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %output = irdl.base "!builtin.tensor"
    %strides = irdl.base "#builtin.dense_array"
    %pads = irdl.base "#builtin.dense_array"
    %dilations = irdl.base "#builtin.dense_array"
    %groups = irdl.base "#builtin.integer"
    irdl.operands(input: %input, weight: %weight, bias: optional %bias)
    irdl.results(output: %output)
    irdl.attributes {
      "strides" = %strides,
      "pads" = %pads,
      "dilations" = %dilations,
      "groups" = %groups
    }
  }

  /// A convolution whose result is added to `residual` (the join of a residual block) in one operation:
  /// `conv2d(input, weight, bias) + residual`, then the optional fused `activation` and `pool` stages of
  /// `graph.conv2d`. `residual` has the shape of the convolution's result; `graph-fuse` makes this operation.
  irdl.operation @conv2d_add {
    %input = irdl.base "!builtin.tensor"
    %weight = irdl.base "!builtin.tensor"
    %residual = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %output = irdl.base "!builtin.tensor"
    %strides = irdl.base "#builtin.dense_array"
    %pads = irdl.base "#builtin.dense_array"
    %dilations = irdl.base "#builtin.dense_array"
    %groups = irdl.base "#builtin.integer"
    irdl.operands(input: %input, weight: %weight, residual: %residual, bias: optional %bias)
    irdl.results(output: %output)
    irdl.attributes {
      "strides" = %strides,
      "pads" = %pads,
      "dilations" = %dilations,
      "groups" = %groups
    }
  }

  /// General matrix product `alpha * op(a) * op(b) + beta * c`, where `op` transposes its operand when
  /// `trans_a` / `trans_b` is true. `a` and `b` are 2-D; the optional `c` broadcasts to the result.
  irdl.operation @gemm {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c = irdl.base "!builtin.tensor"
    %output = irdl.base "!builtin.tensor"
    %true = irdl.is true
    %false = irdl.is false
    %trans_a = irdl.any_of(%true, %false)
    %trans_b = irdl.any_of(%true, %false)
    %alpha = irdl.base "#builtin.float"
    %beta = irdl.base "#builtin.float"
    irdl.operands(a: %a, b: %b, c: optional %c)
    irdl.results(output: %output)
    irdl.attributes {
      "trans_a" = %trans_a,
      "trans_b" = %trans_b,
      "alpha" = %alpha,
      "beta" = %beta
    }
  }

  /// Matrix product with NumPy broadcasting of the leading dimensions.
  irdl.operation @matmul {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %output = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(output: %output)
  }

  /// Rectified linear unit, `max(x, 0)`.
  irdl.operation @relu {
    %t = irdl.base "!builtin.tensor"
    irdl.operands(input: %t)
    irdl.results(output: %t)
  }

  /// Clamps every element to `[min, max]` (ReLU6 is `min = 0, max = 6`).
  irdl.operation @clip {
    %t = irdl.base "!builtin.tensor"
    %min = irdl.base "#builtin.float"
    %max = irdl.base "#builtin.float"
    irdl.operands(input: %t)
    irdl.results(output: %t)
    irdl.attributes {
      "min" = %min,
      "max" = %max
    }
  }

  /// Logistic function, `1 / (1 + exp(-x))`.
  irdl.operation @sigmoid {
    %t = irdl.base "!builtin.tensor"
    irdl.operands(input: %t)
    irdl.results(output: %t)
  }

  /// Hard swish, `x * relu6(x + 3) / 6`.
  irdl.operation @hardswish {
    %t = irdl.base "!builtin.tensor"
    irdl.operands(input: %t)
    irdl.results(output: %t)
  }

  /// Passes its input through unchanged.
  irdl.operation @identity {
    %t = irdl.base "!builtin.tensor"
    irdl.operands(input: %t)
    irdl.results(output: %t)
  }

  /// Dropout; at inference it passes its input through. `ratio` is kept for the record.
  irdl.operation @dropout {
    %t = irdl.base "!builtin.tensor"
    %ratio = irdl.base "#builtin.float"
    irdl.operands(input: %t)
    irdl.results(output: %t)
    irdl.attributes {
      "ratio" = %ratio
    }
  }

  /// Element-wise sum with NumPy broadcasting.
  irdl.operation @add {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %output = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(output: %output)
  }

  /// Element-wise difference with NumPy broadcasting.
  irdl.operation @sub {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %output = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(output: %output)
  }

  /// Element-wise quotient with NumPy broadcasting. With `sqrt`, `sub` and `mul` it expresses weight
  /// arithmetic such as batch-normalisation folding without computing values in the IR.
  irdl.operation @div {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %output = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(output: %output)
  }

  /// Element-wise square root.
  irdl.operation @sqrt {
    %t = irdl.base "!builtin.tensor"
    irdl.operands(input: %t)
    irdl.results(output: %t)
  }

  /// Element-wise product with NumPy broadcasting (a per-channel scale is `rhs : tensor<Cx1x1>`).
  irdl.operation @mul {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %output = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(output: %output)
  }

  /// Max pooling over `kernel` windows of an N x C x H x W tensor. Padded elements never win.
  irdl.operation @maxpool {
    %input = irdl.base "!builtin.tensor"
    %output = irdl.base "!builtin.tensor"
    %kernel = irdl.base "#builtin.dense_array"
    %strides = irdl.base "#builtin.dense_array"
    %pads = irdl.base "#builtin.dense_array"
    %dilations = irdl.base "#builtin.dense_array"
    %true = irdl.is true
    %false = irdl.is false
    %ceil_mode = irdl.any_of(%true, %false)
    irdl.operands(input: %input)
    irdl.results(output: %output)
    irdl.attributes {
      "kernel" = %kernel,
      "strides" = %strides,
      "pads" = %pads,
      "dilations" = %dilations,
      "ceil_mode" = %ceil_mode
    }
  }

  /// Average pooling over `kernel` windows. With `count_include_pad` the divisor is the full window size,
  /// otherwise the number of elements inside the input.
  irdl.operation @avgpool {
    %input = irdl.base "!builtin.tensor"
    %output = irdl.base "!builtin.tensor"
    %kernel = irdl.base "#builtin.dense_array"
    %strides = irdl.base "#builtin.dense_array"
    %pads = irdl.base "#builtin.dense_array"
    %true = irdl.is true
    %false = irdl.is false
    %ceil_mode = irdl.any_of(%true, %false)
    %count_include_pad = irdl.any_of(%true, %false)
    irdl.operands(input: %input)
    irdl.results(output: %output)
    irdl.attributes {
      "kernel" = %kernel,
      "strides" = %strides,
      "pads" = %pads,
      "ceil_mode" = %ceil_mode,
      "count_include_pad" = %count_include_pad
    }
  }

  /// Mean over the spatial dimensions: N x C x H x W to N x C x 1 x 1.
  irdl.operation @global_avgpool {
    %input = irdl.base "!builtin.tensor"
    %output = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output)
  }

  /// Joins `lhs` and `rhs` along `axis`; every other dimension agrees. An N-way join is a chain of these:
  /// IRDL binds every operand of a variadic group to one type, so a variadic operand list could not hold the
  /// differently shaped inputs a join needs.
  irdl.operation @concat {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %output = irdl.base "!builtin.tensor"
    %axis = irdl.base "#builtin.integer"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(output: %output)
    irdl.attributes {
      "axis" = %axis
    }
  }

  /// Collapses the dimensions before `axis` into one and those from `axis` on into another (a 2-D result).
  irdl.operation @flatten {
    %input = irdl.base "!builtin.tensor"
    %output = irdl.base "!builtin.tensor"
    %axis = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(output: %output)
    irdl.attributes {
      "axis" = %axis
    }
  }

  /// Reinterprets the elements in the result type's shape; the element count is unchanged.
  irdl.operation @reshape {
    %input = irdl.base "!builtin.tensor"
    %output = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output)
  }

  /// Permutes dimensions: result dimension `i` is input dimension `perm[i]`.
  irdl.operation @transpose {
    %input = irdl.base "!builtin.tensor"
    %output = irdl.base "!builtin.tensor"
    %perm = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(output: %output)
    irdl.attributes {
      "perm" = %perm
    }
  }

  /// Pads every dimension: `pads` holds all begins, then all ends. `mode` is "constant" (filled with `value`),
  /// "reflect" or "edge".
  irdl.operation @pad {
    %input = irdl.base "!builtin.tensor"
    %output = irdl.base "!builtin.tensor"
    %pads = irdl.base "#builtin.dense_array"
    %constant = irdl.is "constant"
    %reflect = irdl.is "reflect"
    %edge = irdl.is "edge"
    %mode = irdl.any_of(%constant, %reflect, %edge)
    %value = irdl.base "#builtin.float"
    irdl.operands(input: %input)
    irdl.results(output: %output)
    irdl.attributes {
      "pads" = %pads,
      "mode" = %mode,
      "value" = %value
    }
  }

  /// Inference batch normalisation over channel dimension 1:
  /// `scale * (x - mean) / sqrt(variance + epsilon) + bias`.
  irdl.operation @batchnorm {
    %input = irdl.base "!builtin.tensor"
    %scale = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %mean = irdl.base "!builtin.tensor"
    %variance = irdl.base "!builtin.tensor"
    %epsilon = irdl.base "#builtin.float"
    irdl.operands(input: %input, scale: %scale, bias: %bias, mean: %mean, variance: %variance)
    irdl.results(output: %input)
    irdl.attributes {
      "epsilon" = %epsilon
    }
  }

  /// Softmax along `axis`.
  irdl.operation @softmax {
    %t = irdl.base "!builtin.tensor"
    %axis = irdl.base "#builtin.integer"
    irdl.operands(input: %t)
    irdl.results(output: %t)
    irdl.attributes {
      "axis" = %axis
    }
  }

  /// A constant tensor held in the IR: `dense<...>` inline, or `dense_resource<...>` in the file's resource
  /// section.
  irdl.operation @constant {
    %output = irdl.base "!builtin.tensor"
    %dense = irdl.base "#builtin.dense_int_or_fp_elements"
    %resource = irdl.base "#builtin.dense_resource_elements"
    %value = irdl.any_of(%dense, %resource)
    irdl.results(output: %output)
    irdl.attributes {
      "value" = %value
    }
  }

  /// A trained weight kept outside the IR: the tensor named `key` in the file `source`, with a `checksum` of its
  /// bytes ("fnv1a64:<16 hex digits>") so that a changed file is noticed. Passes that need the values load them.
  irdl.operation @weight {
    %output = irdl.base "!builtin.tensor"
    %source = irdl.base "#builtin.string"
    %key = irdl.base "#builtin.string"
    %checksum = irdl.base "#builtin.string"
    irdl.results(output: %output)
    irdl.attributes {
      "source" = %source,
      "key" = %key,
      "checksum" = %checksum
    }
  }
}
