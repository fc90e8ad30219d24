//! The rewrite rules, each named as it appears in the report of which rules fired.
//!
//! Every rule preserves the reference interpreter's semantics: exactly, or up to float rounding where weight
//! arithmetic is reassociated (batch normalisation, scales and biases folded into a convolution). Those marked
//! "rounding" stand down on a quantised network ([`ShapeAnalysis::quantized`]), where they would move an
//! operation across a requantisation and change bits; every other rule is exact on integer codes too. Rules that
//! need more than a pattern check their preconditions on the [`ShapeAnalysis`] facts and build their right-hand
//! sides through [`add_checked`], so no ill-typed node enters the e-graph.
//!
//! | rule | rewrite | exact? |
//! |---|---|---|
//! | `batchnorm-into-conv`, `batchnorm-into-biased-conv` | `batchnorm(conv(x, w [, c]), s, b, m, v)` → `conv(x, w * f, b - m * f)` (or `(c - m) * f + b`), `f = s / sqrt(v + eps)` reshaped to `[F,1,1,1]` for the weight | rounding |
//! | `scale-into-conv` (and `-left`, `biased-`) | `conv(x, w [, b]) * k`, `k` weights only, of shape `[C,1,1]`, `[1,C,1,1]` or one element → `conv(x, w * k [, b * k])` | rounding |
//! | `bias-into-conv` (and `-left`, `biased-`) | `conv(x, w) + k` → `conv(x, w, k)`; `conv(x, w, c) + k` → `conv(x, w, c + k)`; `k` weights only, one per channel | exact / rounding |
//! | `pad-into-conv`, `pad-into-biased-conv` | `conv(pad(x, zeros on H and W))` → `conv(x)` with the pads added | exact |
//! | `pad-into-maxpool` | `maxpool(pad(x, -inf on H and W))` → `maxpool(x)` with the pads added; floor mode, unit dilation, each pad at most kernel - 1 so no window holds padding only | exact |
//! | `pad-into-avgpool` | `avgpool(pad(x, zeros on H and W))` with `count_include_pad`, floor mode → `avgpool(x)` with the pads added | exact |
//! | `relu-idempotence` | `relu(relu(x))` → `relu(x)` | exact |
//! | `maxpool-relu-commute`, `relu-maxpool-commute` | `maxpool(relu(x))` ↔ `relu(maxpool(x))`: both monotone, padding never wins | exact |
//! | `flatten-as-reshape` | `flatten(x)` → `reshape(x)` to the same shape, so chains of both collapse | exact |
//! | `reshape-chain` | `reshape(reshape(x))` → `reshape(x)` | exact |
//! | `reshape-noop` | `reshape(x)` to `x`'s own shape → `x` | exact |
//! | `identity-removal`, `dropout-removal` | `identity(x)`, `dropout(x)` → `x` | exact |
//! | `transpose-pair` | `transpose(transpose(x, q), p)` → `transpose(x, q∘p)`, or `x` when that is the identity | exact |
//! | `transpose-noop` | `transpose(x, identity)` → `x` | exact |
//! | `add-zero`, `add-zero-left`, `sub-zero` | `x + 0`, `0 + x`, `x - 0` → `x` when the result has `x`'s type | exact |
//! | `mul-one`, `mul-one-left`, `div-one` | `x * 1`, `1 * x`, `x / 1` → `x` when the result has `x`'s type | exact |
//! | `constant-fold` | an operation on small inline constants → the constant it computes | exact |
//!
//! Pads on other dimensions, other fill values and reflect or edge padding are left alone: the windows of
//! `conv2d` and the pools only pad `H` and `W`, with zeros (taps skipped) or, for `maxpool`, never-winning
//! values.

use crate::{
    analysis::{add_checked, param, tensor, ClassData, ShapeAnalysis},
    language::{ConstLeaf, Graph, PadFill, Param},
};
use autows_network::{ElementType, Tensor, TensorType};
use egg::{Applier, EGraph, Id, Pattern, PatternAst, Rewrite, SearchMatches, Searcher, Subst, Symbol, Var};

/// The e-graph the rules work on.
pub type Egraph = EGraph<Graph, ShapeAnalysis>;
/// One rule.
pub type Rule = Rewrite<Graph, ShapeAnalysis>;

