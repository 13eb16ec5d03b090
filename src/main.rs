//! The `lambda-vpc-lint` binary: a thin shell over the library; see `cli`.

// Parsing builds many small trees and strings; the system allocator spent a third of a large
// run in malloc/free (perf, BENCHMARKS.md). mimalloc's thread-local heaps take most of that off.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    lambda_vpc_lint::cli::run()
}
