#!/usr/bin/env bash
# Installs lambda-vpc-lint for the GitHub Action (action.yml): downloads the release archive built
# for this runner, checks it against its published SHA-256, and puts the binary on PATH. Builds
# from the action's own source with cargo only when LVL_BUILD_FROM_SOURCE is true.
#
# Inputs (environment): LVL_VERSION (empty: the action's own version), LVL_BUILD_FROM_SOURCE,
# LVL_ACTION_PATH, LVL_ACTION_REF, RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH.
# LVL_RELEASES_URL overrides where releases are downloaded from (tests use a file:// URL).
set -euo pipefail

repo_url="https://github.com/lambda-vpc-lint/lambda-vpc-lint"
releases="${LVL_RELEASES_URL:-$repo_url/releases/download}"
root="${RUNNER_TEMP:?}/lambda-vpc-lint"
mkdir -p "$root/bin"

if [ "${LVL_BUILD_FROM_SOURCE:-false}" = true ]; then
  echo "Building lambda-vpc-lint from ${LVL_ACTION_PATH:?} with cargo (build-from-source: true)"
  cargo install --locked --quiet --path "$LVL_ACTION_PATH" --root "$root"
  echo "$root/bin" >>"${GITHUB_PATH:?}"
  exit 0
fi

# The version: the input, else the tag the action was used at (uses: …@v1.2.3), else the version
# of the action's own Cargo.toml (a branch or a commit of the action).
version="${LVL_VERSION:-}"
if [ -z "$version" ] && [[ "${LVL_ACTION_REF:-}" =~ ^v?[0-9]+\.[0-9]+\.[0-9]+([-+].*)?$ ]]; then
  version="$LVL_ACTION_REF"
fi
if [ -z "$version" ]; then
  version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "${LVL_ACTION_PATH:?}/Cargo.toml" | head -n 1)
fi
version="${version#v}"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]]; then
  echo "::error::lambda-vpc-lint: '$version' is not a version (expected e.g. 0.2.0)"
  exit 2
fi

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-musl ext=tar.xz ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ext=tar.xz ;;
  macOS/X64) target=x86_64-apple-darwin ext=tar.xz ;;
  macOS/ARM64) target=aarch64-apple-darwin ext=tar.xz ;;
  Windows/X64) target=x86_64-pc-windows-msvc ext=zip ;;
  *)
    echo "::error::lambda-vpc-lint has no release binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}; set build-from-source: true"
    exit 2
    ;;
esac

archive="lambda-vpc-lint-$target.$ext"
url="$releases/v$version/$archive"
work=$(mktemp -d)
echo "Downloading lambda-vpc-lint $version for $target"
curl --fail --silent --show-error --location --retry 3 --output "$work/$archive" "$url"
curl --fail --silent --show-error --location --retry 3 --output "$work/$archive.sha256" "$url.sha256"

# The .sha256 file is `<hash>  <name>` (or `<hash> *<name>`): compare the hash only.
expected=$(awk '{print $1; exit}' "$work/$archive.sha256")
if command -v sha256sum >/dev/null; then
  actual=$(sha256sum "$work/$archive" | awk '{print $1}')
else
  actual=$(shasum -a 256 "$work/$archive" | awk '{print $1}')
fi
if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
  echo "::error::lambda-vpc-lint: checksum mismatch for $archive (expected ${expected:-nothing}, got $actual)"
  exit 1
fi

case "$ext" in
  tar.xz) tar -xJf "$work/$archive" -C "$work" ;;
  zip) unzip -q "$work/$archive" -d "$work" ;;
esac
binary=$(find "$work" -type f \( -name lambda-vpc-lint -o -name lambda-vpc-lint.exe \) | head -n 1)
if [ -z "$binary" ]; then
  echo "::error::lambda-vpc-lint: $archive holds no lambda-vpc-lint binary"
  exit 1
fi
install -m 0755 "$binary" "$root/bin/"
rm -rf "$work"
echo "$root/bin" >>"${GITHUB_PATH:?}"
"$root/bin/$(basename "$binary")" --version