type BuildFn = dyn Fn(&mut Egraph, Id, &Subst) -> Option<Id> + Send + Sync;

/// A right-hand side computed in Rust: returns the class equal to the match, or `None` when a precondition
/// fails.
struct Build(Box<BuildFn>);

impl Applier<Graph, ShapeAnalysis> for Build {
    fn apply_one(
        &self,
        egraph: &mut Egraph,
        eclass: Id,
        subst: &Subst,
        _searcher_ast: Option<&PatternAst<Graph>>,
        _rule_name: Symbol,
    ) -> Vec<Id> {
        match (self.0)(egraph, eclass, subst) {
            Some(id) if egraph.union(eclass, id) => vec![eclass],
            _ => vec![],
        }
    }
}

fn pattern(text: &str) -> Result<Pattern<Graph>, String> {
    text.parse().map_err(|error| format!("pattern '{text}': {error}"))
}

fn var(name: &str) -> Result<Var, String> {
    name.parse().map_err(|_| format!("'{name}' is not a pattern variable"))
}

fn simple(name: &str, lhs: &str, rhs: &str) -> Result<Rule, String> {
    Rewrite::new(name, pattern(lhs)?, pattern(rhs)?)
}

fn custom(
    name: &str,
    lhs: &str,
    build: impl Fn(&mut Egraph, Id, &Subst) -> Option<Id> + Send + Sync + 'static,
) -> Result<Rule, String> {
    Rewrite::new(name, pattern(lhs)?, Build(Box::new(build)))
}

fn ty(egraph: &Egraph, id: Id) -> Option<TensorType> {
    tensor(egraph, id).map(|info| info.ty.clone())
}

/// `id` reshaped to `target`, with no reshape when it already has that shape.
fn reshaped(egraph: &mut Egraph, id: Id, target: Vec<i64>) -> Option<Id> {
    if ty(egraph, id)?.shape == target {
        return Some(id);
    }
    let shape = egraph.add(Graph::Param(Param::Shape(target)));
    add_checked(egraph, Graph::Reshape([shape, id]))
}

fn binary(egraph: &mut Egraph, make: fn([Id; 2]) -> Graph, lhs: Id, rhs: Id) -> Option<Id> {
    add_checked(egraph, make([lhs, rhs]))
}

/// How many channels an operand `k` scales or shifts in an `[N,C,H,W]` result `out`: only shapes that broadcast
/// along `C` alone (`[C,1,1]`, `[1,C,1,1]`: `Some(C)`) or not at all (one element: `Some(1)`) count, since only
/// those act per output channel.
fn channel_count(k: &TensorType, out: &TensorType) -> Option<i64> {
    if out.shape.len() != 4 || k.shape.len() > 4 || k.element != ElementType::F32 {
        return None;
    }
    let mut padded = vec![1; 4 - k.shape.len()];
    padded.extend_from_slice(&k.shape);
    let per_channel = padded[1] == 1 || padded[1] == out.shape[1];
    (padded[0] == 1 && padded[2] == 1 && padded[3] == 1 && per_channel).then_some(padded[1])
}

/// A weight-only operand's channel count, if it is one of the per-channel shapes of [`channel_count`].
fn weight_channels(egraph: &Egraph, k: Id, out: &TensorType) -> Option<i64> {
    let info = tensor(egraph, k)?;
    if !info.weight_only {
        return None;
    }
    channel_count(&info.ty, out)
}

