//! The autows command-line tools. Each binary is a thin `main` over a module here.

pub mod compile;
pub mod dialect_docs;
pub mod driver;
pub mod npy;
pub mod opt;
pub mod output;
pub mod translate;
