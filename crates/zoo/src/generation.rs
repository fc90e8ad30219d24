//! Generating many weights at once, on every core: a VGG has 138 M values to draw and hash.

use crate::init::WeightSpec;
use autows_network::Tensor;
use std::{
    num::NonZeroUsize,
    sync::atomic::{AtomicUsize, Ordering},
    thread,
};

/// The checksum of every weight of `model`, in order.
pub fn checksums(model: &str, specs: &[&WeightSpec]) -> Vec<String> {
    map_in_parallel(specs, |spec| spec.checksum(model))
}

/// The tensor of every weight of `model`, in order.
pub fn tensors(model: &str, specs: &[&WeightSpec]) -> Vec<Tensor> {
    map_in_parallel(specs, |spec| spec.tensor(model))
}

/// `specs.map(work)`, the largest weights handed out first so that the workers finish together.
fn map_in_parallel<R: Send>(specs: &[&WeightSpec], work: impl Fn(&WeightSpec) -> R + Sync) -> Vec<R> {
    let workers = thread::available_parallelism().map_or(1, NonZeroUsize::get).min(specs.len());
    if workers <= 1 {
        return specs.iter().map(|spec| work(spec)).collect();
    }
    let mut order: Vec<usize> = (0..specs.len()).collect();
    order.sort_by_key(|&index| std::cmp::Reverse(specs[index].element_count()));
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<R>> = specs.iter().map(|_| None).collect();
    thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                        done.push((index, work(specs[index])));
                    }
                    done
                })
            })
            .collect();
        for handle in handles {
            let done = handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (index, result) in done {
                results[index] = Some(result);
            }
        }
    });
    results.into_iter().flatten().collect()
}
