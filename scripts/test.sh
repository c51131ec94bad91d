#!/usr/bin/env bash
# test.sh — build, then run every test suite; what `make test` and CI run.
#
# Suites, in order (each prints its own "N passed, N failed", which is counted):
#   lint              tools/check_src.sh, tools/check_layers.sh, tools/check_errclasses.sh
#   unit              build/release/unit_tests
#   unit-asan         build/asan/unit_tests (ASan + UBSan)
#   conformance       tests/conformance/parquet_conformance.py, release binary
#   conformance-asan  the same files through the ASan + UBSan binary
#   sql               build/release/slt_runner over tests/sql/*.test (SQL logic tests)
#   sql-asan          the same files through the ASan + UBSan runner
#   delta-golden      tests/conformance/delta_golden.py: the Delta golden tables, release binary
#   delta-golden-asan the same tables through the ASan + UBSan binary
#   spark-golden      tests/spark_golden/run_golden.py: Spark's SQL golden files, release build
#   interop           pytest tests/interop (pyarrow and duckdb read what we write,
#                     and we read what they write)
#   api               pytest tests/api: the Databricks SDK against a real `bricks serve`
#   api-asan          the same against the ASan + UBSan server
#   (not here: tests/api/test_cli.py, the Databricks CLI suite: `make test-clients`)
#
# One line per suite, then the total as the very last line: "N passed, N failed".
# Exit status 1 when anything failed.  Full logs: build/test-logs/<suite>.log.
# Never reads stdin.  BRICKS_SLOW=1 (make test-slow) adds the slow cases.
set -uo pipefail
cd "$(dirname "$0")/.."

LOGS=build/test-logs
PY=.venv/bin/python
mkdir -p "$LOGS"
exec </dev/null

total_passed=0
total_failed=0

# Sanitizer failures get their own exit codes, so they never pass for our status 1.
export ASAN_OPTIONS="${ASAN_OPTIONS:-exitcode=86:allocator_may_return_null=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-exitcode=87:print_stacktrace=1}"

# count_line LOG: the last "N passed, N failed" line of a log, as "N N" (or nothing).
count_line() {
    grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1 \
        | sed -E 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/'
}

# pytest_counts LOG: "passed failed" from pytest's summary line ("3 failed, 10 passed in 2s").
pytest_counts() {
    local line passed failed errors
    line=$(grep -E '(passed|failed|error|no tests ran)' "$1" | tail -n 1)
    passed=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || true)
    failed=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || true)
    errors=$(grep -oE '[0-9]+ errors?' <<<"$line" | grep -oE '[0-9]+' || true)
    echo "${passed:-0} $(( ${failed:-0} + ${errors:-0} ))"
}

# report NAME PASSED FAILED SECONDS [NOTE]
report() {
    local name=$1 passed=$2 failed=$3 secs=$4 note=${5:-}
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    local status=ok
    ((failed > 0)) && status=FAIL
    printf '%-17s %-4s %6d passed, %4d failed  %5ds  %s\n' "$name" "$status" "$passed" "$failed" \
        "$secs" "$note"
}

# show_failures LOG: the lines that say what failed (at most 40), indented.
show_failures() {
    { grep -E '^(FAIL|FAILED|ERROR)|^E |Error|error:|Sanitizer' "$1" || tail -n 20 "$1"; } \
        | head -n 40 | sed 's/^/    /'
}

# run_suite NAME KIND CMD...: run CMD, log its output, count its results.
#   KIND "counts": the command prints "N passed, N failed" as a line of its own
#   KIND "pytest": pytest's summary line; exit status 5 (no tests) is a failure
run_suite() {
    local name=$1 kind=$2
    shift 2
    local log="$LOGS/$name.log" start=$SECONDS rc
    "$@" >"$log" 2>&1
    rc=$?
    local secs=$((SECONDS - start)) counts passed failed note=""
    if [[ $kind == pytest ]]; then
        counts=$(pytest_counts "$log")
    else
        counts=$(count_line "$log")
    fi
    if [[ -z $counts ]]; then
        passed=0
        failed=1
        note="(no result line; exit status $rc)"
    else
        read -r passed failed <<<"$counts"
    fi
    if [[ $kind == pytest && $rc -eq 5 ]]; then
        failed=$((failed + 1))
        note="(no tests collected)"
    elif ((rc != 0 && failed == 0)); then
        failed=1
        note="(exit status $rc)"
    fi
    grep -qE '^[a-z-]+: SKIPPED' "$log" && note="$(grep -E '^[a-z-]+: SKIPPED' "$log" | head -n 1)"
    report "$name" "$passed" "$failed" "$secs" "$note"
    ((failed > 0)) && show_failures "$log"
    return 0
}

# lint: each check script present is one check.
run_lint() {
    local start=$SECONDS passed=0 failed=0 ran=0 script
    : >"$LOGS/lint.log"
    for script in tools/check_src.sh tools/check_layers.sh tools/check_errclasses.sh; do
        [[ -f $script ]] || continue
        ran=1
        if bash "$script" >>"$LOGS/lint.log" 2>&1; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "FAIL $script" >>"$LOGS/lint.log"
        fi
    done
    if ((ran == 0)); then
        report lint 0 0 0 "(skipped: no tools/check_*.sh yet)"
        return
    fi
    report lint "$passed" "$failed" $((SECONDS - start))
    ((failed > 0)) && grep -vE ' OK$' "$LOGS/lint.log" | head -n 40 | sed 's/^/    /'
    return 0
}

echo "== build (make -j2 release asan)"
build_start=$SECONDS
if ! make -j2 release asan >"$LOGS/build.log" 2>&1; then
    report build 0 1 $((SECONDS - build_start))
    grep -E 'error|Error' "$LOGS/build.log" | head -n 30 | sed 's/^/    /'
    echo "$total_passed passed, $total_failed failed"
    exit 1
fi
echo "   built in $((SECONDS - build_start))s"

echo "== suites"
run_lint
run_suite unit counts build/release/unit_tests
run_suite unit-asan counts build/asan/unit_tests
run_suite sql counts build/release/slt_runner tests/sql/*.test
run_suite sql-asan counts build/asan/slt_runner tests/sql/*.test
run_suite conformance counts "$PY" tests/conformance/parquet_conformance.py \
    --bin build/release/bricks --label conformance
run_suite conformance-asan counts "$PY" tests/conformance/parquet_conformance.py \
    --bin build/asan/bricks --label conformance-asan
run_suite delta-golden counts "$PY" tests/conformance/delta_golden.py \
    --bricks build/release/bricks --label delta-golden
run_suite delta-golden-asan counts "$PY" tests/conformance/delta_golden.py \
    --bricks build/asan/bricks --label delta-golden-asan
run_suite spark-golden counts "$PY" tests/spark_golden/run_golden.py \
    --driver build/release/golden_driver --label spark-golden
run_suite interop pytest "$PY" -m pytest tests/interop -q -p no:cacheprovider
# The CLI suite (tests/api/test_cli.py) needs the Databricks CLI built first: `make test-clients`.
run_suite api pytest "$PY" -m pytest tests/api -q -p no:cacheprovider \
    --ignore=tests/api/test_cli.py
run_suite api-asan pytest env BRICKS_BIN=build/asan/bricks "$PY" -m pytest tests/api -q \
    -p no:cacheprovider --ignore=tests/api/test_cli.py

echo "$total_passed passed, $total_failed failed"
((total_failed == 0))
