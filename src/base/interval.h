/*
 * interval.h — Spark's ANSI interval values as text: literals, casts, display.
 *
 * Two kinds (types.h): INTERVAL_YM holds int32 months (YEAR, YEAR TO MONTH, MONTH),
 * INTERVAL_DT int64 µs (DAY, DAY TO HOUR, ..., SECOND).  The type's start and end
 * fields say how a value is written:
 *
 *   INTERVAL '1-2' YEAR TO MONTH     INTERVAL '-1' YEAR      INTERVAL '14' MONTH
 *   INTERVAL '1 02:03:04.5' DAY TO SECOND     INTERVAL '26:03' HOUR TO MINUTE
 *   INTERVAL '02' SECOND             INTERVAL '00.002' SECOND
 *
 * (IntervalUtils.toYearMonthIntervalString / toDayTimeIntervalString, ANSI_STYLE: the
 * sign in front, the leading field unbounded, the others two digits, seconds with
 * their fraction's trailing zeros dropped.)
 *
 * Parsing has the two forms of Spark's AstBuilder / IntervalUtils:
 *   - the qualified form for a type: '[+|-]y-m' for YEAR TO MONTH, '[+|-]d h:m:s.f'
 *     for DAY TO SECOND, '[+|-]s.f' for SECOND, ... (castStringToYMInterval /
 *     castStringToDTInterval), also the whole "INTERVAL '…' unit [TO unit]" text;
 *   - the unit list "1 year 2 months", "-3 hours 1.5 seconds", "interval 2 weeks"
 *     (stringToInterval), whose units decide the type: year-month units and
 *     day-time units cannot be mixed.
 * Pure functions, thread-safe, no allocation.
 */
#ifndef BRICKS_BASE_INTERVAL_H
#define BRICKS_BASE_INTERVAL_H

#include "base/bk.h"
#include "base/types.h"


/*
 * Write the value v (months for INTERVAL_YM, µs for INTERVAL_DT) of type t in the
 * ANSI style above; snprintf semantics (returns the length needed).
 */
size_t bk_interval_format(const bk_type *t, int64_t v, char *dst, size_t cap);

/*
 * Parse s[0..len) for the interval type t in the qualified form (leading and
 * trailing spaces allowed; an "INTERVAL '…' fields" text too, whose fields must be
 * of t's kind).  False when the text does not match or the value overflows; `why`
 * (cap bytes, may be NULL) then says which form was expected.
 */
bool bk_interval_parse_typed(const bk_type *t, const char *s, size_t len, int64_t *out, char *why,
                             size_t cap);

/* The result of a unit list: the value and the type its units give. */
typedef struct bk_interval_units {
    const bk_type *type; /* INTERVAL_YM or INTERVAL_DT with the units' smallest/largest fields */
    int64_t value;       /* months or µs */
} bk_interval_units;

/*
 * Parse a unit list ("[interval] v unit [v unit …]", units YEAR MONTH WEEK DAY
 * HOUR MINUTE SECOND MILLISECOND MICROSECOND, singular or plural, any case; a
 * fraction only on SECOND).  False with a message in `why` for a bad number or
 * unit, mixed year-month and day-time units, or an overflow.
 */
bool bk_interval_parse_units(const char *s, size_t len, bk_interval_units *out, char *why,
                             size_t cap);

#endif
