//! A design written in fpgaConvNet's config schema reads back as the same design, with the same cost.

mod reference;

use autows_cost::{parse_config, write_config, CostModel, FpgaConvNetModel};
use autows_device::Device;
use reference::reference_design;

#[test]
fn the_reference_design_round_trips() {
    let design = reference_design();
    let text = write_config(&design).expect("serialisable");
    let again = parse_config(&text, "written").unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(again.partitions.len(), design.partitions.len());
    assert_eq!(again.partitions[0].pipeline, design.partitions[0].pipeline);
    let device = Device::builtin("zcu102").expect("built-in device");
    let model = FpgaConvNetModel::fpgaconvnet();
    let before = model.evaluate(&design.partitions[0].pipeline, &device).expect("valid");
    let after = model.evaluate(&again.partitions[0].pipeline, &device).expect("valid");
    assert_eq!(before.pipeline.cycles, after.pipeline.cycles);
    assert_eq!(before.pipeline.resources, after.pipeline.resources);
    // Written twice, the same bytes.
    assert_eq!(text, write_config(&again).expect("serialisable"));
}
