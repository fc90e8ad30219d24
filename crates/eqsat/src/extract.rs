//! Extraction that prices the network as built, where a value used twice is computed once.
//!
//! egg's extractor ranks each e-class by the cost of its best *term*, so an operand shared by two consumers is
//! charged to both. For a network that misleads: a convolution whose result feeds a per-channel scale and
//! something else looks cheaper with the scale folded into a second copy of the convolution, though the copy
//! doubles the engines and weights that matter. Here the term costs only seed the choice; a local search then
//! swaps the e-node chosen for one class at a time and keeps a swap when the cost of the whole extracted DAG
//! (each reachable class counted once) falls, never accepting a choice that would make the network cyclic.

use std::collections::{BTreeSet, HashMap};

use egg::{EGraph, Extractor, Id, Language};

use crate::{
    analysis::ShapeAnalysis,
    cost::{Cost, CostModel, ExtractionCost},
    language::Graph,
};

/// Sweeps over the reachable classes before the search stops even if swaps still help.
const MAX_SWEEPS: usize = 16;

/// The e-node chosen for every class the extracted network reaches.
pub(crate) struct Selection {
    chosen: HashMap<Id, Graph>,
}

impl Selection {
    /// The e-node chosen for `class` (canonical), if the extracted network reaches it.
    pub(crate) fn node(&self, class: Id) -> Option<&Graph> {
        self.chosen.get(&class)
    }
}

struct Search<'a> {
    egraph: &'a EGraph<Graph, ShapeAnalysis>,
    roots: Vec<Id>,
    /// Own cost of every e-node, by class and position in the class.
    own: HashMap<Id, Vec<Cost>>,
    /// Position of the chosen e-node in each class.
    choice: HashMap<Id, usize>,
}

impl Search<'_> {
    fn children(&self, class: Id) -> impl Iterator<Item = Id> + '_ {
        let node = &self.egraph[class].nodes[self.choice[&class]];
        node.children().iter().map(|&child| self.egraph.find(child))
    }

    /// The classes reachable from the roots in depth-first post-order and the summed cost of their chosen
    /// e-nodes, or `None` if the choice is cyclic.
    fn walk(&self) -> Option<(Vec<Id>, Cost)> {
        // 1: on the current path, 2: finished.
        let mut state: HashMap<Id, u8> = HashMap::new();
        let mut order = Vec::new();
        let mut total = Cost::default();
        for &root in &self.roots {
            if state.contains_key(&root) {
                continue;
            }
            let mut stack: Vec<(Id, Vec<Id>)> = vec![(root, self.children(root).collect())];
            state.insert(root, 1);
            while let Some((class, pending)) = stack.last_mut() {
                let class = *class;
                match pending.pop() {
                    Some(child) => match state.get(&child) {
                        Some(1) => return None,
                        Some(_) => {}
                        None => {
                            state.insert(child, 1);
                            let grandchildren = self.children(child).collect();
                            stack.push((child, grandchildren));
                        }
                    },
                    None => {
                        state.insert(class, 2);
                        total = total + self.own[&class][self.choice[&class]];
                        order.push(class);
                        stack.pop();
                    }
                }
            }
        }
        Some((order, total))
    }
}

/// Chooses an e-node for every class reachable from `roots`: the cheapest terms first, then single-class swaps
/// while the cost of the extracted DAG falls.
pub(crate) fn select(egraph: &EGraph<Graph, ShapeAnalysis>, model: &dyn CostModel, roots: &[Id]) -> Selection {
    let pricing = ExtractionCost { egraph, model };
    let tree = Extractor::new(egraph, ExtractionCost { egraph, model });
    let roots: Vec<Id> = roots.iter().map(|&root| egraph.find(root)).collect();
    let mut own = HashMap::new();
    let mut choice = HashMap::new();
    for class in egraph.classes() {
        own.insert(class.id, class.nodes.iter().map(|node| pricing.own(node)).collect::<Vec<_>>());
        let best = tree.find_best_node(class.id);
        choice.insert(class.id, class.nodes.iter().position(|node| node == best).unwrap_or(0));
    }
    let mut search = Search { egraph, roots, own, choice };
    if let Some((mut reachable, mut best)) = search.walk() {
        for _ in 0..MAX_SWEEPS {
            let mut improved = false;
            // A stable order keeps the result independent of hashing.
            let classes: BTreeSet<Id> = reachable.iter().copied().collect();
            for class in classes {
                let current = search.choice[&class];
                for candidate in 0..egraph[class].nodes.len() {
                    if candidate == search.choice[&class] {
                        continue;
                    }
                    let kept = search.choice.insert(class, candidate).unwrap_or(current);
                    match search.walk() {
                        Some((order, cost)) if cost < best => {
                            best = cost;
                            reachable = order;
                            improved = true;
                        }
                        _ => {
                            search.choice.insert(class, kept);
                        }
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }
    let chosen = search
        .walk()
        .map(|(order, _)| order)
        .unwrap_or_default()
        .into_iter()
        .map(|class| (class, egraph[class].nodes[search.choice[&class]].clone()))
        .collect();
    Selection { chosen }
}
