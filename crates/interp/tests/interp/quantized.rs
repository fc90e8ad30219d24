//! The quantised evaluation against integer references computed here, its rounding and saturation, the spec
//! strings, and its error against the float reference.

use crate::support::{assert_close, tensor, values, MapLoader, Rng};
use autows_interp::{
    quant::{quantize_channels, WeightScheme},
    run, run_quantized, InterpError, QuantSpec,
};
use autows_network::{Network, Op, TensorType, ValueId, Window2d};

/// `numerator / 2^shift` rounded to nearest, ties to even, by plain division.
fn round_half_even(numerator: i128, shift: u32) -> i128 {
    let divisor = 1i128 << shift;
    let (quotient, remainder) = (numerator.div_euclid(divisor), numerator.rem_euclid(divisor));
    match (2 * remainder).cmp(&divisor) {
        std::cmp::Ordering::Greater => quotient + 1,
        std::cmp::Ordering::Equal => quotient + (quotient & 1),
        std::cmp::Ordering::Less => quotient,
    }
}

/// The code of `value` with `point` fractional bits in `bits` bits.
fn code(value: f32, point: i32, bits: u32) -> i64 {
    let limit = 1i64 << (bits - 1);
    let scaled = (f64::from(value) * 2f64.powi(point)).round_ties_even() as i64;
    scaled.clamp(-limit, limit - 1)
}

/// The smallest exponent at which `largest` rounds to at most `2^(bits-1) - 1`, by search.
fn exponent_by_search(weights: &[f32], bits: u32) -> i32 {
    let largest = weights.iter().fold(0.0f32, |m, w| m.max(w.abs()));
    if largest == 0.0 {
        return 0;
    }
    let limit = f64::from((1 << (bits - 1)) - 1);
    (-32..=31).find(|&e| (f64::from(largest) * 2f64.powi(-e)).round_ties_even() <= limit).unwrap_or(31)
}

struct ConvCase {
    input: (Vec<i64>, Vec<f32>),
    weight: (Vec<i64>, Vec<f32>),
    bias: Vec<f32>,
    stride: i64,
    pad: i64,
    groups: i64,
}

/// The quantised convolution written out with i64 loops, straight from the documented arithmetic.
fn reference_conv(case: &ConvCase, spec: &QuantSpec, exponent: impl Fn(&[f32]) -> i32) -> Vec<i32> {
    let (wb, ab, p) = (spec.weight_bits(), spec.activation_bits(), spec.activation_binary_point());
    let [_, c, h, w] = case.input.0[..] else { panic!("rank 4") };
    let [f, cg, kh, kw] = case.weight.0[..] else { panic!("rank 4") };
    let (s, pad) = (case.stride, case.pad);
    let (oh, ow) = ((h + 2 * pad - kh) / s + 1, (w + 2 * pad - kw) / s + 1);
    let x: Vec<i64> = case.input.1.iter().map(|&v| code(v, p, ab)).collect();
    let per_filter = (cg * kh * kw) as usize;
    let mut out = Vec::new();
    for filter in 0..f {
        let weights = &case.weight.1[filter as usize * per_filter..][..per_filter];
        let e = exponent(weights);
        let m: Vec<i64> = weights.iter().map(|&v| code(v, -e, wb)).collect();
        let group = filter / (f / case.groups);
        let p_sum = (p - e).max(p);
        let bias = (f64::from(case.bias[filter as usize]) * 2f64.powi(p_sum)).round_ties_even() as i128;
        for oy in 0..oh {
            for ox in 0..ow {
                let mut acc: i64 = 0;
                for ci in 0..cg {
                    for ky in 0..kh {
                        for kx in 0..kw {
                            let (iy, ix) = (oy * s - pad + ky, ox * s - pad + kx);
                            if iy < 0 || ix < 0 || iy >= h || ix >= w {
                                continue;
                            }
                            let channel = group * cg + ci;
                            acc += m[((ci * kh + ky) * kw + kx) as usize] * x[((channel * h + iy) * w + ix) as usize];
                        }
                    }
                }
                // acc * 2^(e - p) + bias * 2^-p_sum, as a multiple of 2^-p_sum, then rounded to 2^-p.
                let total = (i128::from(acc) << (p_sum - p + e)) + bias;
                let rounded = round_half_even(total, (p_sum - p) as u32);
                let limit = 1i128 << (ab - 1);
                out.push(rounded.clamp(-limit, limit - 1) as i32);
            }
        }
    }
    let _ = c;
    out
}

