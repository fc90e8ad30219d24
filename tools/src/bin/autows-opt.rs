//! `autows-opt`: the mlir-opt of autows.

fn main() -> std::process::ExitCode {
    autows_tools::opt::main_with_args(std::env::args().skip(1).collect())
}
