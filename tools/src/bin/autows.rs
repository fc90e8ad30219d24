//! `autows`: the end-to-end driver.

fn main() -> std::process::ExitCode {
    autows_tools::driver::main_with_args(std::env::args().skip(1).collect())
}
