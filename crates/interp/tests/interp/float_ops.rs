//! Hand-computed cases for every float operation.

use crate::support::{assert_close, constant, counting, tensor, values, MapLoader};
use autows_interp::run;
use autows_network::{Network, Op, PadMode, Tensor, TensorType, ValueId, Window2d};

/// Runs a network whose only input is `input` and returns its first output's elements.
fn eval(network: &Network, input: Tensor, loader: &MapLoader) -> Vec<f32> {
    let outputs = run(network, &[input], loader).expect("the network evaluates");
    values(&outputs[0])
}

fn conv(strides: [i64; 2], pads: [i64; 4], dilations: [i64; 2], groups: i64) -> Op {
    Op::Conv2d { strides, pads, dilations, groups }
}

/// A network with one input of `shape`, built by `body`, whose result is the output.
fn single(shape: &[i64], body: impl FnOnce(&mut Network, &mut MapLoader, ValueId) -> ValueId) -> (Network, MapLoader) {
    let mut network = Network::new("test");
    let mut loader = MapLoader::default();
    let x = network.add_input("x", TensorType::f32(shape));
    let y = body(&mut network, &mut loader, x);
    network.outputs.push(y);
    (network, loader)
}

#[test]
fn conv_with_known_weights_and_bias() {
    // x[i][j] = 4i + j + 1; weights [[1, 2], [3, 4]], so y = 10 x[i][j] + 2 + 12 + 20 + 0.5.
    let (network, loader) = single(&[1, 1, 4, 4], |n, l, x| {
        let w = l.weight(n, "w", &[1, 1, 2, 2], vec![1.0, 2.0, 3.0, 4.0]);
        let b = constant(n, "b", &[1], vec![0.5]);
        n.add("conv", conv([1, 1], [0; 4], [1, 1], 1), &[x, w, b]).unwrap()
    });
    let out = eval(&network, tensor(&[1, 1, 4, 4], counting(16)), &loader);
    let expected: Vec<f32> = (0..3).flat_map(|i| (0..3).map(move |j| 10.0 * (4 * i + j + 1) as f32 + 34.5)).collect();
    assert_eq!(out, expected);
}

#[test]
fn conv_with_padding_and_stride() {
    let (network, loader) = single(&[1, 1, 4, 4], |n, l, x| {
        let w = l.weight(n, "w", &[1, 1, 3, 3], vec![1.0; 9]);
        n.add("conv", conv([2, 2], [1, 1, 1, 1], [1, 1], 1), &[x, w]).unwrap()
    });
    let out = eval(&network, tensor(&[1, 1, 4, 4], counting(16)), &loader);
    assert_eq!(out, [14.0, 30.0, 57.0, 99.0]);
}

#[test]
fn conv_with_asymmetric_padding() {
    // Only the top and left are padded: a 2x2 kernel of ones sums x[i-1..=i][j-1..=j].
    let (network, loader) = single(&[1, 1, 3, 3], |n, l, x| {
        let w = l.weight(n, "w", &[1, 1, 2, 2], vec![1.0; 4]);
        n.add("conv", conv([1, 1], [1, 1, 0, 0], [1, 1], 1), &[x, w]).unwrap()
    });
    let out = eval(&network, tensor(&[1, 1, 3, 3], counting(9)), &loader);
    assert_eq!(out, [1.0, 3.0, 5.0, 5.0, 12.0, 16.0, 11.0, 24.0, 28.0]);
}

#[test]
fn depthwise_conv() {
    let (network, loader) = single(&[1, 2, 3, 3], |n, l, x| {
        let w = l.weight(n, "w", &[2, 1, 2, 2], vec![1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, -1.0]);
        n.add("dw", conv([1, 1], [0; 4], [1, 1], 2), &[x, w]).unwrap()
    });
    let mut input = vec![1.0; 9];
    input.extend(counting(9));
    let out = eval(&network, tensor(&[1, 2, 3, 3], input), &loader);
    assert_eq!(out, [4.0, 4.0, 4.0, 4.0, -4.0, -4.0, -4.0, -4.0]);
}

