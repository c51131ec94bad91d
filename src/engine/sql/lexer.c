/*
 * lexer.c — Spark SQL text into tokens.
 *
 * Follows Spark's SqlBaseLexer: identifiers are letters, digits and '_' (not
 * starting with a digit, unless the word also holds a letter: `1a` is an
 * identifier in Spark); `backquoted` identifiers double their backquotes;
 * string literals use '…' or "…" with backslash escapes (\n \t \0 \' \\ \uXXXX
 * \UXXXXXXXX, and an unknown escape drops the backslash), r'…' raw strings;
 * adjacent string literals are one literal ('a' 'b' = 'ab'); numbers with an
 * optional exponent and suffix (L S Y D F BD); X'…' binary; `--` and nested
 * block comments (optimizer hints too) are skipped.
 */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "engine/sql/lexer.h"

typedef struct lexer {
    bk_arena *a;
    const char *s;
    size_t len, pos;
    sql_tokens *out;
    size_t cap;
    bk_error *err;
} lexer;

static bk_status syntax_error_at(lexer *lx, size_t pos, const char *what) {
    bk_status s = bk_error_set(lx->err, BK_PARSE_SYNTAX_ERROR, "Syntax error at or near %s.", what);
    if (lx->err) lx->err->sql_pos = (int)pos;
    return s;
}

static bk_status push(lexer *lx, sql_tok t) {
    if (lx->out->n == lx->cap) {
        size_t cap = lx->cap ? lx->cap * 2 : 64;
        sql_tok *items = bk_arena_array(lx->a, cap, sizeof *items);
        if (!items) return bk_arena_oom(lx->a, lx->err);
        if (lx->out->n) memcpy(items, lx->out->items, lx->out->n * sizeof *items);
        lx->out->items = items;
        lx->cap = cap;
    }
    lx->out->items[lx->out->n++] = t;
    return BK_OK;
}

static bool is_ident_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (unsigned char)c >= 0x80;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Skip whitespace and comments; an unclosed block comment is an error. */
static bk_status skip_space(lexer *lx) {
    for (;;) {
        while (lx->pos < lx->len &&
               (lx->s[lx->pos] == ' ' || lx->s[lx->pos] == '\t' || lx->s[lx->pos] == '\n' ||
                lx->s[lx->pos] == '\r' || lx->s[lx->pos] == '\f'))
            lx->pos++;
        if (lx->pos + 1 < lx->len && lx->s[lx->pos] == '-' && lx->s[lx->pos + 1] == '-') {
            while (lx->pos < lx->len && lx->s[lx->pos] != '\n') lx->pos++;
            continue;
        }
        if (lx->pos + 1 < lx->len && lx->s[lx->pos] == '/' && lx->s[lx->pos + 1] == '*') {
            size_t start = lx->pos;
            int depth = 0;
            while (lx->pos < lx->len) {
                if (lx->pos + 1 < lx->len && lx->s[lx->pos] == '/' && lx->s[lx->pos + 1] == '*') {
                    depth++;
                    lx->pos += 2;
                } else if (lx->pos + 1 < lx->len && lx->s[lx->pos] == '*' &&
                           lx->s[lx->pos + 1] == '/') {
                    depth--;
                    lx->pos += 2;
                    if (depth == 0) break;
                } else {
                    lx->pos++;
                }
            }
            if (depth != 0) {
                bk_status st = bk_error_set(lx->err, BK_UNCLOSED_BRACKETED_COMMENT,
                                            "Found an unclosed bracketed comment. Please, append "
                                            "*/ at the end of the comment.");
                if (lx->err) lx->err->sql_pos = (int)start;
                return st;
            }
            continue;
        }
        return BK_OK;
    }
}

/* A growable NUL-terminated byte string in the arena (literal values). */
typedef struct text_buf {
    char *data;
    size_t len, cap;
    bk_arena *a;
} text_buf;

