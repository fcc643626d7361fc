//! The `assetlint` binary: everything happens in [`assetlint::cli`].

fn main() -> std::process::ExitCode {
    assetlint::cli::main()
}
