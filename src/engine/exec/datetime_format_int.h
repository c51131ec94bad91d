/*
 * datetime_format_int.h — the compiled form of a datetime pattern, shared by
 * datetime_format.c (compile, format) and datetime_parse.c (parse).  Private to
 * those two files.
 *
 * A pattern compiles to a flat array of items: literal runs, fields (one pattern
 * letter and its count), and the brackets of optional sections.  For an
 * ITEM_OPT_START, items[i].match is the index of its ITEM_OPT_END, so a parser can
 * skip a section that does not match in one step.
 */
#ifndef BRICKS_ENGINE_EXEC_DATETIME_FORMAT_INT_H
#define BRICKS_ENGINE_EXEC_DATETIME_FORMAT_INT_H

#include "engine/exec/datetime_format.h"

enum { ITEM_LITERAL, ITEM_FIELD, ITEM_OPT_START, ITEM_OPT_END };

/* How a number may be signed when parsed (java.time SignStyle). */
enum { SIGN_NONE, SIGN_NORMAL, SIGN_EXCEEDS_PAD };

typedef struct dt_item {
    uint8_t kind;     /* ITEM_* */
    char letter;      /* ITEM_FIELD: the pattern letter ('u' for a 'y' without era) */
    uint8_t count;    /* ITEM_FIELD: how many times it was repeated */
    uint8_t min_w;    /* numeric fields: digits to parse, at least ... */
    uint8_t max_w;    /* ... and at most (19 = unbounded, as java.time) */
    uint8_t sign;     /* SIGN_* for parsing */
    uint8_t reserve;  /* digits left to the fixed-width numeric fields right after it */
    bool numeric;     /* parsed as digits (letters with a text form when count >= 3 are not) */
    uint32_t lit_off; /* ITEM_LITERAL: text in exec_dtfmt.text */
    uint32_t lit_len;
    uint32_t match; /* ITEM_OPT_START: index of the matching ITEM_OPT_END */
} dt_item;

struct exec_dtfmt {
    const char *pattern; /* NUL-terminated copy */
    const char *text;    /* literal characters of every ITEM_LITERAL */
    dt_item *items;
    uint32_t n_items;
    bool for_parsing;
};

/* English names, shared by formatting and parsing. */
extern const char *const exec_dt_month_full[12];
extern const char *const exec_dt_month_short[12];
extern const char *const exec_dt_dow_full[7]; /* 0 = Monday (ISO) */
extern const char *const exec_dt_dow_short[7];

#endif
