//! `nested <outdir>`: synthesizes the [`cdk_stacks::nested`] app into `<outdir>`.

fn main() -> std::process::ExitCode {
    cdk_stacks::main_for("nested", cdk_stacks::nested)
}
