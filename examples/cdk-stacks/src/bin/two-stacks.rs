//! `two-stacks <outdir>`: synthesizes the [`cdk_stacks::two_stacks`] app into `<outdir>`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let outdir = match cdk_stacks::outdir_arg("two-stacks") {
        Ok(d) => d,
        Err(usage) => {
            eprintln!("error: {usage}");
            return ExitCode::from(2);
        }
    };
    match cdk_stacks::two_stacks(&outdir).and_then(|app| app.synth()) {
        Ok(assembly) => {
            let names: Vec<&str> = assembly
                .stacks
                .iter()
                .map(|s| s.stack_name.as_str())
                .collect();
            println!("synthesized {} into {}", names.join(", "), outdir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
