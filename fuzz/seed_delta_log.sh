#!/usr/bin/env bash
# seed_delta_log.sh — build the seed corpus of fuzz_delta_log at fuzz time.
#
#     fuzz/seed_delta_log.sh [TESTDATA] [CORPUS]
#         default: ../shared/testdata (or $BRICKS_TESTDATA), build/fuzz/corpus/delta_log
#
# Copies every commit file (_delta_log/*.json) and every Parquet checkpoint,
# checkpoint part and sidecar under _delta_log/ (up to 1 MiB) of the Delta test
# tables into CORPUS, named by content hash so reruns add nothing twice.  The
# delta-kernel-rs golden tables are .tar.zst archives: they are unpacked into a
# temporary directory first.  Test data is never copied into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

testdata=${1:-${BRICKS_TESTDATA:-../shared/testdata}}
corpus=${2:-build/fuzz/corpus/delta_log}
mkdir -p "$corpus"

if [[ ! -d $testdata ]]; then
    echo "seed_delta_log.sh: no test data at $testdata (set BRICKS_TESTDATA); empty corpus"
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [[ -d $testdata/delta-golden-krs ]] && command -v zstd >/dev/null; then
    for archive in "$testdata"/delta-golden-krs/*.tar.zst; do
        dir=$tmp/$(basename "$archive" .tar.zst)
        mkdir -p "$dir"
        zstd -qdc "$archive" | tar -x -C "$dir" 2>/dev/null || true
    done
fi

n=0
while IFS= read -r -d '' f; do
    sum=$(sha1sum "$f" | cut -c1-40)
    [[ -e $corpus/$sum ]] || cp "$f" "$corpus/$sum"
    n=$((n + 1))
done < <(find "$testdata" "$tmp" -path '*/_delta_log/*' -type f \
             \( -name '*.json' -o -name '*.parquet' \) -size -1025k -print0)
echo "seed_delta_log.sh: $n seed files from $testdata in $corpus"
