# Sourced by scripts/demo and scripts/test: makes sure uv is there and the locked environment
# (.venv) is installed exactly as uv.lock says. Needs only python3 (3.11+) and pip.
set -euo pipefail

XIUFU_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UV_VERSION="0.13.9"
export UV_PYTHON_DOWNLOADS=never UV_NO_PROGRESS=1

find_python() {
  for candidate in python3 python3.13 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "xiufu: Python 3.11 or newer is required (python3 not found or too old)" >&2
  return 1
}

ensure_uv() {
  PYTHON="$(find_python)"
  if command -v uv >/dev/null 2>&1; then
    UV=(uv)
  elif "$PYTHON" -m uv --version >/dev/null 2>&1; then
    UV=("$PYTHON" -m uv)
  else
    echo "xiufu: installing uv $UV_VERSION with pip" >&2
    # Debian marks its Python as externally managed; a --user install of one tool is safe.
    PIP_BREAK_SYSTEM_PACKAGES=1 "$PYTHON" -m pip install --user --quiet "uv==$UV_VERSION"
    UV=("$PYTHON" -m uv)
  fi
}

sync_environment() {
  # $@: extra uv sync flags (e.g. --no-dev for the demo)
  ensure_uv
  (cd "$XIUFU_ROOT" && "${UV[@]}" sync --frozen --python "$PYTHON" --quiet "$@")
}
