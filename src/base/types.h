/*
 * types.h — the SQL type model shared by every layer (DESIGN §4).
 *
 * A bk_type describes a column: its kind, and for DECIMAL its precision and scale,
 * for ARRAY/MAP/STRUCT its children.  Types are immutable once built; nested types
 * are built in an arena (bk_type_make_*), the scalar ones are static singletons.
 *
 * Physical layout of each kind in a bk_vector (see vector.h):
 *   BOOLEAN            uint8_t  (0/1)          DATE            int32_t  days since 1970-01-01
 *   TINYINT            int8_t                  TIMESTAMP       int64_t  µs since epoch, UTC
 *   SMALLINT           int16_t                 TIMESTAMP_NTZ   int64_t  µs since epoch, local
 *   INT                int32_t                 TIME            int64_t  µs since midnight
 *   BIGINT             int64_t                 STRING, BINARY  bk_str   (view into an arena)
 *   FLOAT              float                   DECIMAL p <= 18 int64_t  unscaled
 *   DOUBLE             double                  DECIMAL p > 18  bk_i128  unscaled
 *   ARRAY  offsets[n+1] + child 0              MAP     offsets[n+1] + child 0 keys, 1 values
 *   STRUCT children only (data == NULL)        VOID    no data; every row is NULL
 *   INTERVAL_YM        int32_t  months         INTERVAL_DT     int64_t  µs
 *
 * The ANSI interval types carry their fields (Spark's YearMonthIntervalType(start,
 * end), DayTimeIntervalType(start, end)) in precision/scale; the fields only change
 * how a value is written, so bk_type_equal ignores them.
 */
#ifndef BRICKS_BASE_TYPES_H
#define BRICKS_BASE_TYPES_H

#include "base/bk.h"

typedef struct bk_arena bk_arena;

typedef enum bk_type_kind {
    BK_TYPE_VOID = 0,
    BK_TYPE_BOOLEAN,
    BK_TYPE_TINYINT,
    BK_TYPE_SMALLINT,
    BK_TYPE_INT,
    BK_TYPE_BIGINT,
    BK_TYPE_FLOAT,
    BK_TYPE_DOUBLE,
    BK_TYPE_DECIMAL,
    BK_TYPE_STRING,
    BK_TYPE_BINARY,
    BK_TYPE_DATE,
    BK_TYPE_TIMESTAMP,
    BK_TYPE_TIMESTAMP_NTZ,
    BK_TYPE_TIME,
    BK_TYPE_ARRAY,
    BK_TYPE_MAP,
    BK_TYPE_STRUCT,
    BK_TYPE_INTERVAL_YM, /* INTERVAL YEAR [TO MONTH] / MONTH: int32 months */
    BK_TYPE_INTERVAL_DT, /* INTERVAL DAY [TO HOUR|MINUTE|SECOND] ... SECOND: int64 µs */
    BK_TYPE_KIND_COUNT
} bk_type_kind;

#define BK_DECIMAL_MAX_PRECISION 38
#define BK_DECIMAL_INT64_MAX_PRECISION 18

typedef struct bk_type bk_type;

struct bk_type {
    bk_type_kind kind;
    uint8_t precision;          /* DECIMAL only; INTERVAL_*: the start field (BK_IV_*) */
    uint8_t scale;              /* DECIMAL only; INTERVAL_*: the end field */
    uint32_t n_children;        /* ARRAY 1, MAP 2 (key, value), STRUCT n fields */
    const bk_type **children;   /* n_children entries */
    const char **field_names;   /* STRUCT only: n_children names */
    const bool *field_nullable; /* STRUCT only: n_children flags (may be NULL: all nullable) */
};

/* A 128-bit two's complement integer, for DECIMAL with precision > 18. */
typedef struct bk_i128 {
    uint64_t lo;
    int64_t hi;
} bk_i128;

/* A string or binary value: `len` bytes at `ptr`, not NUL-terminated. */
typedef struct bk_str {
    const char *ptr;
    size_t len;
} bk_str;

/* Interval fields: YEAR, MONTH (INTERVAL_YM); DAY, HOUR, MINUTE, SECOND (INTERVAL_DT). */
enum { BK_IV_YEAR = 0, BK_IV_MONTH = 1 };
enum { BK_IV_DAY = 0, BK_IV_HOUR = 1, BK_IV_MINUTE = 2, BK_IV_SECOND = 3 };

/*
 * The interval type INTERVAL start [TO end] (a static singleton); NULL when the
 * fields are out of order or range.  bk_type_scalar gives YEAR TO MONTH and
 * DAY TO SECOND.
 */
const bk_type *bk_type_interval(bk_type_kind kind, int start, int end);

/* Static singletons for the kinds with no parameters (NULL for DECIMAL/ARRAY/MAP/STRUCT). */
const bk_type *bk_type_scalar(bk_type_kind kind);

/* Arena-built composite types; NULL on OOM or bad parameters (precision 1..38, scale <= p). */
const bk_type *bk_type_make_decimal(bk_arena *a, int precision, int scale);
const bk_type *bk_type_make_array(bk_arena *a, const bk_type *element);
const bk_type *bk_type_make_map(bk_arena *a, const bk_type *key, const bk_type *value);
/* Copies the names; `nullable` may be NULL (all nullable). */
const bk_type *bk_type_make_struct(bk_arena *a, uint32_t n, const char *const *names,
                                   const bk_type *const *fields, const bool *nullable);

/*
 * Bytes per value in a vector's data array (0 for STRUCT and VOID, and for ARRAY
 * and MAP, whose rows are `offsets` into child vectors: they have no data array).
 */
size_t bk_type_width(const bk_type *t);
bool bk_type_is_nested(const bk_type *t);
bool bk_type_equal(const bk_type *a, const bk_type *b);

/*
 * Spark's spelling of the type ("INT", "DECIMAL(10,2)", "ARRAY<STRING>",
 * "STRUCT<a: INT, b: STRING>").  Writes at most cap bytes (always NUL-terminated)
 * and returns the length it needed.
 */
size_t bk_type_format(const bk_type *t, char *dst, size_t cap);

/*
 * Parse a Spark DDL type ("BIGINT", "decimal(10, 2)", "array<struct<a:int>>",
 * "map<string,int>").  Case-insensitive.  Synonyms: INTEGER, LONG, SHORT, BYTE,
 * REAL, DEC, NUMERIC, VARCHAR(n)/CHAR(n) (as STRING).  On failure returns NULL and
 * writes a message naming the offending text into `why` (cap bytes).
 */
const bk_type *bk_type_parse(bk_arena *a, const char *text, size_t len, char *why, size_t cap);

#endif
