//! The regression coefficients compiled into the model equal fpgaConvNet's fitted values.

mod reference;

use autows_cost::coefficient_table;
use reference::reference_json;

#[test]
fn every_coefficient_equals_the_reference_file() {
    let reference = reference_json("fpgaconvnet-coefficients.json");
    let table = coefficient_table();
    assert_eq!(table.len(), 36);
    for (key, ours) in table {
        let expected: Vec<f64> = reference[key]
            .as_array()
            .unwrap_or_else(|| panic!("{key} missing from the reference"))
            .iter()
            .map(|value| value.as_f64().unwrap_or_else(|| panic!("{key} holds a non-number")))
            .collect();
        assert_eq!(ours, expected.as_slice(), "{key}");
    }
}