#[test]
fn grouped_conv() {
    // Two groups of two channels; filter 0 reads channels 0 and 1, filter 1 reads channels 2 and 3.
    let (network, loader) = single(&[1, 4, 1, 1], |n, l, x| {
        let w = l.weight(n, "w", &[2, 2, 1, 1], vec![1.0, 10.0, 100.0, 1000.0]);
        n.add("grouped", conv([1, 1], [0; 4], [1, 1], 2), &[x, w]).unwrap()
    });
    let out = eval(&network, tensor(&[1, 4, 1, 1], vec![1.0, 2.0, 3.0, 4.0]), &loader);
    assert_eq!(out, [21.0, 4300.0]);
}

#[test]
fn dilated_conv() {
    // x[i][j] = 5i + j; a dilated 2x2 kernel of ones reads x[i][j], x[i][j+2], x[i+2][j], x[i+2][j+2].
    let (network, loader) = single(&[1, 1, 5, 5], |n, l, x| {
        let w = l.weight(n, "w", &[1, 1, 2, 2], vec![1.0; 4]);
        n.add("dilated", conv([1, 1], [0; 4], [2, 2], 1), &[x, w]).unwrap()
    });
    let input: Vec<f32> = (0..25).map(|v| v as f32).collect();
    let out = eval(&network, tensor(&[1, 1, 5, 5], input), &loader);
    let expected: Vec<f32> = (0..3).flat_map(|i| (0..3).map(move |j| 4.0 * (5 * i + j) as f32 + 24.0)).collect();
    assert_eq!(out, expected);
}

#[test]
fn gemm_with_transposes_scales_and_broadcast_bias() {
    let b_values = vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
    let expected = [2.5, 5.0, 7.5, 14.0, 8.5, 11.0, 13.5, 32.0];
    let (network, loader) = single(&[2, 3], |n, l, x| {
        let b = l.weight(n, "b", &[4, 3], b_values.clone());
        let c = constant(n, "c", &[4], vec![1.0, 2.0, 3.0, 4.0]);
        n.add("fc", Op::Gemm { trans_a: false, trans_b: true, alpha: 2.0, beta: 0.5 }, &[x, b, c]).unwrap()
    });
    assert_eq!(eval(&network, tensor(&[2, 3], counting(6)), &loader), expected);
    // The same product with `a` stored transposed and `b` stored as K x N.
    let (network, loader) = single(&[3, 2], |n, l, x| {
        let b_kn = [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11].map(|index| b_values[index]).to_vec();
        let b = l.weight(n, "b", &[3, 4], b_kn);
        let c = constant(n, "c", &[1, 4], vec![1.0, 2.0, 3.0, 4.0]);
        n.add("fc", Op::Gemm { trans_a: true, trans_b: false, alpha: 2.0, beta: 0.5 }, &[x, b, c]).unwrap()
    });
    assert_eq!(eval(&network, tensor(&[3, 2], vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]), &loader), expected);
}

#[test]
fn matmul_broadcasts_batches() {
    let a = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0];
    let expected = [4.0, 5.0, 10.0, 11.0, 1.0, 0.0, 1.0, 1.0];
    for b_shape in [&[3, 2][..], &[1, 3, 2]] {
        let (network, loader) = single(&[2, 2, 3], |n, _, x| {
            let b = constant(n, "b", b_shape, vec![1.0, 0.0, 0.0, 1.0, 1.0, 1.0]);
            n.add("mm", Op::MatMul, &[x, b]).unwrap()
        });
        assert_eq!(eval(&network, tensor(&[2, 2, 3], a.clone()), &loader), expected);
    }
}