fn conv_network(case: &ConvCase) -> (Network, MapLoader) {
    let mut network = Network::new("qconv");
    let mut loader = MapLoader::default();
    let x = network.add_input("x", TensorType::f32(case.input.0.clone()));
    let w = loader.weight(&mut network, "w", &case.weight.0, case.weight.1.clone());
    let b = loader.weight(&mut network, "b", &[case.weight.0[0]], case.bias.clone());
    let op = Op::Conv2d { strides: [case.stride; 2], pads: [case.pad; 4], dilations: [1, 1], groups: case.groups };
    let y = network.add("conv", op, &[x, w, b]).unwrap();
    network.outputs.push(y);
    (network, loader)
}

fn random_conv_case(rng: &mut Rng, groups: i64) -> ConvCase {
    let (c, f) = (2 * groups, 3 * groups);
    let k = rng.range(1, 3);
    let input_shape = vec![1, c, 6, 5];
    let weight_shape = vec![f, c / groups, k, k];
    // Channels of very different magnitudes, so the per-channel exponents differ.
    let mut weights = Vec::new();
    for filter in 0..f {
        let scale = [0.05, 0.4, 9.0][filter as usize % 3];
        weights.extend(rng.floats((c / groups * k * k) as usize, scale));
    }
    ConvCase {
        input: (input_shape, rng.floats((c * 30) as usize, 3.0)),
        weight: (weight_shape, weights),
        bias: rng.floats(f as usize, 1.0),
        stride: rng.range(1, 2),
        pad: rng.range(0, 1),
        groups,
    }
}

#[test]
fn quantized_conv_matches_an_integer_reference() {
    let mut rng = Rng::new(42);
    let spec = QuantSpec::reference();
    let mut saturated = 0;
    for round in 0..12 {
        let case = random_conv_case(&mut rng, 1 + round % 2);
        let (network, loader) = conv_network(&case);
        let input = tensor(&case.input.0, case.input.1.clone());
        let outputs = run_quantized(&network, &[input], &loader, &spec).unwrap();
        let expected = reference_conv(&case, &spec, |w| exponent_by_search(w, spec.weight_bits()));
        assert_eq!(outputs[0].fixed.codes, expected, "case {round}");
        saturated += expected.iter().filter(|&&q| q == 15 || q == -16).count();
        // The float view is the codes times the step.
        let real: Vec<f32> = expected.iter().map(|&q| q as f32 * 0.25).collect();
        assert_eq!(values(&outputs[0].real), real);
    }
    assert!(saturated > 0, "the cases should exercise saturation");
}

#[test]
fn fixed_point_weights_match_an_integer_reference() {
    let mut rng = Rng::new(3);
    let spec: QuantSpec = "w8a8p4-fixed".parse().unwrap();
    for _ in 0..4 {
        let case = random_conv_case(&mut rng, 1);
        let (network, loader) = conv_network(&case);
        let outputs = run_quantized(&network, &[tensor(&case.input.0, case.input.1.clone())], &loader, &spec).unwrap();
        assert_eq!(outputs[0].fixed.codes, reference_conv(&case, &spec, |_| -7));
    }
}

