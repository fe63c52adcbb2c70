//! `two-stacks <outdir>`: synthesizes the [`cdk_stacks::two_stacks`] app into `<outdir>`.

fn main() -> std::process::ExitCode {
    cdk_stacks::main_for("two-stacks", cdk_stacks::two_stacks)
}