#[test]
fn broadcasting_arithmetic() {
    type Case = (Op, &'static [i64], Vec<f32>, Vec<f32>);
    let cases: [Case; 4] = [
        (Op::Add, &[3], vec![10.0, 20.0, 30.0], vec![11.0, 22.0, 33.0, 14.0, 25.0, 36.0]),
        (Op::Sub, &[1], vec![1.0], vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]),
        (Op::Mul, &[1, 1, 3], vec![1.0, 0.0, -1.0], vec![1.0, 0.0, -3.0, 4.0, 0.0, -6.0]),
        (Op::Div, &[2, 1], vec![1.0, 2.0], vec![1.0, 2.0, 3.0, 2.0, 2.5, 3.0]),
    ];
    for (op, shape, operand, expected) in cases {
        let (network, loader) = single(&[2, 3], |n, _, x| {
            let other = constant(n, "other", shape, operand);
            n.add("op", op, &[x, other]).unwrap()
        });
        assert_eq!(eval(&network, tensor(&[2, 3], counting(6)), &loader), expected);
    }
    // Both operands broadcast: [2, 1] and [1, 3].
    let (network, loader) = single(&[2, 1], |n, _, x| {
        let row = constant(n, "row", &[1, 3], vec![10.0, 20.0, 30.0]);
        n.add("outer", Op::Mul, &[x, row]).unwrap()
    });
    assert_eq!(eval(&network, tensor(&[2, 1], vec![1.0, 2.0]), &loader), [10.0, 20.0, 30.0, 20.0, 40.0, 60.0]);
}

fn unary(op: Op, input: Vec<f32>) -> Vec<f32> {
    let len = input.len() as i64;
    let (network, loader) = single(&[len], |n, _, x| n.add("op", op, &[x]).unwrap());
    eval(&network, tensor(&[len], input), &loader)
}

#[test]
fn unary_operations() {
    assert_eq!(unary(Op::Relu, vec![-1.0, 0.0, 2.0]), [0.0, 0.0, 2.0]);
    assert_eq!(unary(Op::Clip { min: -1.0, max: 1.0 }, vec![-2.0, 0.5, 3.0]), [-1.0, 0.5, 1.0]);
    assert_close(&unary(Op::Sigmoid, vec![0.0, 100.0, -100.0, 2.0]), &[0.5, 1.0, 0.0, 0.880_797_1], 1e-7);
    assert_close(&unary(Op::HardSwish, vec![-4.0, -1.0, 0.0, 1.0, 4.0]), &[0.0, -1.0 / 3.0, 0.0, 2.0 / 3.0, 4.0], 1e-7);
    assert_close(&unary(Op::Sqrt, vec![4.0, 2.0]), &[2.0, std::f32::consts::SQRT_2], 0.0);
    assert_eq!(unary(Op::Identity, vec![1.0, -2.0]), [1.0, -2.0]);
    assert_eq!(unary(Op::Dropout { ratio: 0.5 }, vec![1.0, -2.0]), [1.0, -2.0]);
}

fn pool_network(op: Op, side: i64) -> (Network, MapLoader) {
    single(&[1, 1, side, side], |n, _, x| n.add("pool", op, &[x]).unwrap())
}

fn window(kernel: i64, stride: i64, pad: i64, dilation: i64) -> Window2d {
    Window2d { kernel: [kernel; 2], strides: [stride; 2], pads: [pad; 4], dilations: [dilation; 2] }
}

#[test]
fn max_pool_padding_never_wins() {
    let (network, loader) = pool_network(Op::MaxPool { window: window(2, 2, 1, 1), ceil_mode: false }, 4);
    let input: Vec<f32> = counting(16).iter().map(|v| -v).collect();
    let out = eval(&network, tensor(&[1, 1, 4, 4], input), &loader);
    assert_eq!(out, [-1.0, -2.0, -4.0, -5.0, -6.0, -8.0, -13.0, -14.0, -16.0]);
}