#[test]
fn quantized_gemm_matches_an_integer_reference() {
    let mut rng = Rng::new(11);
    let spec = QuantSpec::reference();
    let (m, k, n) = (2usize, 7usize, 5usize);
    let a = rng.floats(m * k, 2.0);
    let b = rng.floats(n * k, 0.6); // stored N x K (trans_b)
    let c = rng.floats(n, 1.0);
    let mut network = Network::new("qgemm");
    let mut loader = MapLoader::default();
    let x = network.add_input("x", TensorType::f32([m as i64, k as i64]));
    let w = loader.weight(&mut network, "w", &[n as i64, k as i64], b.clone());
    let bias = loader.weight(&mut network, "c", &[n as i64], c.clone());
    let gemm = Op::Gemm { trans_a: false, trans_b: true, alpha: 1.0, beta: 1.0 };
    let y = network.add("fc", gemm, &[x, w, bias]).unwrap();
    network.outputs.push(y);
    let outputs = run_quantized(&network, &[tensor(&[m as i64, k as i64], a.clone())], &loader, &spec).unwrap();
    let mut expected = Vec::new();
    for row in 0..m {
        for col in 0..n {
            let weights = &b[col * k..(col + 1) * k];
            let e = exponent_by_search(weights, 4);
            let acc: i64 = (0..k).map(|i| code(weights[i], -e, 4) * code(a[row * k + i], 2, 5)).sum();
            let p_sum = (2 - e).max(2);
            let bias = (f64::from(c[col]) * 2f64.powi(p_sum)).round_ties_even() as i128;
            let total = (i128::from(acc) << (p_sum - 2 + e)) + bias;
            expected.push(round_half_even(total, (p_sum - 2) as u32).clamp(-16, 15) as i32);
        }
    }
    assert_eq!(outputs[0].fixed.codes, expected);
}

/// A one-input network of `shape` built by `body`.
fn single(shape: &[i64], body: impl FnOnce(&mut Network, ValueId) -> ValueId) -> Network {
    let mut network = Network::new("q");
    let x = network.add_input("x", TensorType::f32(shape));
    let y = body(&mut network, x);
    network.outputs.push(y);
    network
}

fn codes(network: &Network, shape: &[i64], input: Vec<f32>) -> Vec<i32> {
    let outputs = run_quantized(network, &[tensor(shape, input)], &MapLoader::default(), &QuantSpec::reference());
    outputs.unwrap().remove(0).fixed.codes
}

#[test]
fn rounding_and_saturation_at_the_edges() {
    // Inputs: steps of 0.25, ties to even, saturation at -4 and 3.75, NaN to zero.
    let identity = single(&[8], |n, x| n.add("id", Op::Identity, &[x]).unwrap());
    let input = vec![0.125, 0.375, -0.375, 3.8, 10.0, -4.2, -1e9, f32::NAN];
    assert_eq!(codes(&identity, &[8], input), [0, 2, -2, 15, 15, -16, -16, 0]);

    // Sums saturate.
    let double = single(&[3], |n, x| n.add("sum", Op::Add, &[x, x]).unwrap());
    assert_eq!(codes(&double, &[3], vec![3.0, -3.0, 1.0]), [15, -16, 8]);

    // Clip bounds are quantised; relu keeps the format.
    let clip = single(&[4], |n, x| n.add("clip", Op::Clip { min: -0.3, max: 0.6 }, &[x]).unwrap());
    assert_eq!(codes(&clip, &[4], vec![-1.0, 0.0, 0.5, 2.0]), [-1, 0, 2, 2]);
    let relu = single(&[2], |n, x| n.add("relu", Op::Relu, &[x]).unwrap());
    assert_eq!(codes(&relu, &[2], vec![-1.0, 1.0]), [0, 4]);

    // Averages of two codes round half to even: 1.5 -> 2, 0.5 -> 0, -0.5 -> 0, -1.5 -> -2, 2.5 -> 2.
    let window = Window2d { kernel: [1, 2], strides: [1, 2], pads: [0; 4], dilations: [1, 1] };
    let avg = single(&[1, 1, 1, 10], |n, x| {
        n.add("avg", Op::AvgPool { window, ceil_mode: false, count_include_pad: false }, &[x]).unwrap()
    });
    let input = [1, 2, 1, 0, -1, 0, -3, 0, 2, 3].map(|q| q as f32 * 0.25).to_vec();
    assert_eq!(codes(&avg, &[1, 1, 1, 10], input), [2, 0, 0, -2, 2]);

    // The global mean of 1, 1, 1, 0 is 0.75 -> 1; of 1, 1, 0, 0 is 0.5 -> 0.
    let gap = single(&[1, 2, 2, 2], |n, x| n.add("gap", Op::GlobalAvgPool, &[x]).unwrap());
    let input = [1, 1, 1, 0, 1, 1, 0, 0].map(|q| q as f32 * 0.25).to_vec();
    assert_eq!(codes(&gap, &[1, 2, 2, 2], input), [1, 0]);

    // Max pooling over padding keeps negative values; constant padding quantises its value.
    let max = single(&[1, 1, 2, 2], |n, x| {
        let window = Window2d { kernel: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1] };
        n.add("max", Op::MaxPool { window, ceil_mode: false }, &[x]).unwrap()
    });
    assert_eq!(codes(&max, &[1, 1, 2, 2], vec![-1.0, -2.0, -3.0, -4.0]), [-4, -8, -12, -16]);
    let pad = single(&[1, 2], |n, x| {
        n.add("pad", Op::Pad { pads: vec![0, 1, 0, 1], mode: autows_network::PadMode::Constant, value: 0.3 }, &[x])
            .unwrap()
    });
    assert_eq!(codes(&pad, &[1, 2], vec![1.0, 2.0]), [1, 4, 8, 1]);
}

