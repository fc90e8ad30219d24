//! Unique ONNX value names.
//!
//! ONNX graphs are in SSA form: every value (graph input, initializer, node output) has one name nothing else
//! uses, and the empty name means "omitted". A network's value names come from its source and need not be
//! unique, so each value keeps its own name where that is free and gets a numbered suffix where it is not.
//! Weights and constants are named after their nodes, because the importer names a weight node after its
//! initializer: a round trip then gives back the same node names.

use autows_network::{Network, Op};
use std::collections::HashSet;

/// The ONNX name of every value of a network, and of the helper tensors the exporter adds.
#[derive(Debug)]
pub(super) struct ValueNames {
    names: Vec<String>,
    taken: HashSet<String>,
}

impl ValueNames {
    /// Names every value of `network`, inputs and earlier values first, so that in a name clash the value that
    /// comes first keeps the name.
    pub fn new(network: &Network) -> Self {
        let mut names = Self { names: Vec::with_capacity(network.values.len()), taken: HashSet::new() };
        for (index, value) in network.values.iter().enumerate() {
            let node = value.producer.and_then(|producer| network.nodes.get(producer));
            let preferred = match node {
                Some(node) if matches!(node.op, Op::Weight { .. } | Op::Constant { .. }) => node.name.as_str(),
                _ if !value.name.is_empty() => value.name.as_str(),
                Some(node) => node.name.as_str(),
                None => "",
            };
            let name =
                if preferred.is_empty() { names.fresh(&format!("value{index}")) } else { names.fresh(preferred) };
            names.names.push(name);
        }
        names
    }

    /// The name of value `index`, if the network has it.
    pub fn get(&self, index: usize) -> Option<&str> {
        self.names.get(index).map(String::as_str)
    }

    /// A name no other value has: `base`, or `base_1`, `base_2`, ... when it is taken.
    pub fn fresh(&mut self, base: &str) -> String {
        let mut candidate = base.to_string();
        let mut suffix = 1;
        while self.taken.contains(&candidate) {
            candidate = format!("{base}_{suffix}");
            suffix += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use autows_network::{Tensor, TensorType};

    #[test]
    fn clashing_and_empty_names_become_unique() {
        let mut network = Network::new("n");
        let x = network.add_input("x", TensorType::f32([1, 2]));
        let relu = network.add("x", Op::Relu, &[x]).unwrap();
        network.values[relu.0].name = String::new();
        let constant = Tensor::from_f32([2], vec![1.0, 2.0]).unwrap();
        let c = network.add("bias", Op::Constant { value: constant }, &[]).unwrap();
        network.values[c.0].name = "something else".into();
        let mut names = ValueNames::new(&network);
        assert_eq!(names.get(x.0), Some("x"));
        assert_eq!(names.get(relu.0), Some("x_1"));
        assert_eq!(names.get(c.0), Some("bias"));
        assert_eq!(names.fresh("bias"), "bias_1");
        assert_eq!(names.fresh("bias"), "bias_2");
        assert_eq!(names.get(99), None);
    }
}