#[test]
fn max_pool_ceil_mode_and_dilation() {
    let (network, loader) = pool_network(Op::MaxPool { window: window(2, 2, 0, 1), ceil_mode: true }, 5);
    let out = eval(&network, tensor(&[1, 1, 5, 5], counting(25)), &loader);
    assert_eq!(out, [7.0, 9.0, 10.0, 17.0, 19.0, 20.0, 22.0, 24.0, 25.0]);
    let (network, loader) = pool_network(Op::MaxPool { window: window(2, 1, 0, 2), ceil_mode: false }, 4);
    assert_eq!(eval(&network, tensor(&[1, 1, 4, 4], counting(16)), &loader), [11.0, 12.0, 15.0, 16.0]);
}

#[test]
fn avg_pool_counts_padding_both_ways_with_ceil_mode() {
    // Ones, 6x6, kernel 3, stride 2, pad 1, ceil_mode: the last window reaches one past the padding.
    let include = Op::AvgPool { window: window(3, 2, 1, 1), ceil_mode: true, count_include_pad: true };
    let (network, loader) = pool_network(include, 6);
    let out = eval(&network, tensor(&[1, 1, 6, 6], vec![1.0; 36]), &loader);
    let edge = [2.0 / 3.0, 1.0, 1.0, 0.5];
    let corner_row = [4.0 / 9.0, 2.0 / 3.0, 2.0 / 3.0, 1.0 / 3.0];
    let last_row = [1.0 / 3.0, 0.5, 0.5, 0.25];
    let expected: Vec<f32> = [corner_row, edge, edge, last_row].concat();
    assert_close(&out, &expected, 1e-7);
    let exclude = Op::AvgPool { window: window(3, 2, 1, 1), ceil_mode: true, count_include_pad: false };
    let (network, loader) = pool_network(exclude, 6);
    assert_eq!(eval(&network, tensor(&[1, 1, 6, 6], vec![1.0; 36]), &loader), vec![1.0; 16]);
    // Without padding, a ceil_mode window past the end averages only what it covers.
    let plain = Op::AvgPool { window: window(2, 2, 0, 1), ceil_mode: true, count_include_pad: true };
    let (network, loader) = pool_network(plain, 3);
    assert_eq!(eval(&network, tensor(&[1, 1, 3, 3], counting(9)), &loader), [3.0, 4.5, 7.5, 9.0]);
}

#[test]
fn global_avg_pool_means_each_plane() {
    let (network, loader) = single(&[1, 2, 2, 2], |n, _, x| n.add("gap", Op::GlobalAvgPool, &[x]).unwrap());
    assert_eq!(eval(&network, tensor(&[1, 2, 2, 2], counting(8)), &loader), [2.5, 6.5]);
}

fn pad(mode: PadMode) -> Vec<f32> {
    let (network, loader) =
        single(&[2, 3], |n, _, x| n.add("pad", Op::Pad { pads: vec![1, 1, 0, 1], mode, value: 9.0 }, &[x]).unwrap());
    eval(&network, tensor(&[2, 3], counting(6)), &loader)
}

#[test]
fn pad_modes() {
    let constant = [9.0, 9.0, 9.0, 9.0, 9.0, 9.0, 1.0, 2.0, 3.0, 9.0, 9.0, 4.0, 5.0, 6.0, 9.0];
    assert_eq!(pad(PadMode::Constant), constant);
    let reflect = [5.0, 4.0, 5.0, 6.0, 5.0, 2.0, 1.0, 2.0, 3.0, 2.0, 5.0, 4.0, 5.0, 6.0, 5.0];
    assert_eq!(pad(PadMode::Reflect), reflect);
    let edge = [1.0, 1.0, 2.0, 3.0, 3.0, 1.0, 1.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0, 6.0, 6.0];
    assert_eq!(pad(PadMode::Edge), edge);
}

