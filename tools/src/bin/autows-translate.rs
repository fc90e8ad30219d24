//! `autows-translate`: the mlir-translate of autows.

fn main() -> std::process::ExitCode {
    autows_tools::translate::main_with_args(std::env::args().skip(1).collect())
}
