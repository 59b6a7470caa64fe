#!/usr/bin/env bash
# Installs what the project needs beyond Deno and gcc, once per machine:
# clang (compiler peer), llvm (llvm-mca, a cost-model peer), libsleef-dev
# (vector math) and chromium (renders the HTML report in tests). Quiet and
# quick when everything is present.
set -euo pipefail

need=()
command -v gcc >/dev/null || need+=(gcc)
command -v clang >/dev/null || need+=(clang)
command -v llvm-mca >/dev/null || need+=(llvm)
# Debian puts the header under the multiarch directory (/usr/include/x86_64-linux-gnu/).
compgen -G "/usr/include/sleef.h" >/dev/null || compgen -G "/usr/include/*/sleef.h" >/dev/null || need+=(libsleef-dev)
command -v chromium >/dev/null || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then exit 0; fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "setup: missing ${need[*]} and not root; install them with apt-get" >&2
    exit 1
  fi
fi
echo "setup: installing ${need[*]} (Debian packages)" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "setup: done" >&2
