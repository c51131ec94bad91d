#!/usr/bin/env bash
# check_layers.sh — arrows point down only (DESIGN.md §2).
#
#   tools/check_layers.sh
#
# Layers from low to high:
#     base store meta parquet delta catalog engine services server cli
# A file under src/<layer>/ may include headers of its own layer and of lower ones,
# never of a higher one.  Includes are written "dir/file.h"; engine/sql, engine/plan
# and engine/exec all count as engine.  A directory under src/ that is not a layer
# is reported too, so a new folder gets a place in the order before it is used.
# Prints file:line: problem for each finding; exits 1 if there was any.
set -uo pipefail
cd "$(dirname "$0")/.."

LAYERS=(base store meta parquet delta catalog engine services server cli)

rank_of() {
    local i
    for i in "${!LAYERS[@]}"; do
        [[ ${LAYERS[$i]} == "$1" ]] && { echo "$i"; return; }
    done
    echo -1
}

found=0
checked=0
while IFS= read -r -d '' file; do
    checked=$((checked + 1))
    rel=${file#src/}
    layer=${rel%%/*}
    if [[ $layer == "$rel" ]]; then
        echo "$file:1: file directly under src/ belongs to no layer"
        found=$((found + 1))
        continue
    fi
    own=$(rank_of "$layer")
    if ((own < 0)); then
        echo "$file:1: directory src/$layer/ is not a layer (${LAYERS[*]})"
        found=$((found + 1))
        continue
    fi
    while IFS=: read -r lineno text; do
        target=${text#*\"}  # the include path after the opening quote ...
        target=${target%%/*} # ... up to its first slash
        other=$(rank_of "$target")
        ((other < 0)) && continue # not a layer path (e.g. "test.h", a sibling "x_int.h")
        if ((other > own)); then
            echo "$file:$lineno: $layer/ includes \"${text#*\"}: $target/ is a higher layer"
            found=$((found + 1))
        fi
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^/"]+/' "$file")
done < <(find src -type f \( -name '*.c' -o -name '*.h' -o -name '*.def' \) -print0 | sort -z)

if ((found)); then
    echo "check_layers: $found problem(s)"
    exit 1
fi
echo "check_layers: $checked files OK"
