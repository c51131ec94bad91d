#!/usr/bin/env bash
# check_src.sh — source rules that the compiler does not enforce (STYLE.md §9.10).
#
#   tools/check_src.sh [PATH...]      default: src include
#
# Checks every .c, .h and .def file for:
#   - banned functions: strcpy strcat sprintf strncpy vsprintf sscanf atoi atol atoll
#     strtol strtoll gets strtok (use snprintf, bk_buf, and the checked parsers in
#     base/str.h);
#   - raw heap calls malloc( calloc( realloc( free( strdup( strndup( outside
#     src/base/mem.c (use bk_malloc & co., or an arena);
#   - // comments (the house style is /* */);
#   - lines longer than 100 characters (counted in characters, not bytes);
#   - tab characters.
# Comments and string/character literals are skipped for the first three checks, so
# a comment may mention strtol.  Prints file:line: problem for each finding and
# exits 1 if there was any, 0 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."

paths=("$@")
((${#paths[@]})) || paths=(src include)

files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(
    find "${paths[@]}" -type f \( -name '*.c' -o -name '*.h' -o -name '*.def' \) -print0 \
        2>/dev/null | sort -z)
((${#files[@]})) || { echo "check_src: no files"; exit 0; }

LC_ALL=C awk '
BEGIN {
    banned = "strcpy|strcat|sprintf|strncpy|vsprintf|sscanf|atoi|atol|atoll|strtol|strtoll"
    banned = banned "|gets|strtok"
    banned_re = "(^|[^A-Za-z0-9_])(" banned ")[ \t]*[(]"
    # a "." or "->" before the name is a member (a vtable slot), not the libc call
    heap_re = "(^|[^A-Za-z0-9_.>])(malloc|calloc|realloc|free|strdup|strndup)[ \t]*[(]"
}

FNR == 1 { in_comment = 0 }

# The function name inside the part of `text` matched by the last match().
function called(text,    t) {
    t = substr(text, RSTART, RLENGTH)
    sub(/^[^A-Za-z]/, "", t)
    sub(/[ \t]*[(]$/, "", t)
    return t
}

# strip(): the code of one line with comments and literal contents blanked out;
# sets has_slash_comment when a // comment starts outside a literal or comment.
function strip(line,    out, i, n, c, d, quote) {
    out = ""; n = length(line); has_slash_comment = 0; quote = ""
    for (i = 1; i <= n; i++) {
        c = substr(line, i, 1); d = substr(line, i + 1, 1)
        if (in_comment) {
            if (c == "*" && d == "/") { in_comment = 0; i++ }
            out = out " "
        } else if (quote != "") {
            if (c == "\\") { i++; out = out "  "; continue }
            if (c == quote) { quote = ""; out = out c } else out = out " "
        } else if (c == "/" && d == "*") {
            in_comment = 1; i++; out = out "  "
        } else if (c == "/" && d == "/") {
            has_slash_comment = 1
            break
        } else if (c == "\"" || c == "\047") {
            quote = c; out = out c
        } else {
            out = out c
        }
    }
    return out
}

function report(msg) {
    printf "%s:%d: %s\n", FILENAME, FNR, msg
    found++
}

{
    line = $0
    chars = line; gsub(/[\200-\277]/, "", chars)
    if (length(chars) > 100) report("line is " length(chars) " characters long (max 100)")
    if (index(line, "\t")) report("tab character")

    code = strip(line)
    if (has_slash_comment) report("// comment (use /* */)")
    rest = code
    while (match(rest, banned_re)) {
        report("banned function " called(rest) "()")
        rest = substr(rest, RSTART + RLENGTH)
    }
    rest = (FILENAME == "src/base/mem.c") ? "" : code
    while (match(rest, heap_re)) {
        fn = called(rest)
        report("raw " fn "() outside src/base/mem.c (use bk_" fn " or an arena)")
        rest = substr(rest, RSTART + RLENGTH)
    }
}

END {
    if (found) { printf "check_src: %d problem(s)\n", found; exit 1 }
}
' "${files[@]}"
status=$?
((status == 0)) && echo "check_src: ${#files[@]} files OK"
exit $status