static bool lite_put(text_buf *b, const char *p, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 32;
        while (cap < b->len + n + 1) cap *= 2;
        char *d = bk_arena_alloc(b->a, cap);
        if (!d) return false;
        if (b->len) memcpy(d, b->data, b->len);
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

/* Append the UTF-8 bytes of code point cp. */
static bool put_utf8(text_buf *b, uint32_t cp) {
    char tmp[4];
    size_t n = bk_utf8_put(cp, tmp);
    return n > 0 && lite_put(b, tmp, n);
}

/* One quoted string starting at lx->pos (the quote); its value appended to b. */
static bk_status lex_string(lexer *lx, bool raw, text_buf *b) {
    char q = lx->s[lx->pos];
    size_t start = lx->pos;
    lx->pos++;
    while (lx->pos < lx->len && lx->s[lx->pos] != q) {
        char c = lx->s[lx->pos];
        if (c == '\\' && !raw && lx->pos + 1 < lx->len) {
            char e = lx->s[lx->pos + 1];
            lx->pos += 2;
            char out = 0;
            switch (e) {
            case 'n':
                out = '\n';
                break;
            case 't':
                out = '\t';
                break;
            case 'r':
                out = '\r';
                break;
            case 'b':
                out = '\b';
                break;
            case '0':
                out = '\0';
                break;
            case 'Z':
                out = 26;
                break;
            case '%':
                if (!lite_put(b, "\\%", 2)) return bk_arena_oom(lx->a, lx->err);
                continue;
            case '_':
                if (!lite_put(b, "\\_", 2)) return bk_arena_oom(lx->a, lx->err);
                continue;
            case 'u':
            case 'U': {
                int digits = e == 'u' ? 4 : 8;
                uint32_t cp = 0;
                bool ok = lx->pos + (size_t)digits <= lx->len;
                for (int k = 0; ok && k < digits; k++) {
                    int h = hex_digit(lx->s[lx->pos + (size_t)k]);
                    ok = h >= 0;
                    cp = cp * 16 + (uint32_t)(h < 0 ? 0 : h);
                }
                if (ok && cp <= 0x10FFFF) {
                    lx->pos += (size_t)digits;
                    if (!put_utf8(b, cp)) return bk_arena_oom(lx->a, lx->err);
                    continue;
                }
                out = e; /* not an escape after all: keep the letter */
                break;
            }
            default:
                out = e;
                break;
            }
            if (!lite_put(b, &out, 1)) return bk_arena_oom(lx->a, lx->err);
            continue;
        }
        if (!lite_put(b, &c, 1)) return bk_arena_oom(lx->a, lx->err);
        lx->pos++;
    }
    if (lx->pos >= lx->len) return syntax_error_at(lx, start, "end of input");
    lx->pos++; /* closing quote */
    return BK_OK;
}

static bk_status lex_token(lexer *lx) {
    size_t start = lx->pos;
    const char *s = lx->s;
    char c = s[start];
    sql_tok t = {.off = (uint32_t)start};
    /* strings (and adjacent strings), raw strings, binary literals */
    bool raw = (c == 'r' || c == 'R') && start + 1 < lx->len &&
               (s[start + 1] == '\'' || s[start + 1] == '"');
    if (c == '\'' || c == '"' || raw) {
        text_buf b = {.a = lx->a};
        if (!lite_put(&b, "", 0)) return bk_arena_oom(lx->a, lx->err);
        for (;;) {
            if (raw) lx->pos++;
            BK_TRY(lex_string(lx, raw, &b));
            size_t save = lx->pos;
            BK_TRY(skip_space(lx));
            char n = lx->pos < lx->len ? s[lx->pos] : 0;
            raw = (n == 'r' || n == 'R') && lx->pos + 1 < lx->len &&
                  (s[lx->pos + 1] == '\'' || s[lx->pos + 1] == '"');
            if (n == '\'' || n == '"' || raw) continue;
            lx->pos = save;
            break;
        }
        t.kind = SQL_TOK_STRING;
        t.text = b.data;
        t.text_len = b.len;
        t.len = (uint32_t)(lx->pos - start);
        return push(lx, t);
    }
    if ((c == 'x' || c == 'X') && start + 1 < lx->len && s[start + 1] == '\'') {
        size_t p = start + 2;
        while (p < lx->len && s[p] != '\'') p++;
        if (p >= lx->len) return syntax_error_at(lx, start, "end of input");
        t.kind = SQL_TOK_BINARY;
        t.text = bk_arena_strndup(lx->a, s + start + 2, p - start - 2);
        if (!t.text) return bk_arena_oom(lx->a, lx->err);
        t.text_len = p - start - 2;
        lx->pos = p + 1;
        t.len = (uint32_t)(lx->pos - start);
        return push(lx, t);
    }
    /* numbers: digits [. digits] [e[+-]digits] [suffix]; a following letter makes a word */
    if (is_digit(c) || (c == '.' && start + 1 < lx->len && is_digit(s[start + 1]))) {
        size_t p = start;
        while (p < lx->len && is_digit(s[p])) p++;
        if (p < lx->len && s[p] == '.') {
            p++;
            while (p < lx->len && is_digit(s[p])) p++;
        }
        if (p < lx->len && (s[p] == 'e' || s[p] == 'E')) {
            size_t q = p + 1;
            if (q < lx->len && (s[q] == '+' || s[q] == '-')) q++;
            if (q < lx->len && is_digit(s[q])) {
                p = q;
                while (p < lx->len && is_digit(s[p])) p++;
            }
        }
        size_t num_end = p;
        /* suffixes */
        if (p + 1 < lx->len && (s[p] == 'B' || s[p] == 'b') && (s[p + 1] == 'D' || s[p + 1] == 'd'))
            p += 2;
        else if (p < lx->len && strchr("LlSsYyDdFf", s[p]) && s[p])
            p++;
        if (p < lx->len && is_ident_char(s[p])) {
            /* `1a`, `2days`: an identifier in Spark */
            p = num_end;
            while (p < lx->len && is_ident_char(s[p])) p++;
            t.kind = SQL_TOK_IDENT;
        } else {
            t.kind = SQL_TOK_NUMBER;
        }
        t.text = bk_arena_strndup(lx->a, s + start, p - start);
        if (!t.text) return bk_arena_oom(lx->a, lx->err);
        t.text_len = p - start;
        lx->pos = p;
        t.len = (uint32_t)(p - start);
        return push(lx, t);
    }
    if (is_ident_char(c)) {
        size_t p = start;
        while (p < lx->len && is_ident_char(s[p])) p++;
        t.kind = SQL_TOK_IDENT;
        t.text = bk_arena_strndup(lx->a, s + start, p - start);
        if (!t.text) return bk_arena_oom(lx->a, lx->err);
        t.text_len = p - start;
        lx->pos = p;
        t.len = (uint32_t)(p - start);
        return push(lx, t);
    }
    if (c == '`') {
        text_buf b = {.a = lx->a};
        if (!lite_put(&b, "", 0)) return bk_arena_oom(lx->a, lx->err);
        size_t p = start + 1;
        for (;;) {
            if (p >= lx->len) return syntax_error_at(lx, start, "end of input");
            if (s[p] == '`') {
                if (p + 1 < lx->len && s[p + 1] == '`') {
                    if (!lite_put(&b, "`", 1)) return bk_arena_oom(lx->a, lx->err);
                    p += 2;
                    continue;
                }
                break;
            }
            if (!lite_put(&b, s + p, 1)) return bk_arena_oom(lx->a, lx->err);
            p++;
        }
        t.kind = SQL_TOK_IDENT;
        t.quoted = true;
        t.text = b.data;
        t.text_len = b.len;
        lx->pos = p + 1;
        t.len = (uint32_t)(lx->pos - start);
        return push(lx, t);
    }
    if (c == '?' || (c == ':' && start + 1 < lx->len && is_ident_char(s[start + 1]) &&
                     !(start > 0 && s[start - 1] == ':'))) {
        size_t p = start + 1;
        if (c == ':')
            while (p < lx->len && is_ident_char(s[p])) p++;
        t.kind = SQL_TOK_PARAM;
        t.text = bk_arena_strndup(lx->a, s + start, p - start);
        if (!t.text) return bk_arena_oom(lx->a, lx->err);
        t.text_len = p - start;
        lx->pos = p;
        t.len = (uint32_t)(p - start);
        return push(lx, t);
    }
    /* operators, longest first */
    static const char *const ops[] = {"<=>", "<>", "!=", "<=", ">=", "==", "||", "::", "->",
                                      "=>",  "<<", ">>", "=",  "<",  ">",  "+",  "-",  "*",
                                      "/",   "%",  "(",  ")",  ",",  ".",  ";",  "[",  "]",
                                      "&",   "|",  "^",  "~",  "!",  ":",  "{",  "}"};
    for (size_t k = 0; k < BK_ARRAY_LEN(ops); k++) {
        size_t n = strlen(ops[k]);
        if (start + n <= lx->len && memcmp(s + start, ops[k], n) == 0) {
            t.kind = SQL_TOK_OP;
            t.text = ops[k];
            t.text_len = n;
            t.len = (uint32_t)n;
            lx->pos = start + n;
            return push(lx, t);
        }
    }
    char what[16];
    snprintf(what, sizeof what, "'%c'", c);
    return syntax_error_at(lx, start, what);
}

bk_status sql_lex(bk_arena *a, const char *text, size_t len, sql_tokens *out, bk_error *err) {
    lexer lx = {.a = a, .s = text, .len = len, .out = out, .err = err};
    out->items = NULL;
    out->n = 0;
    for (;;) {
        BK_TRY(skip_space(&lx));
        if (lx.pos >= len) break;
        BK_TRY(lex_token(&lx));
    }
    sql_tok end = {.kind = SQL_TOK_END, .off = (uint32_t)len, .text = "", .text_len = 0};
    return push(&lx, end);
}
