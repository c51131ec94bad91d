/*
 * partition.h — partition values (PROTOCOL.md "Partition Value Serialization").
 *
 * In the log every partition value is a string, or JSON null; an empty string
 * also means NULL.  Numbers are their decimal text, booleans true/false, dates
 * YYYY-MM-DD, timestamps either "YYYY-MM-DD HH:MM:SS[.ffffff]" (read as UTC: the
 * writer's zone is not recorded) or ISO-8601 with a zone ("...T...Z", "+02:00"),
 * timestamp_ntz "YYYY-MM-DD HH:MM:SS[.ffffff]", binary the raw bytes, decimals
 * their text.  Readers never parse values out of file paths.
 */
#ifndef BRICKS_DELTA_PARTITION_H
#define BRICKS_DELTA_PARTITION_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/vector.h"

/*
 * Set row `row` of `v` (a scalar vector of the partition column's type) from the
 * log's string `value` (NULL = JSON null).  Strings are copied into `a`.  A value
 * that does not parse as the type is BK_CORRUPT naming `column` and the value.
 */
bk_status delta_partition_value_set(bk_arena *a, bk_vector *v, size_t row, const char *value,
                                    const char *column, bk_error *err);

/*
 * The log string for row `row` of `v`, appended to `out`; *is_null set for NULL
 * (written as JSON null).  Timestamps are written ISO-8601 UTC with microseconds
 * ("2024-01-01T10:00:00.000000Z"), as the protocol recommends.
 */
bk_status delta_partition_value_format(const bk_vector *v, size_t row, bk_buf *out, bool *is_null);

/*
 * Hive-style escaping of a partition directory name ("a b:c" -> "a b%3Ac", NULL ->
 * "__HIVE_DEFAULT_PARTITION__"), for writers that lay files out in directories.
 */
bk_status delta_partition_escape(const char *value, bk_buf *out);

/* ---- text forms shared with stats.c ---- */

/*
 * Timestamp text as partition values and statistics carry it: "YYYY-MM-DD",
 * "YYYY-MM-DD HH:MM[:SS[.f...]]" or with 'T' instead of the space, then an
 * optional zone: "Z", "UTC", "GMT", or an offset "+HH", "+HH:MM", "+HHMM",
 * "+HH:MM:SS" (also after "UTC"/"GMT"; a space before the zone is allowed).  The
 * result is µs since the epoch, UTC; text without a zone is read as UTC.  With
 * `ntz` a zone is accepted and ignored (Spark's rule for TIMESTAMP_NTZ).  False
 * when the text is not a timestamp or the value does not fit.
 */
bool delta_timestamp_parse(const char *s, size_t len, bool ntz, int64_t *out);

/*
 * ISO-8601 text "2024-01-02T03:04:05.123[456]" with `frac_digits` fraction digits
 * (3: the value is truncated to milliseconds toward negative infinity; 6), and a
 * trailing "Z" when `utc`.  snprintf semantics; DELTA_TIMESTAMP_TEXT_MAX is enough.
 */
#define DELTA_TIMESTAMP_TEXT_MAX 48
size_t delta_timestamp_format(int64_t micros, int frac_digits, bool utc, char *dst, size_t cap);

typedef enum delta_round {
    DELTA_ROUND_HALF_UP, /* Spark's CAST: 1.005 -> 1.01 at scale 2 */
    DELTA_ROUND_FLOOR,   /* toward negative infinity (a lower bound stays a lower bound) */
    DELTA_ROUND_CEIL     /* toward positive infinity */
} delta_round;

/*
 * Decimal text ("-12.345", "+7", ".5", "1E+3", "2.5e-1") as the unscaled value
 * of DECIMAL(precision, scale): extra fraction digits are rounded by `mode`.
 * False when the text is not a number or needs more than `precision` digits.
 */
bool delta_decimal_parse(const char *s, size_t len, int precision, int scale, delta_round mode,
                         bk_i128 *out);

#endif
