//! The `lambda-vpc-lint` binary: a thin shell over the library; see `cli`.

fn main() -> std::process::ExitCode {
    lambda_vpc_lint::cli::run()
}
