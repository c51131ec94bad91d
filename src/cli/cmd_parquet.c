/*
 * cmd_parquet.c — `bricks parquet schema|meta|cat|scan FILE`: a parquet-tools for free.
 *
 *   schema  the Parquet schema tree (repetition, physical type, annotations) and the
 *           Spark type each top-level column reads as
 *   meta    file metadata, then per row group and column chunk: type, codec,
 *           encodings, counts, sizes, statistics decoded to text, page index
 *   cat     every row as JSON lines (default) or CSV; see value_out.c for the text
 *   scan    decode every column of every row group (in parallel) and print only the
 *           row count and the time taken: the benchmark entry point
 *
 * `write` lives in cmd_parquet_write.c.  Every command opens the file with
 * pq_reader_open, so a damaged file gives the reader's error (exit status 1), and
 * reading rows happens one row group at a time in one arena, reset in between, with
 * an optional byte limit (--memory-limit).
 */
#include "cli/cli.h"

#include <inttypes.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "base/clock.h"
#include "base/thread.h"
#include "parquet/parquet.h"

#define OUT_FLUSH_BYTES (256 * 1024)

static const char parquet_usage[] =
    "Usage: bricks parquet COMMAND FILE [OPTIONS]\n"
    "\n"
    "Inspect, print and write Parquet files.\n"
    "\n"
    "Commands:\n"
    "  schema FILE                 the Parquet schema tree and the Spark type of each column\n"
    "  meta FILE                   row groups, column chunks, encodings, codecs, statistics\n"
    "  cat FILE [--limit N] [--format jsonl|csv] [--columns a,b]\n"
    "                              print rows (JSON lines by default)\n"
    "  write --from-csv IN.csv --schema \"a INT, b STRING\" OUT.parquet\n"
    "  write --from-jsonl IN.jsonl --schema \"…\" OUT.parquet\n"
    "                              write a Parquet file (see 'bricks parquet write --help')\n"
    "  scan FILE [--threads N]     decode every column, print rows and seconds (benchmarks)\n"
    "\n"
    "Options of cat and scan:\n"
    "  --memory-limit SIZE         fail cleanly past SIZE bytes of decoded data (e.g. 2G)\n"
    "  --max-page-size SIZE        refuse pages larger than SIZE uncompressed (default 1G)\n"
    "  --no-checksums              do not verify page CRCs\n";

/* Options shared by the commands that read a file. */
typedef struct read_opts {
    const char *path;
    size_t memory_limit; /* 0 = none */
    pq_reader_opts reader;
} read_opts;

/*
 * Match one of the shared read options at argv[*i].  Returns 1 if consumed, 0 if
 * not one of them, or an exit status + 2 (so >= 2) on a usage error.
 */
static int read_option(int argc, char **argv, int *i, read_opts *o) {
    const char *val;
    int m;
    if ((m = cli_opt_value(argc, argv, i, "--memory-limit", &val)) != 0) {
        if (m < 0) return CLI_EXIT_USAGE + 2;
        if (!cli_parse_size(val, &o->memory_limit)) {
            cli_usage("bricks parquet", "--memory-limit: \"%s\" is not a size", val);
            return CLI_EXIT_USAGE + 2;
        }
        return 1;
    }
    if ((m = cli_opt_value(argc, argv, i, "--max-page-size", &val)) != 0) {
        if (m < 0) return CLI_EXIT_USAGE + 2;
        if (!cli_parse_size(val, &o->reader.max_page_bytes)) {
            cli_usage("bricks parquet", "--max-page-size: \"%s\" is not a size", val);
            return CLI_EXIT_USAGE + 2;
        }
        return 1;
    }
    if (strcmp(argv[*i], "--no-checksums") == 0) {
        o->reader.skip_checksums = true;
        return 1;
    }
    return 0;
}

/* The positional FILE argument, or a usage error for a second one / a stray flag. */
static int positional(const char *cmd, const char *arg, read_opts *o) {
    if (arg[0] == '-' && arg[1] != '\0') return cli_usage(cmd, "unknown option \"%s\"", arg);
    if (o->path) return cli_usage(cmd, "unexpected argument \"%s\"", arg);
    o->path = arg;
    return CLI_EXIT_OK;
}

static int open_reader(const read_opts *o, pq_reader **r) {
    bk_error err;
    bk_error_clear(&err);
    if (pq_reader_open(o->path, &o->reader, r, &err) != BK_OK) return cli_report(&err);
    return CLI_EXIT_OK;
}

static int print_help(const char *text) {
    fputs(text, stdout);
    return CLI_EXIT_OK;
}

static bool wants_help(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) return false;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return true;
    }
    return false;
}

/* ---- schema ---- */

static const char *repetition_name(const pq_schema_element *e) {
    static const char *const names[] = {"required", "optional", "repeated"};
    if (!e->has_repetition) return "";
    return (unsigned)e->repetition < BK_ARRAY_LEN(names) ? names[e->repetition] : "?";
}

static const char *unit_name(pq_time_unit u) {
    return u == PQ_MILLIS ? "MILLIS" : u == PQ_MICROS ? "MICROS" : u == PQ_NANOS ? "NANOS" : "?";
}