fn batchnorm_into_conv(biased: bool) -> Result<Rule, String> {
    let lhs = if biased {
        "(batchnorm ?eps (conv2d_bias ?p ?x ?w ?c) ?s ?b ?m ?v)"
    } else {
        "(batchnorm ?eps (conv2d ?p ?x ?w) ?s ?b ?m ?v)"
    };
    let [eps, p, x, w, c, s, b, m, v] = ["?eps", "?p", "?x", "?w", "?c", "?s", "?b", "?m", "?v"].map(var);
    let (eps, p, x, w, c, s, b, m, v) = (eps?, p?, x?, w?, c?, s?, b?, m?, v?);
    let name = if biased { "batchnorm-into-biased-conv" } else { "batchnorm-into-conv" };
    custom(name, lhs, move |egraph, _, subst| {
        if egraph.analysis.quantized {
            return None;
        }
        let Some(Param::Epsilon(epsilon)) = param(egraph, subst[eps]).cloned() else { return None };
        let filters = *ty(egraph, subst[w])?.shape.first()?;
        for id in [subst[s], subst[b], subst[m], subst[v]] {
            let info = tensor(egraph, id)?;
            if !info.weight_only || info.ty != TensorType::f32([filters]) {
                return None;
            }
        }
        let epsilon = egraph.add(Graph::Const(ConstLeaf::new(Tensor::from_f32([1], vec![epsilon.get()])?)));
        let shifted = binary(egraph, Graph::Add, subst[v], epsilon)?;
        let deviation = add_checked(egraph, Graph::Sqrt(shifted))?;
        let factor = binary(egraph, Graph::Div, subst[s], deviation)?;
        let per_filter = reshaped(egraph, factor, vec![filters, 1, 1, 1])?;
        let weight = binary(egraph, Graph::Mul, subst[w], per_filter)?;
        let bias = if biased {
            let centred = binary(egraph, Graph::Sub, subst[c], subst[m])?;
            let scaled = binary(egraph, Graph::Mul, centred, factor)?;
            binary(egraph, Graph::Add, scaled, subst[b])?
        } else {
            let scaled = binary(egraph, Graph::Mul, subst[m], factor)?;
            binary(egraph, Graph::Sub, subst[b], scaled)?
        };
        add_checked(egraph, Graph::ConvBias([subst[p], subst[x], weight, bias]))
    })
}

/// `scale-into-conv` and `bias-into-conv`, for the conv on either side and with or without a bias.
fn channelwise_into_conv(scale: bool, conv_first: bool, biased: bool) -> Result<Rule, String> {
    let op = if scale { "mul" } else { "add" };
    let conv = if biased { "(conv2d_bias ?p ?x ?w ?b)" } else { "(conv2d ?p ?x ?w)" };
    let lhs = if conv_first { format!("({op} {conv} ?k)") } else { format!("({op} ?k {conv})") };
    let [p, x, w, b, k] = ["?p", "?x", "?w", "?b", "?k"].map(var);
    let (p, x, w, b, k) = (p?, x?, w?, b?, k?);
    let name = format!(
        "{}-into-{}conv{}",
        if scale { "scale" } else { "bias" },
        if biased { "biased-" } else { "" },
        if conv_first { "" } else { "-left" }
    );
    custom(&name, &lhs, move |egraph, eclass, subst| {
        if egraph.analysis.quantized {
            return None;
        }
        let out = ty(egraph, eclass)?;
        let channels = weight_channels(egraph, subst[k], &out)?;
        let filters = out.shape[1];
        if scale {
            let per_filter = reshaped(egraph, subst[k], vec![channels, 1, 1, 1])?;
            let weight = binary(egraph, Graph::Mul, subst[w], per_filter)?;
            if biased {
                let per_channel = reshaped(egraph, subst[k], vec![channels])?;
                let bias = binary(egraph, Graph::Mul, subst[b], per_channel)?;
                add_checked(egraph, Graph::ConvBias([subst[p], subst[x], weight, bias]))
            } else {
                add_checked(egraph, Graph::Conv([subst[p], subst[x], weight]))
            }
        } else {
            if channels != filters {
                return None;
            }
            let shift = reshaped(egraph, subst[k], vec![filters])?;
            let bias = if biased { binary(egraph, Graph::Add, subst[b], shift)? } else { shift };
            add_checked(egraph, Graph::ConvBias([subst[p], subst[x], subst[w], bias]))
        }
    })
}

/// The `[top, left, bottom, right]` padding of a constant pad of `value` on `H` and `W` only.
fn spatial_pads(param: Option<&Param>, accept: impl Fn(f32) -> bool) -> Option<[i64; 4]> {
    let Some(Param::Pad { pads, fill: PadFill::Constant, value }) = param else { return None };
    if pads.len() != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 || !accept(value.get()) {
        return None;
    }
    Some([pads[2], pads[3], pads[6], pads[7]])
}

fn add_pads(a: [i64; 4], b: [i64; 4]) -> [i64; 4] {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]]
}

