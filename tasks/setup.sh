#!/usr/bin/env bash
# Installs what the project needs beyond Deno and gcc, once per machine:
# clang (compiler peer), llvm (llvm-mca, a cost-model peer), libsleef-dev
# (vector math) and chromium (renders the HTML report in tests). On an
# x86-64 host also what the NEON target needs (cross-compiled for aarch64,
# run under qemu-user): gcc-aarch64-linux-gnu, libc6-dev-arm64-cross,
# qemu-user and the arm64 SLEEF (libsleef-dev:arm64, Debian multiarch). The
# NEON part is optional: when it cannot be installed, one line says so and
# the NEON tests skip. Quiet and quick when everything is present.
set -euo pipefail

# The host's multiarch triplet (x86_64-linux-gnu on Debian amd64).
triplet="$(uname -m)-linux-gnu"

need=()
command -v gcc >/dev/null || need+=(gcc)
command -v clang >/dev/null || need+=(clang)
command -v llvm-mca >/dev/null || need+=(llvm)
# Debian puts the header under the multiarch directory (/usr/include/x86_64-linux-gnu/);
# the host's own, not the arm64 one the NEON part installs beside it.
[ -e /usr/include/sleef.h ] || [ -e "/usr/include/$triplet/sleef.h" ] || need+=(libsleef-dev)
command -v chromium >/dev/null || need+=(chromium)

neon=()
if [ "$(uname -m)" = x86_64 ]; then
  command -v aarch64-linux-gnu-gcc >/dev/null || neon+=(gcc-aarch64-linux-gnu)
  [ -e /usr/aarch64-linux-gnu/lib/libc.so ] || neon+=(libc6-dev-arm64-cross)
  command -v qemu-aarch64 >/dev/null || neon+=(qemu-user)
  { [ -e /usr/lib/aarch64-linux-gnu/libsleef.so ] && [ -e /usr/include/aarch64-linux-gnu/sleef.h ]; } ||
    neon+=(libsleef-dev:arm64)
fi

if [ ${#need[@]} -eq 0 ] && [ ${#neon[@]} -eq 0 ]; then exit 0; fi

skip_neon() {
  echo "setup: NEON tests will be skipped: could not install ${neon[*]} ($1)" >&2
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    if [ ${#need[@]} -gt 0 ]; then
      echo "setup: missing ${need[*]} and not root; install them with apt-get" >&2
      exit 1
    fi
    skip_neon "not root"
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive

updated=0
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]} (Debian packages)" >&2
  $SUDO apt-get update -qq >/dev/null
  updated=1
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ${#neon[@]} -gt 0 ]; then
  echo "setup: installing ${neon[*]} for the NEON target (Debian packages)" >&2
  added=0
  if [[ " ${neon[*]} " == *":arm64 "* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    if $SUDO dpkg --add-architecture arm64; then added=1; updated=0; fi
  fi
  if { [ "$updated" -eq 1 ] || $SUDO apt-get update -qq >/dev/null 2>&1; } &&
    $SUDO apt-get install -y -qq --no-install-recommends "${neon[@]}" >/dev/null 2>&1; then
    :
  else
    # An arm64 architecture that brought nothing would only slow (or break) later updates.
    if [ "$added" -eq 1 ] && ! dpkg-query -W -f '${Architecture}\n' 2>/dev/null | grep -qx arm64; then
      $SUDO dpkg --remove-architecture arm64 || true
    fi
    skip_neon "apt-get failed"
    exit 0
  fi
fi
echo "setup: done" >&2