/* The annotation of an element as text ("STRING", "DECIMAL(10,2)"); "" when none. */
static void annotation(const pq_schema_element *e, char *dst, size_t cap) {
    /* Logical types whose text is their name alone. */
    static const char *const simple[] = {
        [PQ_LT_STRING] = "STRING",       [PQ_LT_MAP] = "MAP",         [PQ_LT_LIST] = "LIST",
        [PQ_LT_ENUM] = "ENUM",           [PQ_LT_DATE] = "DATE",       [PQ_LT_UNKNOWN] = "UNKNOWN",
        [PQ_LT_JSON] = "JSON",           [PQ_LT_BSON] = "BSON",       [PQ_LT_UUID] = "UUID",
        [PQ_LT_FLOAT16] = "FLOAT16",     [PQ_LT_VARIANT] = "VARIANT", [PQ_LT_GEOMETRY] = "GEOMETRY",
        [PQ_LT_GEOGRAPHY] = "GEOGRAPHY",
    };
    const pq_logical_type *lt = &e->logical;
    const char *utc = lt->is_adjusted_to_utc ? "true" : "false";
    if ((unsigned)lt->kind < BK_ARRAY_LEN(simple) && simple[lt->kind])
        snprintf(dst, cap, "%s", simple[lt->kind]);
    else if (lt->kind == PQ_LT_DECIMAL)
        snprintf(dst, cap, "DECIMAL(%d,%d)", (int)lt->precision, (int)lt->scale);
    else if (lt->kind == PQ_LT_TIME)
        snprintf(dst, cap, "TIME(%s,%s)", unit_name(lt->unit), utc);
    else if (lt->kind == PQ_LT_TIMESTAMP)
        snprintf(dst, cap, "TIMESTAMP(%s,%s)", unit_name(lt->unit), utc);
    else if (lt->kind == PQ_LT_INTEGER)
        snprintf(dst, cap, "INTEGER(%d,%s)", (int)lt->bit_width, lt->is_signed ? "true" : "false");
    else if (e->converted == PQ_CT_DECIMAL)
        snprintf(dst, cap, "DECIMAL(%d,%d)", (int)e->precision, (int)e->scale);
    else if (e->converted != PQ_CT_NONE)
        snprintf(dst, cap, "%s", pq_converted_name(e->converted));
    else
        dst[0] = '\0';
}

/* The physical type as parquet-mr prints it in a schema ("int32", "binary"). */
static const char *physical_lower(pq_physical t) {
    static const char *const names[] = {"boolean", "int32",  "int64",  "int96",
                                        "float",   "double", "binary", "fixed_len_byte_array"};
    return (unsigned)t < BK_ARRAY_LEN(names) ? names[t] : "?";
}

/*
 * Print element `*idx` and its subtree in parquet-mr's notation, advancing *idx.
 * Counts are checked against n_schema, so a footer the reader accepted cannot make
 * this walk past the array.
 */
static bk_status print_element(bk_buf *out, const pq_file_meta *m, uint32_t *idx, int depth) {
    if (*idx >= m->n_schema || depth > 64) return BK_OK;
    const pq_schema_element *e = &m->schema[(*idx)++];
    char note[64];
    annotation(e, note, sizeof note);
    BK_TRY(bk_buf_printf(out, "%*s", depth * 2, ""));
    if (depth == 0) {
        BK_TRY(bk_buf_printf(out, "message %s", e->name ? e->name : "schema"));
    } else {
        BK_TRY(bk_buf_printf(out, "%s ", repetition_name(e)));
        if (e->num_children > 0 || !e->has_type)
            BK_TRY(bk_buf_printf(out, "group"));
        else if (e->type == PQ_FIXED_LEN_BYTE_ARRAY)
            BK_TRY(bk_buf_printf(out, "fixed_len_byte_array(%d)", (int)e->type_length));
        else
            BK_TRY(bk_buf_printf(out, "%s", physical_lower(e->type)));
        BK_TRY(bk_buf_printf(out, " %s", e->name ? e->name : ""));
    }
    if (note[0]) BK_TRY(bk_buf_printf(out, " (%s)", note));
    if (e->has_field_id) BK_TRY(bk_buf_printf(out, " = %d", (int)e->field_id));
    if (e->num_children > 0 || depth == 0) {
        BK_TRY(bk_buf_printf(out, " {\n"));
        for (int32_t c = 0; c < e->num_children && *idx < m->n_schema; c++)
            BK_TRY(print_element(out, m, idx, depth + 1));
        BK_TRY(bk_buf_printf(out, "%*s}\n", depth * 2, ""));
    } else {
        BK_TRY(bk_buf_printf(out, ";\n"));
    }
    return BK_OK;
}