fn pad_into_conv(biased: bool) -> Result<Rule, String> {
    let lhs = if biased { "(conv2d_bias ?p (pad ?q ?x) ?w ?b)" } else { "(conv2d ?p (pad ?q ?x) ?w)" };
    let [p, q, x, w, b] = ["?p", "?q", "?x", "?w", "?b"].map(var);
    let (p, q, x, w, b) = (p?, q?, x?, w?, b?);
    let name = if biased { "pad-into-biased-conv" } else { "pad-into-conv" };
    custom(name, lhs, move |egraph, _, subst| {
        let extra = spatial_pads(param(egraph, subst[q]), |value| value == 0.0)?;
        let Some(Param::Conv { strides, pads, dilations, groups }) = param(egraph, subst[p]).cloned() else {
            return None;
        };
        let conv = Param::Conv { strides, pads: add_pads(pads, extra), dilations, groups };
        let conv = egraph.add(Graph::Param(conv));
        if biased {
            add_checked(egraph, Graph::ConvBias([conv, subst[x], subst[w], subst[b]]))
        } else {
            add_checked(egraph, Graph::Conv([conv, subst[x], subst[w]]))
        }
    })
}

fn pad_into_pool(max: bool) -> Result<Rule, String> {
    let [p, q, x] = ["?p", "?q", "?x"].map(var);
    let (p, q, x) = (p?, q?, x?);
    let (name, lhs) = if max {
        ("pad-into-maxpool", "(maxpool ?p (pad ?q ?x))")
    } else {
        ("pad-into-avgpool", "(avgpool ?p (pad ?q ?x))")
    };
    custom(name, lhs, move |egraph, _, subst| {
        let fill = if max { f32::NEG_INFINITY } else { 0.0 };
        let extra = spatial_pads(param(egraph, subst[q]), |value| value == fill)?;
        let pool = match param(egraph, subst[p]).cloned()? {
            Param::MaxPool { mut window, ceil_mode: false } if max && window.dilations == [1, 1] => {
                window.pads = add_pads(window.pads, extra);
                let [rows, cols] = window.kernel;
                let fits =
                    window.pads[0] < rows && window.pads[2] < rows && window.pads[1] < cols && window.pads[3] < cols;
                fits.then_some(Param::MaxPool { window, ceil_mode: false })?
            }
            Param::AvgPool { mut window, ceil_mode: false, count_include_pad: true } if !max => {
                window.pads = add_pads(window.pads, extra);
                Param::AvgPool { window, ceil_mode: false, count_include_pad: true }
            }
            _ => return None,
        };
        let pool = egraph.add(Graph::Param(pool));
        add_checked(egraph, if max { Graph::MaxPool([pool, subst[x]]) } else { Graph::AvgPool([pool, subst[x]]) })
    })
}

fn flatten_as_reshape() -> Result<Rule, String> {
    custom("flatten-as-reshape", "(flatten ?a ?x)", move |egraph, eclass, subst| {
        let target = ty(egraph, eclass)?.shape;
        let x = var("?x").ok()?;
        reshaped(egraph, subst[x], target)
    })
}

fn reshape_noop() -> Result<Rule, String> {
    let [s, x] = ["?s", "?x"].map(var);
    let (s, x) = (s?, x?);
    custom("reshape-noop", "(reshape ?s ?x)", move |egraph, _, subst| {
        let Some(Param::Shape(target)) = param(egraph, subst[s]) else { return None };
        (ty(egraph, subst[x])?.shape == *target).then_some(subst[x])
    })
}

fn is_identity(perm: &[i64]) -> bool {
    perm.iter().enumerate().all(|(index, &axis)| axis == index as i64)
}