#[test]
fn spec_strings() {
    let spec: QuantSpec = "w4a5".parse().unwrap();
    assert_eq!((spec.weight_bits(), spec.activation_bits(), spec.activation_binary_point()), (4, 5, 2));
    assert_eq!(spec.scheme(), WeightScheme::ChannelBfp);
    assert_eq!("w8a8p3-bfp".parse::<QuantSpec>().unwrap().activation_binary_point(), 3);

    let message = |text: &str| text.parse::<QuantSpec>().unwrap_err().to_string();
    assert_eq!(message("w0a5"), "invalid quantisation 'w0a5': weight bits must be 2 to 16, got 0");
    assert_eq!(message("w4a99"), "invalid quantisation 'w4a99': activation bits must be 2 to 16, got 99");
    assert!(message("x4").starts_with("invalid quantisation 'x4': it must start with 'w' and the weight bits;"));
    assert!(message("w4").contains("expected 'a' and the activation bits"));
    assert!(message("w4a").contains("expected the activation bits after 'a'"));
    assert!(message("wa5").contains("expected the weight bits after 'w'"));
    assert!(message("").contains("it must start with 'w'"));
    assert_eq!(
        message("w4a5-float"),
        "invalid quantisation 'w4a5-float': unknown weight scheme 'float'; use 'bfp' or 'fixed'"
    );
    assert_eq!(
        message("w4a5p30"),
        "invalid quantisation 'w4a5p30': the activation binary point must be 0 to 24, got 30"
    );
    assert!(message("w4a5 ").contains("unexpected ' '"));
    assert!(message("w99999999999999999999999a5").contains("weight bits must be 2 to 16"));
    assert!(QuantSpec::new(4, 5, 2, WeightScheme::FixedPoint { binary_point: 40 }).is_err());
}

#[test]
fn operations_without_integer_form_are_refused() {
    let sigmoid = single(&[2], |n, x| n.add("gate", Op::Sigmoid, &[x]).unwrap());
    let error = run_quantized(&sigmoid, &[tensor(&[2], vec![0.0; 2])], &MapLoader::default(), &QuantSpec::reference())
        .unwrap_err();
    assert!(matches!(&error, InterpError::Unquantizable { node, .. } if node == "gate"), "{error}");

    // Parameter-only subgraphs run in float: a transposed weight feeds a gemm.
    let mut network = Network::new("folded");
    let mut loader = MapLoader::default();
    let x = network.add_input("x", TensorType::f32([1, 2]));
    let w = loader.weight(&mut network, "w", &[2, 2], vec![1.0, 0.0, 0.5, 0.25]);
    let wt = network.add("wt", Op::Transpose { perm: vec![1, 0] }, &[w]).unwrap();
    let gemm = Op::Gemm { trans_a: false, trans_b: false, alpha: 1.0, beta: 1.0 };
    let y = network.add("fc", gemm, &[x, wt]).unwrap();
    network.outputs.push(y);
    let outputs = run_quantized(&network, &[tensor(&[1, 2], vec![1.0, 2.0])], &loader, &QuantSpec::reference());
    assert_eq!(values(&outputs.unwrap()[0].real), [1.0, 1.0]);

    // A weight computed from activations is refused.
    let mut network = Network::new("dynamic");
    let x = network.add_input("x", TensorType::f32([2, 2]));
    let gemm = Op::Gemm { trans_a: false, trans_b: false, alpha: 1.0, beta: 1.0 };
    let y = network.add("square", gemm, &[x, x]).unwrap();
    network.outputs.push(y);
    let error =
        run_quantized(&network, &[tensor(&[2, 2], vec![0.0; 4])], &loader, &QuantSpec::reference()).unwrap_err();
    assert!(error.to_string().contains("'b' must be a weight or a constant"), "{error}");
}