static int cmd_schema(int argc, char **argv) {
    static const char usage[] = "Usage: bricks parquet schema FILE\n"
                                "\n"
                                "Print the Parquet schema tree and the Spark type of each "
                                "top-level column.\n";
    if (wants_help(argc, argv)) return print_help(usage);
    read_opts o = {0};
    for (int i = 1; i < argc; i++) {
        int rc = read_option(argc, argv, &i, &o);
        if (rc >= 2) return rc - 2;
        if (rc == 1) continue;
        if ((rc = positional("bricks parquet schema", argv[i], &o)) != 0) return rc;
    }
    if (!o.path) return cli_usage("bricks parquet schema", "missing FILE");
    pq_reader *r;
    int rc = open_reader(&o, &r);
    if (rc) return rc;
    bk_buf out;
    bk_buf_init(&out);
    bk_error err;
    bk_error_clear(&err);
    const pq_file_meta *m = pq_reader_meta(r);
    uint32_t idx = 0;
    bk_status st = print_element(&out, m, &idx, 0);
    const bk_type *schema = pq_reader_schema(r);
    if (st == BK_OK) st = bk_buf_printf(&out, "\nSpark schema:\n");
    for (uint32_t f = 0; st == BK_OK && f < schema->n_children; f++) {
        char tname[1024];
        bk_type_format(schema->children[f], tname, sizeof tname);
        bool nullable = !schema->field_nullable || schema->field_nullable[f];
        st = bk_buf_printf(&out, "  %s: %s%s\n", schema->field_names[f], tname,
                           nullable ? "" : " NOT NULL");
    }
    if (st != BK_OK) bk_error_set(&err, st, "out of memory");
    if (st == BK_OK) st = cli_flush(&out, 0, &err);
    bk_buf_destroy(&out);
    pq_reader_close(r);
    return st == BK_OK ? CLI_EXIT_OK : cli_report(&err);
}

/* ---- meta ---- */

static uint64_t load_le(const uint8_t *p, int n) {
    uint64_t v = 0;
    for (int k = n - 1; k >= 0; k--) v = v << 8 | p[k];
    return v;
}

/* A big-endian two's complement integer of 1..16 bytes as a bk_i128. */
static bk_i128 load_be_i128(const uint8_t *p, uint32_t n) {
    uint64_t hi = (p[0] & 0x80) ? UINT64_MAX : 0, lo = hi;
    for (uint32_t k = 0; k < n; k++) {
        hi = hi << 8 | lo >> 56;
        lo = lo << 8 | p[k];
    }
    bk_i128 v = {lo, (int64_t)hi};
    return v;
}

static float half_to_float(uint16_t h) {
    int exp = (h >> 10) & 31, mant = h & 1023;
    float sign = (h & 0x8000) ? -1.0f : 1.0f;
    if (exp == 0) return sign * ldexpf((float)mant, -24);
    if (exp == 31) return mant ? NAN : sign * INFINITY;
    return sign * ldexpf((float)(mant | 1024), exp - 25);
}

/* Timestamp value in `unit` to µs, flooring nanoseconds; false if out of range. */
static bool to_micros(int64_t v, pq_time_unit unit, int64_t *out) {
    if (unit == PQ_MILLIS) {
        if (v > INT64_MAX / 1000 || v < INT64_MIN / 1000) return false;
        *out = v * 1000;
    } else if (unit == PQ_NANOS) {
        *out = v / 1000 - (v % 1000 < 0);
    } else {
        *out = v;
    }
    return true;
}

static bk_status hex_text(bk_buf *out, const uint8_t *p, uint32_t n) {
    uint32_t show = n > 32 ? 32 : n;
    BK_TRY(bk_buf_printf(out, "0x"));
    for (uint32_t k = 0; k < show; k++) BK_TRY(bk_buf_printf(out, "%02X", p[k]));
    if (show < n) BK_TRY(bk_buf_printf(out, "... (%u bytes)", (unsigned)n));
    return BK_OK;
}

