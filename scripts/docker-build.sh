#!/usr/bin/env bash
# Builds the zoneguard image where a container engine is available (docker, or podman as docker).
#   scripts/docker-build.sh [TAG]         default tag: zoneguard/zoneguard:<package.json version>
# Env: ENGINE (docker|podman), PLATFORM (e.g. linux/amd64,linux/arm64 with buildx), PUSH=1.
set -euo pipefail
cd "$(dirname "$0")/.."

version="$(node -p "require('./package.json').version")"
tag="${1:-zoneguard/zoneguard:${version}}"
engine="${ENGINE:-}"
if [ -z "$engine" ]; then
  for e in docker podman; do
    if command -v "$e" >/dev/null 2>&1 && "$e" info >/dev/null 2>&1; then engine="$e"; break; fi
  done
fi
if [ -z "$engine" ]; then
  echo "docker-build: no working container engine (docker or podman) here; nothing built" >&2
  exit 1
fi

args=(build --file Dockerfile --tag "$tag" --label "org.opencontainers.image.version=${version}")
rev="$(git rev-parse --short HEAD 2>/dev/null || true)"
[ -n "$rev" ] && args+=(--label "org.opencontainers.image.revision=${rev}")
if [ -n "${PLATFORM:-}" ]; then
  args=(buildx "${args[@]}" --platform "$PLATFORM")
  [ "${PUSH:-0}" = 1 ] && args+=(--push)
fi
echo "docker-build: $engine ${args[*]} ." >&2
"$engine" "${args[@]}" .
if [ -z "${PLATFORM:-}" ] && [ "${PUSH:-0}" = 1 ]; then "$engine" push "$tag"; fi
# smoke test: the entrypoint runs and prints the CLI help, as the non-root user
"$engine" run --rm "$tag" --help >/dev/null
echo "docker-build: built $tag" >&2