/// A small CNN: conv (with bias) -> relu -> maxpool -> global average pool.
fn small_cnn(rng: &mut Rng) -> (Network, MapLoader, Vec<f32>, Vec<f32>) {
    let mut network = Network::new("cnn");
    let mut loader = MapLoader::default();
    let x = network.add_input("x", TensorType::f32([1, 3, 8, 8]));
    let weights = rng.floats(4 * 27, 0.1);
    let w = loader.weight(&mut network, "w", &[4, 3, 3, 3], weights.clone());
    let b = loader.weight(&mut network, "b", &[4], rng.floats(4, 0.2));
    let conv = Op::Conv2d { strides: [1, 1], pads: [1; 4], dilations: [1, 1], groups: 1 };
    let y = network.add("conv", conv, &[x, w, b]).unwrap();
    let y = network.add("relu", Op::Relu, &[y]).unwrap();
    let window = Window2d { kernel: [2, 2], strides: [2, 2], pads: [0; 4], dilations: [1, 1] };
    let y = network.add("pool", Op::MaxPool { window, ceil_mode: false }, &[y]).unwrap();
    let y = network.add("gap", Op::GlobalAvgPool, &[y]).unwrap();
    network.outputs.push(y);
    let input = rng.floats(3 * 64, 1.0);
    (network, loader, input, weights)
}

#[test]
fn quantized_output_is_within_the_quantisation_error() {
    let spec = QuantSpec::reference();
    let step = 0.25f64;
    for seed in 0..8 {
        let mut rng = Rng::new(100 + seed);
        let (network, loader, input, weights) = small_cnn(&mut rng);
        let float = run(&network, &[tensor(&[1, 3, 8, 8], input.clone())], &loader).unwrap();
        let quant = run_quantized(&network, &[tensor(&[1, 3, 8, 8], input.clone())], &loader, &spec).unwrap();
        // Per output channel: each of the 27 products errs by at most |w| da + |x| dw + dw da (da = step / 2,
        // dw = half a mantissa step), plus half a sum step for the bias and half an output step for the
        // convolution's rounding; relu and max pooling do not grow errors, the mean adds its own half step.
        let exponents = quantize_channels(&weights, 4, 4, WeightScheme::ChannelBfp).unwrap().exponents;
        let largest_input = input.iter().fold(0.0f64, |m, &v| m.max(f64::from(v.abs())));
        let bounds: Vec<f64> = (0..4)
            .map(|f| {
                let dw = 2f64.powi(exponents[f] - 1);
                let da = step / 2.0;
                let weight_sum: f64 = weights[f * 27..(f + 1) * 27].iter().map(|&w| f64::from(w.abs())).sum();
                let bias_step = 2f64.powi(-(2 - exponents[f]).max(2)) / 2.0;
                weight_sum * da + 27.0 * (largest_input * dw + dw * da) + bias_step + step / 2.0 + step / 2.0
            })
            .collect();
        let (f, q) = (values(&float[0]), values(&quant[0].real));
        assert!(f.iter().all(|v| v.abs() < 3.5), "no saturation expected: {f:?}");
        for channel in 0..4 {
            let error = f64::from((f[channel] - q[channel]).abs());
            assert!(
                error <= bounds[channel],
                "seed {seed} channel {channel}: error {error} > bound {}",
                bounds[channel]
            );
        }
        assert!(bounds.iter().all(|&b| b < 1.0), "the bound itself is meaningful: {bounds:?}");
        assert_close(&q, &f, 1.0);
    }
}

#[test]
fn quantized_runs_are_identical() {
    let mut rng = Rng::new(5);
    let (network, loader, input, _) = small_cnn(&mut rng);
    let first = run_quantized(&network, &[tensor(&[1, 3, 8, 8], input.clone())], &loader, &QuantSpec::reference());
    let again = run_quantized(&network, &[tensor(&[1, 3, 8, 8], input)], &loader, &QuantSpec::reference());
    assert_eq!(first.unwrap(), again.unwrap());
}