/* A statistics value (plain-encoded) of leaf `e` as text. */
static bk_status stat_text(bk_buf *out, const pq_schema_element *e, pq_bytes b) {
    const pq_logical_type *lt = &e->logical;
    char text[128];
    const uint8_t *p = b.ptr;
    bool is_decimal = lt->kind == PQ_LT_DECIMAL || e->converted == PQ_CT_DECIMAL;
    int scale = lt->kind == PQ_LT_DECIMAL ? lt->scale : e->scale;
    bool is_unsigned = (lt->kind == PQ_LT_INTEGER && !lt->is_signed) ||
                       (e->converted >= PQ_CT_UINT_8 && e->converted <= PQ_CT_UINT_64);
    switch (e->type) {
    case PQ_BOOLEAN:
        if (b.len != 1) break;
        return bk_buf_printf(out, "%s", p[0] ? "true" : "false");
    case PQ_INT32: {
        if (b.len != 4) break;
        int32_t v = (int32_t)(uint32_t)load_le(p, 4);
        if (lt->kind == PQ_LT_DATE || e->converted == PQ_CT_DATE) {
            bk_format_date(v, text, sizeof text);
        } else if (is_decimal) {
            cli_format_decimal64(v, scale, text, sizeof text);
        } else if (is_unsigned) {
            snprintf(text, sizeof text, "%" PRIu32, (uint32_t)v);
        } else if (lt->kind == PQ_LT_TIME || e->converted == PQ_CT_TIME_MILLIS) {
            bk_format_time_micros((int64_t)v * 1000, text, sizeof text);
        } else {
            snprintf(text, sizeof text, "%" PRId32, v);
        }
        return bk_buf_printf(out, "%s", text);
    }
    case PQ_INT64: {
        if (b.len != 8) break;
        int64_t v = (int64_t)load_le(p, 8);
        pq_time_unit unit = PQ_MICROS;
        bool is_ts = lt->kind == PQ_LT_TIMESTAMP || e->converted == PQ_CT_TIMESTAMP_MILLIS ||
                     e->converted == PQ_CT_TIMESTAMP_MICROS;
        bool is_time = lt->kind == PQ_LT_TIME || e->converted == PQ_CT_TIME_MICROS;
        if (lt->kind == PQ_LT_TIMESTAMP || lt->kind == PQ_LT_TIME)
            unit = lt->unit;
        else if (e->converted == PQ_CT_TIMESTAMP_MILLIS)
            unit = PQ_MILLIS;
        int64_t micros;
        if ((is_ts || is_time) && to_micros(v, unit, &micros)) {
            if (is_ts)
                bk_format_timestamp_micros(micros, text, sizeof text);
            else
                bk_format_time_micros(micros, text, sizeof text);
        } else if (is_decimal) {
            cli_format_decimal64(v, scale, text, sizeof text);
        } else if (is_unsigned) {
            snprintf(text, sizeof text, "%" PRIu64, (uint64_t)v);
        } else {
            snprintf(text, sizeof text, "%" PRId64, v);
        }
        return bk_buf_printf(out, "%s", text);
    }
    case PQ_INT96: {
        if (b.len != 12) break;
        int64_t nanos = (int64_t)load_le(p, 8);
        int64_t julian = (int64_t)(int32_t)(uint32_t)load_le(p + 8, 4);
        int64_t days = julian - 2440588; /* Julian day of 1970-01-01 */
        int64_t micros;
        to_micros(nanos, PQ_NANOS, &micros);
        bool fits = days <= INT64_MAX / BK_MICROS_PER_DAY && days >= INT64_MIN / BK_MICROS_PER_DAY;
        int64_t base = fits ? days * BK_MICROS_PER_DAY : 0;
        fits = fits && (micros >= 0 ? base <= INT64_MAX - micros : base >= INT64_MIN - micros);
        if (!fits) return bk_buf_printf(out, "(INT96 value out of range)");
        bk_format_timestamp_micros(base + micros, text, sizeof text);
        return bk_buf_printf(out, "%s", text);
    }
    case PQ_FLOAT: {
        if (b.len != 4) break;
        uint32_t bits = (uint32_t)load_le(p, 4);
        float f;
        memcpy(&f, &bits, 4);
        cli_format_float(f, text, sizeof text);
        return bk_buf_printf(out, "%s", text);
    }
    case PQ_DOUBLE: {
        if (b.len != 8) break;
        uint64_t bits = load_le(p, 8);
        double d;
        memcpy(&d, &bits, 8);
        cli_format_double(d, text, sizeof text);
        return bk_buf_printf(out, "%s", text);
    }
    case PQ_BYTE_ARRAY:
    case PQ_FIXED_LEN_BYTE_ARRAY:
        if (is_decimal && b.len >= 1 && b.len <= 16) {
            cli_format_decimal128(load_be_i128(p, b.len), scale, text, sizeof text);
            return bk_buf_printf(out, "%s", text);
        }
        if (lt->kind == PQ_LT_FLOAT16 && b.len == 2) {
            cli_format_float(half_to_float((uint16_t)load_le(p, 2)), text, sizeof text);
            return bk_buf_printf(out, "%s", text);
        }
        if (lt->kind == PQ_LT_STRING || lt->kind == PQ_LT_ENUM || lt->kind == PQ_LT_JSON ||
            e->converted == PQ_CT_UTF8 || e->converted == PQ_CT_ENUM ||
            e->converted == PQ_CT_JSON) {
            uint32_t show = b.len > 64 ? 64 : b.len;
            while (show < b.len && show > 0 && (p[show] & 0xC0) == 0x80) show--;
            BK_TRY(cli_json_string(out, (const char *)p, show));
            if (show < b.len) BK_TRY(bk_buf_printf(out, "... (%u bytes)", (unsigned)b.len));
            return BK_OK;
        }
        return hex_text(out, p, b.len);
    }
    return bk_buf_printf(out, "<%u bytes>", (unsigned)b.len);
}

