//! The model families, one module each.

pub mod alexnet;
pub mod lenet;
pub mod mobilenet;
pub mod resnet;
pub mod vgg;
