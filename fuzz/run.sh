#!/usr/bin/env bash
# run.sh — build the fuzz targets, seed a corpus from ../shared, and fuzz for a while.
#
#     fuzz/run.sh [SECONDS] [TARGET]        default: 600 seconds, parquet_reader; or delta_log,
#                                           sql_parser, http_json
#
# The seed corpus is built at fuzz time under build/fuzz/corpus/<target>/ from the
# parquet-testing files (data/**/*.parquet up to 1 MiB, bad_data/*): test data is
# never copied into the repository.  Inputs the fuzzer finds interesting are added
# to the same folder, so later runs start from where earlier ones stopped.  Crashes,
# leaks and timeouts land in build/fuzz/artifacts/<target>/; the script exits 1 if
# there are any.  FUZZ_JOBS=N runs N processes in parallel (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
target=${2:-parquet_reader}
testdata=${BRICKS_TESTDATA:-../shared/testdata}
corpus=build/fuzz/corpus/$target
artifacts=build/fuzz/artifacts/$target

make -s fuzz B=build
mkdir -p "$corpus" "$artifacts"

case $target in
parquet_reader)
    src=$testdata/parquet-testing
    if [[ ! -d $src ]]; then
        echo "run.sh: no test data at $src (set BRICKS_TESTDATA); fuzzing from an empty corpus"
    else
        n=0
        while IFS= read -r -d '' f; do
            # Name seeds by content so reruns do not duplicate them.
            sum=$(sha1sum "$f" | cut -c1-40)
            [[ -e $corpus/$sum ]] || cp "$f" "$corpus/$sum"
            n=$((n + 1))
        done < <(find "$src/data" "$src/bad_data" -type f \
                     \( -name '*.parquet' -o -name '*.parquet.encrypted' \) -size -1025k -print0)
        echo "run.sh: $n seed files from $src"
    fi
    ;;
delta_log)
    bash fuzz/seed_delta_log.sh "$testdata" "$corpus"
    ;;
sql_parser)
    # one seed per statement of the TPC-H queries and the Spark SQL test inputs
    n=0
    for f in "$testdata"/tpch/queries/*.sql "$testdata"/spark-sql-tests/inputs/*.sql; do
        [[ -f $f ]] || continue
        sum=$(sha1sum "$f" | cut -c1-40)
        [[ -e $corpus/$sum ]] || cp "$f" "$corpus/$sum"
        n=$((n + 1))
    done
    echo "run.sh: $n seed files"
    ;;
http_json)
    bash fuzz/seed_http_json.sh "$corpus"
    ;;
*)
    echo "run.sh: unknown target $target" >&2
    exit 2
    ;;
esac

jobs=${FUZZ_JOBS:-1}
extra=()
((jobs > 1)) && extra+=("-fork=$jobs")
echo "run.sh: fuzzing $target for ${seconds}s ($jobs job(s)); artifacts in $artifacts/"
status=0
"build/fuzz/fuzz_$target" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -timeout=30 -max_len=1048576 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "${extra[@]}" </dev/null || status=$?
found=$(find "$artifacts" -type f | wc -l)
if ((status != 0 || found > 0)); then
    echo "run.sh: FOUND $found artifact(s) (exit status $status):"
    find "$artifacts" -type f | sed 's/^/    /'
    exit 1
fi
echo "run.sh: no crash in ${seconds}s"