static bk_status print_stats(bk_buf *out, const pq_schema_element *leaf, const pq_statistics *s,
                             pq_column_order order) {
    BK_TRY(bk_buf_printf(out, "    statistics:"));
    bool any = false;
    /* min_value/max_value follow the column order; the deprecated pair is signed order. */
    if (s->has_min_value || s->has_max_value) {
        if (s->has_min_value) {
            BK_TRY(bk_buf_printf(out, " min "));
            BK_TRY(stat_text(out, leaf, s->min_value));
        }
        if (s->has_max_value) {
            BK_TRY(bk_buf_printf(out, "%s max ", s->has_min_value ? "," : ""));
            BK_TRY(stat_text(out, leaf, s->max_value));
        }
        any = true;
    } else if (s->has_min || s->has_max) {
        if (s->has_min) {
            BK_TRY(bk_buf_printf(out, " min "));
            BK_TRY(stat_text(out, leaf, s->min));
        }
        if (s->has_max) {
            BK_TRY(bk_buf_printf(out, "%s max ", s->has_min ? "," : ""));
            BK_TRY(stat_text(out, leaf, s->max));
        }
        BK_TRY(bk_buf_printf(out, " (deprecated min/max)"));
        any = true;
    }
    if (s->has_null_count) {
        BK_TRY(bk_buf_printf(out, "%s nulls %" PRId64, any ? "," : "", s->null_count));
        any = true;
    }
    if (s->has_distinct_count) {
        BK_TRY(bk_buf_printf(out, "%s distinct %" PRId64, any ? "," : "", s->distinct_count));
        any = true;
    }
    if (s->has_nan_count) {
        BK_TRY(bk_buf_printf(out, "%s NaNs %" PRId64, any ? "," : "", s->nan_count));
        any = true;
    }
    if (!any) BK_TRY(bk_buf_printf(out, " none"));
    if (order == PQ_ORDER_UNDEFINED && (s->has_min_value || s->has_max_value))
        BK_TRY(bk_buf_printf(out, " (no column order in footer)"));
    return bk_buf_printf(out, "\n");
}

/* Leaf schema elements in column-chunk order; *n receives their count. */
static const pq_schema_element **collect_leaves(bk_arena *a, const pq_file_meta *m, uint32_t *n) {
    const pq_schema_element **leaves =
        bk_arena_array(a, m->n_schema ? m->n_schema : 1, sizeof *leaves);
    *n = 0;
    if (!leaves) return NULL;
    for (uint32_t k = 1; k < m->n_schema; k++)
        if (m->schema[k].num_children == 0) leaves[(*n)++] = &m->schema[k];
    return leaves;
}

