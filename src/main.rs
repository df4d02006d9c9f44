use std::process::ExitCode;

fn main() -> ExitCode {
    // Usage errors exit 2 (clap's own exit); everything else that fails exits 1.
    let cli = debrief::cli::parse_args();
    match debrief::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped early (`debrief event list KEY | head`) is not a failure.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("debrief: {}", debrief::text::inert(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    use debrief::store::StoreError;
    e.chain().any(|cause| {
        let io = cause
            .downcast_ref::<std::io::Error>()
            .or(match cause.downcast_ref() {
                Some(StoreError::Io(io)) => Some(io),
                _ => None,
            });
        io.is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