fn transpose_rules() -> Result<Vec<Rule>, String> {
    let [p, q, x] = ["?p", "?q", "?x"].map(var);
    let (p, q, x) = (p?, q?, x?);
    let pair = custom("transpose-pair", "(transpose ?p (transpose ?q ?x))", move |egraph, _, subst| {
        let (Some(Param::Perm(outer)), Some(Param::Perm(inner))) = (param(egraph, subst[p]), param(egraph, subst[q]))
        else {
            return None;
        };
        let composed: Option<Vec<i64>> =
            outer.iter().map(|&axis| usize::try_from(axis).ok().and_then(|axis| inner.get(axis).copied())).collect();
        let composed = composed?;
        if is_identity(&composed) {
            return Some(subst[x]);
        }
        let perm = egraph.add(Graph::Param(Param::Perm(composed)));
        add_checked(egraph, Graph::Transpose([perm, subst[x]]))
    })?;
    let noop = custom("transpose-noop", "(transpose ?p ?x)", move |egraph, _, subst| {
        let Some(Param::Perm(perm)) = param(egraph, subst[p]) else { return None };
        is_identity(perm).then_some(subst[x])
    })?;
    Ok(vec![pair, noop])
}

/// `x op k` → `x` where `k` is a constant of `neutral` everywhere and the result keeps `x`'s type.
fn neutral_operand(name: &str, lhs: &str, neutral: f32) -> Result<Rule, String> {
    let [x, k] = ["?x", "?k"].map(var);
    let (x, k) = (x?, k?);
    custom(name, lhs, move |egraph, eclass, subst| {
        let constant = tensor(egraph, subst[k])?.constant.as_ref()?;
        if !ConstLeaf::new(constant.clone()).all_equal(neutral) {
            return None;
        }
        (ty(egraph, eclass)? == ty(egraph, subst[x])?).then_some(subst[x])
    })
}

/// Matches every e-class that has a known constant value but no constant leaf yet.
struct FoldableClasses;

impl Searcher<Graph, ShapeAnalysis> for FoldableClasses {
    fn search_eclass_with_limit(&self, egraph: &Egraph, eclass: Id, limit: usize) -> Option<SearchMatches<'_, Graph>> {
        let class = &egraph[eclass];
        let ClassData::Tensor(info) = &class.data else { return None };
        if limit == 0 || info.constant.is_none() || class.nodes.iter().any(|node| matches!(node, Graph::Const(_))) {
            return None;
        }
        Some(SearchMatches { eclass, substs: vec![Subst::default()], ast: None })
    }

    fn vars(&self) -> Vec<Var> {
        Vec::new()
    }
}

fn constant_fold() -> Result<Rule, String> {
    let build = Build(Box::new(|egraph: &mut Egraph, eclass: Id, _: &Subst| {
        let value = tensor(egraph, eclass)?.constant.clone()?;
        Some(egraph.add(Graph::Const(ConstLeaf::new(value))))
    }));
    Rewrite::new("constant-fold", FoldableClasses, build)
}

/// Every rule.
pub fn all() -> Result<Vec<Rule>, String> {
    let mut rules = vec![
        simple("identity-removal", "(identity ?x)", "?x")?,
        simple("dropout-removal", "(dropout ?p ?x)", "?x")?,
        simple("relu-idempotence", "(relu (relu ?x))", "(relu ?x)")?,
        simple("maxpool-relu-commute", "(maxpool ?p (relu ?x))", "(relu (maxpool ?p ?x))")?,
        simple("relu-maxpool-commute", "(relu (maxpool ?p ?x))", "(maxpool ?p (relu ?x))")?,
        simple("reshape-chain", "(reshape ?s (reshape ?t ?x))", "(reshape ?s ?x)")?,
        flatten_as_reshape()?,
        reshape_noop()?,
        batchnorm_into_conv(false)?,
        batchnorm_into_conv(true)?,
        pad_into_conv(false)?,
        pad_into_conv(true)?,
        pad_into_pool(true)?,
        pad_into_pool(false)?,
        neutral_operand("add-zero", "(add ?x ?k)", 0.0)?,
        neutral_operand("add-zero-left", "(add ?k ?x)", 0.0)?,
        neutral_operand("sub-zero", "(sub ?x ?k)", 0.0)?,
        neutral_operand("mul-one", "(mul ?x ?k)", 1.0)?,
        neutral_operand("mul-one-left", "(mul ?k ?x)", 1.0)?,
        neutral_operand("div-one", "(div ?x ?k)", 1.0)?,
        constant_fold()?,
    ];
    rules.extend(transpose_rules()?);
    for scale in [true, false] {
        for conv_first in [true, false] {
            for biased in [false, true] {
                rules.push(channelwise_into_conv(scale, conv_first, biased)?);
            }
        }
    }
    Ok(rules)
}