static bk_status print_meta(bk_buf *out, bk_arena *a, const char *path, pq_reader *r) {
    const pq_file_meta *m = pq_reader_meta(r);
    uint32_t n_leaves;
    const pq_schema_element **leaves = collect_leaves(a, m, &n_leaves);
    if (!leaves) return BK_OUT_OF_MEMORY;
    BK_TRY(bk_buf_printf(out, "file: %s\n", path));
    BK_TRY(bk_buf_printf(out, "created by: %s\n", m->created_by ? m->created_by : "(unknown)"));
    BK_TRY(bk_buf_printf(out, "format version: %d\n", (int)m->version));
    BK_TRY(bk_buf_printf(out, "rows: %" PRId64 "\n", m->num_rows));
    BK_TRY(bk_buf_printf(out, "row groups: %u\n", (unsigned)m->n_row_groups));
    BK_TRY(bk_buf_printf(out, "leaf columns: %u\n", (unsigned)n_leaves));
    BK_TRY(bk_buf_printf(out, "column orders: %s\n",
                         m->n_column_orders ? "present" : "absent (statistics use signed order)"));
    if (m->n_key_value) {
        BK_TRY(bk_buf_printf(out, "key-value metadata:\n"));
        for (uint32_t k = 0; k < m->n_key_value; k++) {
            const pq_key_value *kv = &m->key_value[k];
            BK_TRY(bk_buf_printf(out, "  "));
            BK_TRY(cli_json_string(out, kv->key, strlen(kv->key)));
            BK_TRY(bk_buf_printf(out, ": "));
            if (!kv->value) {
                BK_TRY(bk_buf_printf(out, "(no value)\n"));
                continue;
            }
            uint32_t show = kv->value_len > 200 ? 200 : kv->value_len;
            while (show < kv->value_len && show > 0 && ((uint8_t)kv->value[show] & 0xC0) == 0x80)
                show--;
            BK_TRY(cli_json_string(out, kv->value, show));
            if (show < kv->value_len)
                BK_TRY(bk_buf_printf(out, "... (%u bytes)", (unsigned)kv->value_len));
            BK_TRY(bk_buf_printf(out, "\n"));
        }
    }
    for (uint32_t rg = 0; rg < m->n_row_groups; rg++) {
        const pq_row_group *g = &m->row_groups[rg];
        BK_TRY(bk_buf_printf(out, "row group %u: %" PRId64 " rows, %" PRId64 " bytes", (unsigned)rg,
                             g->num_rows, g->total_byte_size));
        if (g->has_total_compressed_size)
            BK_TRY(bk_buf_printf(out, " (%" PRId64 " compressed)", g->total_compressed_size));
        BK_TRY(bk_buf_printf(out, "\n"));
        for (uint32_t c = 0; c < g->n_columns; c++) {
            const pq_column_chunk *cc = &g->columns[c];
            const pq_column_meta *cm = &cc->meta;
            BK_TRY(bk_buf_printf(out, "  column %u ", (unsigned)c));
            if (!cc->has_meta_data) {
                BK_TRY(
                    bk_buf_printf(out, "(no metadata%s)\n", cc->is_encrypted ? ", encrypted" : ""));
                continue;
            }
            bk_buf name;
            bk_buf_init(&name);
            bk_status st = BK_OK;
            for (uint32_t p = 0; p < cm->n_path && st == BK_OK; p++) {
                if (p) st = bk_buf_append_u8(&name, '.');
                if (st == BK_OK)
                    st = bk_buf_append(&name, cm->path_in_schema[p], strlen(cm->path_in_schema[p]));
            }
            if (st == BK_OK) st = cli_json_string(out, (const char *)name.data, name.len);
            bk_buf_destroy(&name);
            BK_TRY(st);
            const pq_schema_element *leaf = c < n_leaves ? leaves[c] : NULL;
            char note[64] = "";
            if (leaf) annotation(leaf, note, sizeof note);
            BK_TRY(bk_buf_printf(out, ": %s%s%s%s, %s\n", pq_physical_name(cm->type),
                                 note[0] ? " (" : "", note, note[0] ? ")" : "",
                                 pq_codec_name(cm->codec)));
            BK_TRY(bk_buf_printf(out, "    encodings:"));
            for (uint32_t k = 0; k < cm->n_encodings; k++)
                BK_TRY(
                    bk_buf_printf(out, "%s %s", k ? "," : "", pq_encoding_name(cm->encodings[k])));
            BK_TRY(bk_buf_printf(out, "\n"));
            if (cm->n_encoding_stats) {
                BK_TRY(bk_buf_printf(out, "    pages:"));
                for (uint32_t k = 0; k < cm->n_encoding_stats; k++) {
                    const pq_page_encoding_stats *es = &cm->encoding_stats[k];
                    BK_TRY(bk_buf_printf(out, "%s %d %s %s", k ? "," : "", (int)es->count,
                                         pq_page_type_name(es->page_type),
                                         pq_encoding_name(es->encoding)));
                }
                BK_TRY(bk_buf_printf(out, "\n"));
            }
            BK_TRY(bk_buf_printf(out,
                                 "    values: %" PRId64 ", compressed: %" PRId64
                                 " bytes, uncompressed: %" PRId64 " bytes\n",
                                 cm->num_values, cm->total_compressed_size,
                                 cm->total_uncompressed_size));
            BK_TRY(bk_buf_printf(out, "    data page offset: %" PRId64, cm->data_page_offset));
            if (cm->has_dictionary_page_offset)
                BK_TRY(bk_buf_printf(out, ", dictionary page offset: %" PRId64,
                                     cm->dictionary_page_offset));
            BK_TRY(bk_buf_printf(out, "\n"));
            if (cm->has_statistics && leaf) {
                pq_column_order order =
                    c < m->n_column_orders ? m->column_orders[c] : PQ_ORDER_UNDEFINED;
                BK_TRY(print_stats(out, leaf, &cm->statistics, order));
            } else {
                BK_TRY(bk_buf_printf(out, "    statistics: none\n"));
            }
            BK_TRY(bk_buf_printf(out, "    page index: %s, %s",
                                 cc->has_column_index ? "column index" : "no column index",
                                 cc->has_offset_index ? "offset index" : "no offset index"));
            if (cm->has_bloom_filter)
                BK_TRY(bk_buf_printf(out, "; bloom filter at %" PRId64, cm->bloom_filter_offset));
            BK_TRY(bk_buf_printf(out, "\n"));
        }
    }
    return BK_OK;
}

static int cmd_meta(int argc, char **argv) {
    static const char usage[] = "Usage: bricks parquet meta FILE\n"
                                "\n"
                                "Print the file metadata: row groups, column chunks, "
                                "encodings, codecs, sizes, statistics.\n";
    if (wants_help(argc, argv)) return print_help(usage);
    read_opts o = {0};
    for (int i = 1; i < argc; i++) {
        int rc = read_option(argc, argv, &i, &o);
        if (rc >= 2) return rc - 2;
        if (rc == 1) continue;
        if ((rc = positional("bricks parquet meta", argv[i], &o)) != 0) return rc;
    }
    if (!o.path) return cli_usage("bricks parquet meta", "missing FILE");
    pq_reader *r;
    int rc = open_reader(&o, &r);
    if (rc) return rc;
    bk_error err;
    bk_error_clear(&err);
    bk_arena *a = bk_arena_new(NULL, "parquet meta", 0);
    bk_buf out;
    bk_buf_init(&out);
    bk_status st = a ? print_meta(&out, a, o.path, r) : BK_OUT_OF_MEMORY;
    if (st != BK_OK) bk_error_set(&err, st, "out of memory");
    if (st == BK_OK) st = cli_flush(&out, 0, &err);
    bk_buf_destroy(&out);
    bk_arena_free(a);
    pq_reader_close(r);
    return st == BK_OK ? CLI_EXIT_OK : cli_report(&err);
}

/* ---- cat ---- */

