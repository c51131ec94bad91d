#!/usr/bin/env bash
# check_errclasses.sh — every Spark sub-class the sources name exists in Spark's catalogue.
#
#   tools/check_errclasses.sh          (BRICKS_TESTDATA, default ../shared/testdata)
#
# An error with a sub-class is raised as
#     bk_error_set_sub(err, BK_DATATYPE_MISMATCH, "BINARY_OP_DIFF_TYPES", "...")
# (or a file's *_sub helper with the same argument order, or `sub = "NAME";` chosen
# before such a call).  This script finds each (code, "SUB") pair in src/, maps the code
# to its class through src/base/errcodes.def, and checks that the class lists that
# sub-class in spark-sql-tests/error-conditions.json.  It also refuses a message that
# still starts with "[CLASS" text, the form the sub-class field replaced.  The
# SQLSTATEs of errcodes.def are checked by tests/unit/test_base_errcodes.c.  Prints
# file:line: problem for each finding; exit status 1 if there was any.
set -uo pipefail
cd "$(dirname "$0")/.."

json="${BRICKS_TESTDATA:-../shared/testdata}/spark-sql-tests/error-conditions.json"
if [[ ! -f "$json" ]]; then
    echo "check_errclasses: $json is missing"
    exit 1
fi

python3 - "$json" <<'EOF'
import glob, json, re, sys

catalogue = json.load(open(sys.argv[1]))
classes = dict(("BK_" + code, cls) for code, cls in
               re.findall(r'X\((\w+),\s*"([^"]+)"', open("src/base/errcodes.def").read()))
problems = checked = 0


def report(path, text, pos, what):
    global problems
    problems += 1
    print("%s:%d: %s" % (path, text.count("\n", 0, pos) + 1, what))


for path in sorted(glob.glob("src/**/*.c", recursive=True)):
    text = open(path).read()
    # a call of bk_error_set_sub / bk_error_reset_sub / a local *_sub helper
    for m in re.finditer(r'_sub(?:_at)?\s*\([^;]*?\b(BK_[A-Z0-9_]+),\s*"([A-Z0-9_]+)"', text,
                         re.S):
        code, sub = m.group(1), m.group(2)
        checked += 1
        cls = classes.get(code)
        if cls is None:
            report(path, text, m.start(1), "%s is not in errcodes.def" % code)
        elif sub not in catalogue.get(cls, {}).get("subClass", {}):
            report(path, text, m.start(2), "Spark's %s has no sub-class %s" % (cls, sub))
    # `sub = "NAME";` picked before the call: it must be a sub-class of the code used there
    for m in re.finditer(r'\bsub = "([A-Z0-9_]+)";', text):
        call = re.search(r'_sub(?:_at)?\s*\([^;]*?\b(BK_[A-Z0-9_]+),\s*sub\b', text[m.end():],
                         re.S)
        checked += 1
        cls = classes.get(call.group(1)) if call else None
        if cls is None or m.group(1) not in catalogue.get(cls, {}).get("subClass", {}):
            report(path, text, m.start(1), "%s is not a sub-class of %s" % (m.group(1), cls))
    # the class belongs in the error, not in the text
    for m in re.finditer(r'"\[[A-Z_]{3,}[A-Z0-9_]*(\.[A-Z0-9_%s]+)?\] ', text):
        line = text[text.rfind("\n", 0, m.start()) + 1:m.start()].lstrip()
        if not line.startswith(("*", "/*")):  # a comment may show the printed form
            report(path, text, m.start(), "message starts with \"[CLASS]\": use bk_error_set_sub")

print("check_errclasses: %d sub-class uses checked, %d problem(s)" % (checked, problems))
sys.exit(1 if problems else 0)
EOF