#[test]
fn softmax_is_stable() {
    let (network, loader) = single(&[2, 3], |n, _, x| n.add("softmax", Op::Softmax { axis: -1 }, &[x]).unwrap());
    let out = eval(&network, tensor(&[2, 3], vec![1.0, 2.0, 3.0, 1000.0, 1001.0, 1002.0]), &loader);
    let row = [0.090_030_57, 0.244_728_48, 0.665_240_94];
    assert_close(&out, &[row, row].concat(), 1e-7);
    let (network, loader) = single(&[2, 2], |n, _, x| n.add("softmax", Op::Softmax { axis: 0 }, &[x]).unwrap());
    let out = eval(&network, tensor(&[2, 2], vec![0.0, 5.0, 0.0, 5.0]), &loader);
    assert_eq!(out, [0.5, 0.5, 0.5, 0.5]);
}

#[test]
fn batch_norm_per_channel() {
    let (network, loader) = single(&[1, 2, 1, 2], |n, _, x| {
        let scale = constant(n, "scale", &[2], vec![2.0, 1.0]);
        let bias = constant(n, "bias", &[2], vec![1.0, 0.0]);
        let mean = constant(n, "mean", &[2], vec![1.0, 2.0]);
        let var = constant(n, "var", &[2], vec![3.0, 3.0]);
        n.add("bn", Op::BatchNorm { epsilon: 1.0 }, &[x, scale, bias, mean, var]).unwrap()
    });
    assert_eq!(eval(&network, tensor(&[1, 2, 1, 2], vec![1.0, 3.0, 2.0, 4.0]), &loader), [1.0, 3.0, 0.0, 1.0]);
}

#[test]
fn layout_operations() {
    let (network, loader) =
        single(&[1, 2, 2, 2], |n, _, x| n.add("t", Op::Transpose { perm: vec![0, 2, 3, 1] }, &[x]).unwrap());
    let out = eval(&network, tensor(&[1, 2, 2, 2], counting(8)), &loader);
    assert_eq!(out, [1.0, 5.0, 2.0, 6.0, 3.0, 7.0, 4.0, 8.0]);

    let (network, loader) = single(&[1, 1, 2], |n, _, x| {
        let other = constant(n, "other", &[1, 2, 2], vec![3.0, 4.0, 5.0, 6.0]);
        n.add("cat", Op::Concat { axis: 1 }, &[x, other]).unwrap()
    });
    let outputs = run(&network, &[tensor(&[1, 1, 2], vec![1.0, 2.0])], &loader).unwrap();
    assert_eq!(outputs[0].shape, [1, 3, 2]);
    assert_eq!(values(&outputs[0]), counting(6));

    let (network, loader) = single(&[1, 2, 2, 2], |n, _, x| {
        let flat = n.add("flatten", Op::Flatten { axis: 1 }, &[x]).unwrap();
        n.add_reshape("reshape", flat, &[2, 4]).unwrap()
    });
    let outputs = run(&network, &[tensor(&[1, 2, 2, 2], counting(8))], &loader).unwrap();
    assert_eq!(outputs[0].shape, [2, 4]);
    assert_eq!(values(&outputs[0]), counting(8));
}

#[test]
fn results_are_identical_run_to_run() {
    let (network, loader) = single(&[1, 3, 9, 9], |n, l, x| {
        let mut rng = crate::support::Rng::new(7);
        let w = l.weight(n, "w", &[8, 3, 3, 3], rng.floats(216, 1.0));
        n.add("conv", conv([1, 1], [1; 4], [1, 1], 1), &[x, w]).unwrap()
    });
    let input = tensor(&[1, 3, 9, 9], crate::support::Rng::new(8).floats(243, 1.0));
    let first = eval(&network, input.clone(), &loader);
    for _ in 0..3 {
        let again = eval(&network, input.clone(), &loader);
        assert!(first.iter().zip(&again).all(|(a, b)| a.to_bits() == b.to_bits()));
    }
}