/* Resolve "--columns a,b" against the schema into field indexes (in `a`). */
static int resolve_columns(bk_arena *a, const bk_type *schema, const char *list, uint32_t **fields,
                           uint32_t *n_fields) {
    uint32_t cap = 1;
    for (const char *p = list; *p; p++) cap += *p == ',';
    *fields = bk_arena_array(a, cap, sizeof **fields);
    if (!*fields) return cli_fail("out of memory");
    *n_fields = 0;
    const char *start = list;
    for (;;) {
        const char *end = strchr(start, ',');
        size_t len = end ? (size_t)(end - start) : strlen(start);
        uint32_t f = 0;
        while (f < schema->n_children && (strlen(schema->field_names[f]) != len ||
                                          memcmp(schema->field_names[f], start, len) != 0))
            f++;
        if (f == schema->n_children)
            return cli_usage("bricks parquet cat", "--columns: no column \"%.*s\" in the file",
                             (int)len, start);
        (*fields)[(*n_fields)++] = f;
        if (!end) break;
        start = end + 1;
    }
    return CLI_EXIT_OK;
}

static bk_status cat_rows(pq_reader *r, bk_arena *a, out_format fmt, const uint32_t *fields,
                          uint32_t n_fields, int64_t limit, bk_buf *out, bk_error *err) {
    const bk_type *schema = pq_reader_schema(r);
    const pq_file_meta *m = pq_reader_meta(r);
    bk_vector **cols = bk_arena_array(a, n_fields ? n_fields : 1, sizeof *cols);
    const char **names = bk_arena_array(a, n_fields ? n_fields : 1, sizeof *names);
    if (!cols || !names) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < n_fields; k++) names[k] = schema->field_names[fields[k]];
    BK_TRY(cli_rows_header(out, fmt, names, n_fields));
    bk_arena *rg_arena = bk_arena_new(a, "parquet cat row group", 0);
    if (!rg_arena) return bk_arena_oom(a, err);
    int64_t printed = 0;
    for (uint32_t rg = 0; rg < pq_reader_num_row_groups(r) && (limit < 0 || printed < limit);
         rg++) {
        bk_arena_reset(rg_arena);
        size_t n = (size_t)m->row_groups[rg].num_rows;
        if (n_fields > 0) {
            BK_TRY(pq_reader_read_row_group(r, rg_arena, rg, fields, n_fields, cols, err));
            n = cols[0]->n;
        }
        if (limit >= 0 && (int64_t)n > limit - printed) n = (size_t)(limit - printed);
        BK_TRY(cli_rows_print(out, fmt, names, cols, n_fields, n, err));
        printed += (int64_t)n;
    }
    return cli_flush(out, 0, err);
}

static int cmd_cat(int argc, char **argv) {
    static const char usage[] =
        "Usage: bricks parquet cat FILE [--limit N] [--format jsonl|csv] [--columns a,b]\n"
        "                          [--memory-limit SIZE] [--max-page-size SIZE] [--no-checksums]\n"
        "\n"
        "Print the rows of FILE: one JSON object per line (default) or CSV with a header.\n"
        "JSON: integers and floats as numbers (NaN and infinities as strings), DECIMAL as a\n"
        "string with its scale, BINARY as base64, DATE \"YYYY-MM-DD\", TIMESTAMP\n"
        "\"YYYY-MM-DD HH:MM:SS[.ffffff]\" (UTC), arrays, structs and maps as JSON.\n"
        "CSV: RFC 4180, NULL as an empty field, the empty string as \"\".\n";
    if (wants_help(argc, argv)) return print_help(usage);
    read_opts o = {0};
    int64_t limit = -1;
    out_format fmt = FORMAT_JSONL;
    const char *columns = NULL;
    for (int i = 1; i < argc; i++) {
        int rc = read_option(argc, argv, &i, &o);
        if (rc >= 2) return rc - 2;
        if (rc == 1) continue;
        const char *val;
        int m;
        if ((m = cli_opt_value(argc, argv, &i, "--limit", &val)) != 0) {
            if (m < 0) return CLI_EXIT_USAGE;
            if (!cli_parse_count(val, &limit))
                return cli_usage("bricks parquet cat", "--limit: \"%s\" is not a count", val);
        } else if ((m = cli_opt_value(argc, argv, &i, "--format", &val)) != 0) {
            if (m < 0) return CLI_EXIT_USAGE;
            if (strcmp(val, "jsonl") == 0 || strcmp(val, "json") == 0)
                fmt = FORMAT_JSONL;
            else if (strcmp(val, "csv") == 0)
                fmt = FORMAT_CSV;
            else
                return cli_usage("bricks parquet cat", "--format: \"%s\" is not one of jsonl, csv",
                                 val);
        } else if ((m = cli_opt_value(argc, argv, &i, "--columns", &val)) != 0) {
            if (m < 0) return CLI_EXIT_USAGE;
            columns = val;
        } else if ((rc = positional("bricks parquet cat", argv[i], &o)) != 0) {
            return rc;
        }
    }
    if (!o.path) return cli_usage("bricks parquet cat", "missing FILE");
    pq_reader *r;
    int rc = open_reader(&o, &r);
    if (rc) return rc;
    bk_arena *a = bk_arena_new(NULL, "parquet cat", o.memory_limit);
    if (!a) {
        pq_reader_close(r);
        return cli_fail("out of memory");
    }
    const bk_type *schema = pq_reader_schema(r);
    uint32_t *fields = NULL, n_fields = 0;
    if (columns) {
        rc = resolve_columns(a, schema, columns, &fields, &n_fields);
    } else {
        n_fields = schema->n_children;
        fields = bk_arena_array(a, n_fields ? n_fields : 1, sizeof *fields);
        if (!fields) rc = cli_fail("out of memory");
        for (uint32_t f = 0; fields && f < n_fields; f++) fields[f] = f;
    }
    if (rc == CLI_EXIT_OK) {
        bk_error err;
        bk_error_clear(&err);
        bk_buf out;
        bk_buf_init(&out);
        bk_status st = cat_rows(r, a, fmt, fields, n_fields, limit, &out, &err);
        if (st != BK_OK && err.code == BK_CODE_OK) bk_error_set(&err, st, "out of memory");
        bk_buf_destroy(&out);
        if (st != BK_OK) {
            fflush(stdout);
            rc = cli_report(&err);
        }
    }
    bk_arena_free(a);
    pq_reader_close(r);
    return rc;
}

