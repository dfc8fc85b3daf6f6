#!/usr/bin/env bash
# Builds the real components the tests prove the project against, from the Go module proxy, into an
# ignored cache folder that is reused when present (tools/README.md says what each one is for).
#
#   scripts/build-tools.sh            build what is missing, print where everything is
#   scripts/build-tools.sh --print    only print the bin folder (empty output when nothing is built)
#
# Each tool has its own module under tools/ (go.mod and go.sum pin every version), so each builds
# with exactly the dependency versions its own release was tested with. A tool's output folder is
# named after a hash of its go.mod, go.sum and the Go version, so a changed pin builds anew and an
# unchanged one is never rebuilt. Output: .cache/tools/<tool>-<hash>/ and one bin folder of links,
# .cache/tools/bin, that tests put first on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

if [[ "${1:-}" == "--print" ]]; then
  [[ -d "$root/.cache/tools/bin" ]] && (cd "$root/.cache/tools/bin" && pwd -P)
  exit 0
fi

# The physical path: links written through a symlinked .cache (a git worktree sharing the main
# checkout's) must not point into the worktree, or they break when it is removed.
cache="$(mkdir -p "$root/.cache/tools" && cd "$root/.cache/tools" && pwd -P)"
bin="$cache/bin"

export GOFLAGS="-buildvcs=false -mod=readonly"
export CGO_ENABLED=0
go_version="$(go env GOVERSION)"
mkdir -p "$bin"

say() { printf 'build-tools: %s\n' "$*" >&2; }

# hash of a tool module's pins, its own Go source if it has any (a program of ours, not a pinned
# upstream one), the compiler and how it is built (the builder function's text). A module with no
# dependencies has no go.sum.
stamp() {
  local files=("tools/$1/go.mod") sources
  [[ -f "tools/$1/go.sum" ]] && files+=("tools/$1/go.sum")
  mapfile -t sources < <(find "tools/$1" -name '*.go' | LC_ALL=C sort)
  cat "${files[@]}" "${sources[@]}" <(echo "$go_version") <(declare -f "$2") | sha256sum | cut -c1-12
}

# build TOOL CMD...: runs CMD in tools/TOOL with $out set to a fresh output folder, unless a
# finished folder for the same pins exists. A folder is finished only once its .done marker is
# written, so an interrupted build is redone, never half-used.
build() {
  local tool="$1"; shift
  local out="$cache/$tool-$(stamp "$tool" "$1")"
  if [[ -f "$out/.done" ]]; then
    say "$tool: cached ($out)"
  else
    say "$tool: building (go $go_version)…"
    local started=$SECONDS
    rm -rf "$out.partial" && mkdir -p "$out.partial"
    # A module that names a toolchain (an old release that today's Go no longer compiles) is built
    # with that Go, which the go command takes from the module proxy.
    local toolchain; toolchain="$(sed -n 's/^toolchain //p' "tools/$tool/go.mod")"
    (cd "tools/$tool" && GOTOOLCHAIN="${toolchain:-local}" out="$out.partial" "$@")
    rm -rf "$out" && mv "$out.partial" "$out" && touch "$out/.done"
    say "$tool: built in $((SECONDS - started)) s"
  fi
  for f in "$out"/*; do ln -sfn "$f" "$bin/$(basename "$f")"; done
}

kubo() {
  go build -trimpath -o "$out/ipfs$1" github.com/ipfs/kubo/cmd/ipfs
  # The image's start_ipfs and container_init_run, from the same module (kubo's Dockerfile copies them).
  local dir; dir="$(go list -m -f '{{.Dir}}' github.com/ipfs/kubo)"
  if [[ -z "$1" ]]; then
    install -m 0755 "$dir/bin/container_daemon" "$out/start_ipfs"
    install -m 0755 "$dir/bin/container_init_run" "$out/container_init_run"
  fi
}

# go_build NAME PACKAGE / go_test_binary NAME PACKAGE: run inside build(), where $out is set.
go_build() { go build -trimpath -o "$out/$1" "$2"; }
go_test_binary() { go test -c -trimpath -o "$out/$1" "$2"; }

build kubo kubo ""
# An older Kubo (repo version 16; v0.42 expects 18) to prove that an upgraded image migrates its repo.
build kubo-v0.36 kubo "-v0.36"
# The official registry image ships cmd/registry/config-example.yml as /etc/distribution/config.yml.
distribution() {
  go_build registry github.com/distribution/distribution/v3/cmd/registry
  install -m 0644 "$(go list -m -f '{{.Dir}}' github.com/distribution/distribution/v3)/cmd/registry/config-example.yml" "$out/distribution-config.yml"
}
build distribution distribution
build caddy go_build caddy github.com/caddyserver/caddy/v2/cmd/caddy
build conformance go_test_binary oci-conformance.test github.com/opencontainers/distribution-spec/conformance
build actionlint go_build actionlint github.com/rhysd/actionlint/cmd/actionlint
# Ours: the Go oracles of the golden-data tests. gosort-oracle prints the order Go's sort package
# leaves ties in (test/go-sort-golden.test.ts); units-oracle prints Go's answers for the SDL's
# numbers (test/units-golden.test.ts).
oracles() {
  go_build gosort-oracle ./gosort-oracle
  go_build units-oracle ./units-oracle
}
build oracles oracles

# OpenRegistry is not served by the module proxy here: say so with the proxy's exact answer, so the
# gap is visible in every CI log instead of being papered over (images/openregistry/README.md).
openregistry_commit="$(sed -n 's/^ARG OPENREGISTRY_COMMIT=//p' images/openregistry/Dockerfile)"
answer="$(cd "$(mktemp -d)" && GOFLAGS= go mod download -json "github.com/containerish/OpenRegistry@$openregistry_commit" 2>&1 | sed -n 's/.*"Error": "\(.*\)".*/\1/p' || true)"
if [[ -n "$answer" ]]; then
  say "OpenRegistry is not built: the Go module proxy refused github.com/containerish/OpenRegistry@$openregistry_commit: $answer"
  printf '%s\n' "$answer" > "$cache/openregistry.refused"
else
  rm -f "$cache/openregistry.refused"
  say "OpenRegistry@$openregistry_commit is now served by the proxy: build it (images/openregistry/README.md)"
fi

echo "$bin"
