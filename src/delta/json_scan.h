/*
 * json_scan.h — a validating JSON scanner over (pointer, length), private to
 * the Delta layer: the action parser (action.c, action_json_*.c) and the
 * schemaString parser (schema.c).
 *
 * The log's JSON is read without building a tree: the scanner walks the text,
 * validates it exactly as strictly as jansson's json_loadb (flags 0) does, and
 * hands out delta_jval views — a type plus the byte span of the value in the
 * text.  The caller decodes only the values it wants (delta_jscan_str_dup,
 * delta_jscan_int) and skips the rest.  The rules it enforces:
 *
 *   - RFC 8259 grammar; whitespace is space, tab, CR, LF;
 *   - strings: no raw control character (< 0x20), valid UTF-8 (no overlong
 *     form, no surrogate, nothing above U+10FFFF), escapes \" \\ \/ \b \f \n
 *     \r \t \uXXXX with surrogate pairs well formed, and no \u0000;
 *   - integers (no fraction, no exponent) within int64; other numbers within
 *     the range of a double (underflow is fine);
 *   - literals true/false/null not followed by a letter;
 *   - one NUL byte right after a number or a literal is skipped (a quirk of
 *     jansson's lexer, kept so that both accept the same lines);
 *   - at most DELTA_JSCAN_MAX_DEPTH nested values (jansson's limit: the
 *     top-level value is at depth 1, and a scalar counts like a container).
 *
 * It never reads outside [p, end) and never needs a NUL terminator.  Skipping a
 * nested value is iterative (a bit stack), so deep input costs no C stack.
 * Duplicate object keys are allowed; what they mean is the caller's business
 * (jansson keeps the first key's position and the last value).
 */
#ifndef BRICKS_DELTA_JSON_SCAN_H
#define BRICKS_DELTA_JSON_SCAN_H

#include "base/arena.h"
#include "base/buf.h"

/* jansson's JSON_PARSER_MAX_DEPTH: input nested deeper is invalid for both. */
#define DELTA_JSCAN_MAX_DEPTH 2048

typedef enum delta_jtype {
    DELTA_J_ABSENT = 0, /* no such member (a zeroed delta_jval) */
    DELTA_J_NULL,
    DELTA_J_FALSE,
    DELTA_J_TRUE,
    DELTA_J_INT,  /* an integer within int64 */
    DELTA_J_REAL, /* a number with a fraction or an exponent */
    DELTA_J_STRING,
    DELTA_J_ARRAY,
    DELTA_J_OBJECT
} delta_jtype;

/* One validated value: text[0..len) is its source, quotes and brackets included. */
typedef struct delta_jval {
    const char *text;
    size_t len;
    delta_jtype type;
    bool has_escape; /* STRING: a backslash occurs (else the bytes are the value) */
} delta_jval;

/* A key the caller looks for, with its length (DELTA_JNAME("path")). */
typedef struct delta_jname {
    const char *name;
    size_t len;
} delta_jname;
#define DELTA_JNAME(s)                                                                             \
    { s, sizeof(s) - 1 }

/*
 * The cursor.  On failure `fail_at` is the offending byte and `fail_why` a
 * short reason ("invalid escape"); only the first failure is kept.
 */
typedef struct delta_jscan {
    const char *p, *end;
    const char *fail_at;
    const char *fail_why;
} delta_jscan;

static inline void delta_jscan_init(delta_jscan *s, const char *text, size_t len) {
    s->p = text;
    s->end = text + len;
    s->fail_at = NULL;
    s->fail_why = NULL;
}

/* Skip JSON whitespace. */
static inline void delta_jscan_ws(delta_jscan *s) {
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

/*
 * Scan the value at s->p (no leading whitespace), which sits at nesting depth
 * `depth` (1 = top level), and everything inside it; fill *out and leave s->p
 * just past it.  False (with fail_at/fail_why set) when it is not valid JSON.
 */
bool delta_jscan_value(delta_jscan *s, uint32_t depth, delta_jval *out);

/*
 * Iterate an object whose '{' s->p points at (call with *first = true and the
 * object's own depth; it consumes the '{').  Returns 1 with the next member's
 * key in *key and s->p at the member's value (whitespace skipped), which the
 * caller must scan next (at depth + 1); 0 after the closing '}'; -1 on invalid
 * JSON.
 */
int delta_jscan_member(delta_jscan *s, bool *first, delta_jval *key);

/*
 * The same for an array at s->p: 1 with s->p at the next element, 0 after the
 * closing ']', -1 on invalid JSON.
 */
int delta_jscan_element(delta_jscan *s, bool *first);

/*
 * Scan the object at s->p (depth `depth`) and, for each member whose key is one
 * of names[0..n), store its value in slots[i] (a later duplicate replaces an
 * earlier one, as in jansson); other members are validated and skipped.  The
 * object itself goes to *out.  Slots of keys not present are left untouched.
 */
bool delta_jscan_fields(delta_jscan *s, uint32_t depth, const delta_jname *names, size_t n,
                        delta_jval *slots, delta_jval *out);

/*
 * Index of `key` (a scanned string) in names[0..n), or -1.  An escaped key is
 * decoded first, so "\u0061dd" finds "add".
 */
int delta_jscan_find_name(const delta_jval *key, const delta_jname *names, size_t n);

/*
 * The string value of `v` (a scanned string), unescaped to UTF-8 and
 * NUL-terminated, in `a`; its length (the JSON string never holds a NUL) in
 * *len when len is not NULL.  NULL on OOM.
 */
char *delta_jscan_str_dup(bk_arena *a, const delta_jval *v, size_t *len);

/*
 * The unescaped value of string `v` into dst, which has room for v->len - 2
 * bytes (unescaping never grows a string); returns its length.  No NUL added.
 */
size_t delta_jscan_unescape(const delta_jval *v, char *dst);

/*
 * Up to `cap` bytes of the unescaped value of string `v` into dst (whole
 * characters only, no NUL added): returns the count; *more says whether the
 * value is longer.  For messages that show the start of a value.
 */
size_t delta_jscan_str_prefix(const delta_jval *v, char *dst, size_t cap, bool *more);

/* The value of a scanned DELTA_J_INT. */
int64_t delta_jscan_int(const delta_jval *v);

/* The value of a scanned DELTA_J_REAL or DELTA_J_INT (strtod's reading). */
double delta_jscan_real(const delta_jval *v);

/*
 * Append `v` (a scanned value of any type) to `out` as jansson's json_dumpb
 * with JSON_COMPACT writes the tree json_loadb builds from it: no whitespace;
 * strings re-escaped the jansson way (only " \ and control characters, which
 * become \" \\ \b \f \n \r \t or \u00XX); integers as %lld (-0 is 0); other
 * numbers as %.17g with ".0" added when neither '.' nor 'e' shows and the
 * exponent without '+' or leading zeros; of duplicate keys in an object, the
 * first key's position with the last key's value.  BK_OUT_OF_MEMORY when
 * `out` cannot grow; BK_INTERNAL (with a message) only if `v` was not valid.
 */
bk_status delta_jscan_compact(const delta_jval *v, bk_buf *out, bk_error *err);

#endif