/* ---- scan ---- */

typedef struct scan_count {
    atomic_uint_fast64_t rows;
    atomic_uint_fast32_t batches;
} scan_count;

static bk_status count_rows(void *ctx, uint32_t row_group, bk_arena *a, bk_vector **cols,
                            size_t n_rows, bk_error *err) {
    (void)row_group, (void)a, (void)cols, (void)err;
    scan_count *c = ctx;
    atomic_fetch_add(&c->rows, n_rows);
    atomic_fetch_add(&c->batches, 1);
    return BK_OK;
}

static int cmd_scan(int argc, char **argv) {
    static const char usage[] =
        "Usage: bricks parquet scan FILE [--threads N] [--no-checksums]\n"
        "\n"
        "Decode every column of every row group (row groups in parallel on N threads,\n"
        "default: all CPUs) without printing values; print the row count and the seconds\n"
        "taken from open to close.  Used by bench/parquet_scan.\n";
    if (wants_help(argc, argv)) return print_help(usage);
    read_opts o = {0};
    int64_t threads = 0;
    for (int i = 1; i < argc; i++) {
        int rc = read_option(argc, argv, &i, &o);
        if (rc >= 2) return rc - 2;
        if (rc == 1) continue;
        const char *val;
        int m;
        if ((m = cli_opt_value(argc, argv, &i, "--threads", &val)) != 0) {
            if (m < 0) return CLI_EXIT_USAGE;
            if (!cli_parse_count(val, &threads) || threads < 1 || threads > 1024)
                return cli_usage("bricks parquet scan", "--threads: \"%s\" is not 1..1024", val);
        } else if ((rc = positional("bricks parquet scan", argv[i], &o)) != 0) {
            return rc;
        }
    }
    if (!o.path) return cli_usage("bricks parquet scan", "missing FILE");
    double start = cli_now();
    bk_pool *pool = bk_pool_new((int)threads);
    if (!pool) return cli_fail("could not start %lld threads", (long long)threads);
    pq_reader *r;
    int rc = open_reader(&o, &r);
    if (rc) {
        bk_pool_free(pool);
        return rc;
    }
    scan_count count;
    atomic_init(&count.rows, 0);
    atomic_init(&count.batches, 0);
    pq_scan_opts so = {0};
    so.pool = pool;
    pq_scan_stats stats;
    memset(&stats, 0, sizeof stats);
    bk_error err;
    bk_error_clear(&err);
    bk_status st = pq_scan(r, &so, count_rows, &count, &stats, &err);
    pq_reader_close(r);
    double elapsed = cli_now() - start;
    int n_threads = bk_pool_size(pool);
    bk_pool_free(pool);
    if (st != BK_OK) return cli_report(&err);
    printf("rows %llu  row_groups %u  threads %d  seconds %.6f\n",
           (unsigned long long)atomic_load(&count.rows), (unsigned)stats.row_groups_total,
           n_threads, elapsed);
    return CLI_EXIT_OK;
}

/* ---- dispatch ---- */

int cli_cmd_parquet(int argc, char **argv) {
    if (argc < 2) {
        fputs(parquet_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        fputs(parquet_usage, stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(sub, "schema") == 0) return cmd_schema(argc - 1, argv + 1);
    if (strcmp(sub, "meta") == 0) return cmd_meta(argc - 1, argv + 1);
    if (strcmp(sub, "cat") == 0) return cmd_cat(argc - 1, argv + 1);
    if (strcmp(sub, "scan") == 0) return cmd_scan(argc - 1, argv + 1);
    if (strcmp(sub, "write") == 0) return cli_cmd_parquet_write(argc - 1, argv + 1);
    return cli_usage("bricks parquet", "unknown parquet command \"%s\"", sub);
}
