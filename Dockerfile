# lambda-vpc-lint in a container: a static (musl) binary on an empty base image.
#
#   docker build -t lambda-vpc-lint .
#   docker run --rm -v "$PWD:/src" lambda-vpc-lint .            # lint the current directory
#   docker run --rm -v "$PWD:/src" lambda-vpc-lint --format sarif --output lvl.sarif infra
#
# The linter is offline and reads only what it is given, so the image needs nothing but the
# binary: no shell, no certificates, no package manager.
FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /build
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY rules ./rules
COPY data ./data
COPY bench ./bench
COPY benches ./benches
COPY README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE ./
RUN cargo build --locked --profile dist --bin lambda-vpc-lint \
    && cp target/dist/lambda-vpc-lint /lambda-vpc-lint

FROM scratch
COPY --from=build /lambda-vpc-lint /usr/local/bin/lambda-vpc-lint
COPY LICENSE-MIT LICENSE-APACHE /usr/share/doc/lambda-vpc-lint/
# Mount the repository to lint here; paths in the report are relative to it.
WORKDIR /src
# Any user can run it: it writes nothing but stdout and --output.
USER 65534:65534
ENTRYPOINT ["/usr/local/bin/lambda-vpc-lint"]
CMD ["."]
