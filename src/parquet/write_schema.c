/*
 * write_schema.c — bk_type schema -> Parquet SchemaElements and leaf descriptors.
 *
 * The mapping is the one Spark writes (and schema.c reads back):
 *
 *   BOOLEAN        BOOLEAN
 *   TINYINT        INT32 + INTEGER(8, signed)  + INT_8
 *   SMALLINT       INT32 + INTEGER(16, signed) + INT_16
 *   INT / BIGINT   INT32 / INT64
 *   FLOAT / DOUBLE FLOAT / DOUBLE
 *   DECIMAL(p,s)   INT32 (p <= 9), INT64 (p <= 18), else FIXED_LEN_BYTE_ARRAY of the
 *                  smallest width holding p digits; DECIMAL(s,p) + converted DECIMAL
 *   STRING         BYTE_ARRAY + STRING + UTF8
 *   BINARY         BYTE_ARRAY
 *   DATE           INT32 + DATE + DATE
 *   TIMESTAMP      INT64 + TIMESTAMP(utc, MICROS) + TIMESTAMP_MICROS
 *   TIMESTAMP_NTZ  INT64 + TIMESTAMP(local, MICROS), no converted type (old readers
 *                  would take TIMESTAMP_MICROS as UTC)
 *   ARRAY          <opt|req> group name (LIST) { repeated group list { optional e element } }
 *   MAP            <opt|req> group name (MAP) { repeated group key_value {
 *                      required k key; optional v value } }
 *   STRUCT         <opt|req> group name { fields }
 *
 * A struct field with field_nullable false is REQUIRED; array elements and map
 * values are always OPTIONAL (the type model has no element nullability) and map
 * keys REQUIRED.  VOID and TIME cannot be written: BK_UNSUPPORTED at open.
 *
 * Alongside the elements, each leaf gets its path program (writer_int.h): the
 * NULLCHK / REQCHK / FIELD / REPEAT steps from the top-level vector to its values,
 * with the definition and repetition levels each step reaches.
 */
#include <string.h>

#include "base/mem.h"
#include "parquet/writer_int.h"

/* Nesting deeper than this is refused (levels are 16-bit; recursion is bounded). */
#define MAX_DEPTH 1000

typedef struct build_ctx {
    bk_arena *a;
    const char *file;
    bk_error *err;
    pq_schema_element *el; /* NULL on the counting pass */
    uint32_t n_el;
    pq_wr_leaf_desc *leaves; /* NULL on the counting pass */
    uint32_t n_leaves;
    uint32_t column;
    pq_wr_step *steps; /* the current path program (stack) */
    uint32_t n_steps, cap_steps;
    const char **names; /* the current path_in_schema (stack) */
    uint32_t n_names;
} build_ctx;

/* Smallest FIXED_LEN_BYTE_ARRAY width holding `precision` decimal digits. */
static int32_t decimal_flba_width(int precision) {
    /* max precision of n bytes: floor(log10(2^(8n-1) - 1)), n = 1..16 */
    static const int max_prec[17] = {0, 2, 4, 6, 9, 11, 14, 16, 18, 21, 23, 26, 28, 31, 33, 35, 38};
    for (int32_t n = 1; n <= 16; n++)
        if (max_prec[n] >= precision) return n;
    return 16;
}

static bk_status oom(build_ctx *c) {
    return bk_error_set(c->err, BK_OUT_OF_MEMORY,
                        "parquet file \"%s\": out of memory while building the schema", c->file);
}

/* Push a step of the current path program (a stack that grows by doubling). */
static bk_status push_step(build_ctx *c, pq_wr_step st) {
    if (c->n_steps == c->cap_steps) {
        uint32_t cap = c->cap_steps ? c->cap_steps * 2 : 16;
        pq_wr_step *p = bk_arena_array(c->a, cap, sizeof *p);
        if (!p) return oom(c);
        if (c->n_steps) memcpy(p, c->steps, c->n_steps * sizeof *p);
        c->steps = p;
        c->cap_steps = cap;
    }
    c->steps[c->n_steps++] = st;
    return BK_OK;
}

/* The dotted form of the current path, in the arena. */
static char *dotted_path(build_ctx *c) {
    size_t len = 0;
    for (uint32_t i = 0; i < c->n_names; i++) len += strlen(c->names[i]) + 1;
    char *s = bk_arena_alloc(c->a, len ? len : 1);
    if (!s) return NULL;
    size_t pos = 0;
    for (uint32_t i = 0; i < c->n_names; i++) {
        size_t n = strlen(c->names[i]);
        if (i) s[pos++] = '.';
        memcpy(s + pos, c->names[i], n);
        pos += n;
    }
    s[pos] = '\0';
    return s;
}

/* Append a SchemaElement (counting pass: just count); returns its index. */
static pq_schema_element *add_element(build_ctx *c, const char *name, pq_repetition rep) {
    uint32_t i = c->n_el++;
    if (!c->el) return NULL;
    pq_schema_element *e = &c->el[i];
    memset(e, 0, sizeof *e);
    e->name = name;
    e->has_repetition = true;
    e->repetition = rep;
    e->converted = PQ_CT_NONE;
    return e;
}

/* Fill a leaf's physical and logical type; false for kinds that cannot be written. */
static bool leaf_type(const bk_type *t, pq_schema_element *e, pq_wr_leaf_desc *d) {
    pq_physical phys;
    pq_wr_vkind vk;
    pq_wr_order ord;
    int32_t type_length = 0;
    size_t width;
    pq_logical_type lt = {0};
    pq_converted ct = PQ_CT_NONE;
    int32_t scale = 0, precision = 0;

    switch (t->kind) {
    case BK_TYPE_BOOLEAN:
        phys = PQ_BOOLEAN, vk = PQ_WR_V_BOOL, ord = PQ_WR_ORD_BOOL, width = 1;
        break;
    case BK_TYPE_TINYINT:
    case BK_TYPE_SMALLINT:
        phys = PQ_INT32, ord = PQ_WR_ORD_I32, width = 4;
        vk = t->kind == BK_TYPE_TINYINT ? PQ_WR_V_I8 : PQ_WR_V_I16;
        lt.kind = PQ_LT_INTEGER;
        lt.bit_width = t->kind == BK_TYPE_TINYINT ? 8 : 16;
        lt.is_signed = true;
        ct = t->kind == BK_TYPE_TINYINT ? PQ_CT_INT_8 : PQ_CT_INT_16;
        break;
    case BK_TYPE_INT:
        phys = PQ_INT32, vk = PQ_WR_V_I32, ord = PQ_WR_ORD_I32, width = 4;
        break;
    case BK_TYPE_BIGINT:
        phys = PQ_INT64, vk = PQ_WR_V_I64, ord = PQ_WR_ORD_I64, width = 8;
        break;
    case BK_TYPE_FLOAT:
        phys = PQ_FLOAT, vk = PQ_WR_V_F32, ord = PQ_WR_ORD_F32, width = 4;
        break;
    case BK_TYPE_DOUBLE:
        phys = PQ_DOUBLE, vk = PQ_WR_V_F64, ord = PQ_WR_ORD_F64, width = 8;
        break;
    case BK_TYPE_DECIMAL:
        precision = t->precision;
        scale = t->scale;
        if (precision <= 9) {
            phys = PQ_INT32, vk = PQ_WR_V_I64_TO_I32, ord = PQ_WR_ORD_I32, width = 4;
        } else if (precision <= BK_DECIMAL_INT64_MAX_PRECISION) {
            phys = PQ_INT64, vk = PQ_WR_V_I64, ord = PQ_WR_ORD_I64, width = 8;
        } else {
            phys = PQ_FIXED_LEN_BYTE_ARRAY, vk = PQ_WR_V_I128_FLBA, ord = PQ_WR_ORD_FLBA_SIGNED;
            type_length = decimal_flba_width(precision);
            width = (size_t)type_length;
        }
        lt.kind = PQ_LT_DECIMAL;
        lt.scale = scale;
        lt.precision = precision;
        ct = PQ_CT_DECIMAL;
        break;
    case BK_TYPE_STRING:
    case BK_TYPE_BINARY:
        phys = PQ_BYTE_ARRAY, vk = PQ_WR_V_STR, ord = PQ_WR_ORD_BYTES, width = 0;
        if (t->kind == BK_TYPE_STRING) {
            lt.kind = PQ_LT_STRING;
            ct = PQ_CT_UTF8;
        }
        break;
    case BK_TYPE_DATE:
        phys = PQ_INT32, vk = PQ_WR_V_I32, ord = PQ_WR_ORD_I32, width = 4;
        lt.kind = PQ_LT_DATE;
        ct = PQ_CT_DATE;
        break;
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
        phys = PQ_INT64, vk = PQ_WR_V_I64, ord = PQ_WR_ORD_I64, width = 8;
        lt.kind = PQ_LT_TIMESTAMP;
        lt.unit = PQ_MICROS;
        lt.is_adjusted_to_utc = t->kind == BK_TYPE_TIMESTAMP;
        if (t->kind == BK_TYPE_TIMESTAMP) ct = PQ_CT_TIMESTAMP_MICROS;
        break;
    default:
        return false;
    }
    if (e) {
        e->has_type = true;
        e->type = phys;
        e->type_length = type_length;
        e->converted = ct;
        e->scale = scale;
        e->precision = precision;
        e->logical = lt;
    }
    if (d) {
        d->physical = phys;
        d->type_length = type_length;
        d->vkind = vk;
        d->order = ord;
        d->width = width;
    }
    return true;
}

static bk_status add_field(build_ctx *c, const char *name, const bk_type *t, bool required,
                           uint16_t def, uint16_t rep, uint32_t depth, const pq_field_ids *ids);

/* Record the leaf at the current path: its descriptor with a copy of the path program. */
static bk_status add_leaf(build_ctx *c, const bk_type *t, pq_schema_element *e, uint16_t def,
                          uint16_t rep) {
    uint32_t li = c->n_leaves++;
    if (!c->leaves) return BK_OK;
    pq_wr_leaf_desc *d = &c->leaves[li];
    memset(d, 0, sizeof *d);
    leaf_type(t, e, d);
    d->column = c->column;
    d->max_def = def;
    d->max_rep = rep;
    d->n_steps = c->n_steps;
    d->steps = c->n_steps ? bk_arena_memdup(c->a, c->steps, c->n_steps * sizeof *c->steps) : NULL;
    d->n_path = c->n_names;
    d->path = bk_arena_memdup(c->a, c->names, c->n_names * sizeof *c->names);
    d->dotted = dotted_path(c);
    if ((c->n_steps && !d->steps) || !d->path || !d->dotted) return oom(c);
    for (uint32_t i = 0; i < d->n_steps; i++)
        if (d->steps[i].op == PQ_WR_REQCHK) d->has_reqchk = true;
    return BK_OK;
}

/* The REPEAT step plus the repeated group `name` of a LIST or MAP. */
static bk_status add_repeated_child(build_ctx *c, const char *group, const char *child_name,
                                    const bk_type *child, uint32_t child_idx, bool child_required,
                                    uint16_t def, uint16_t rep, uint32_t depth,
                                    const pq_field_ids *ids) {
    uint32_t mark = c->n_steps;
    BK_TRY(
        push_step(c, (pq_wr_step){.op = PQ_WR_REPEAT, .def = def, .rep = rep, .child = child_idx}));
    c->names[c->n_names++] = group;
    BK_TRY(add_field(c, child_name, child, child_required, def, rep, depth + 1, ids));
    c->n_names--;
    c->n_steps = mark;
    return BK_OK;
}

/*
 * Add field `name` of type t whose parent sits at levels (def, rep): its elements,
 * its leaves, and for each leaf the steps from the parent's vector.
 */
/* The id node of child k of `ids`, or NULL. */
static const pq_field_ids *id_child(const pq_field_ids *ids, uint32_t k) {
    return ids && k < ids->n_children ? &ids->children[k] : NULL;
}

static bk_status add_field(build_ctx *c, const char *name, const bk_type *t, bool required,
                           uint16_t def, uint16_t rep, uint32_t depth, const pq_field_ids *ids) {
    if (depth > MAX_DEPTH || def >= UINT16_MAX - 3 || rep >= UINT16_MAX - 1)
        return bk_error_set(c->err, BK_INVALID_ARGUMENT,
                            "parquet file \"%s\": field \"%s\" is nested too deeply", c->file,
                            name);
    c->names[c->n_names++] = name;
    uint32_t mark = c->n_steps;
    uint16_t my_def = required ? def : (uint16_t)(def + 1);
    pq_wr_step check = {.op = required ? PQ_WR_REQCHK : PQ_WR_NULLCHK, .def = my_def};
    if (required) {
        check.field_path = c->leaves ? dotted_path(c) : NULL;
        if (c->leaves && !check.field_path) return oom(c);
    }
    BK_TRY(push_step(c, check));
    pq_schema_element *e = add_element(c, name, required ? PQ_REQUIRED : PQ_OPTIONAL);
    if (e && ids && ids->has_id) {
        e->has_field_id = true;
        e->field_id = ids->id;
    }

    switch (t->kind) {
    case BK_TYPE_STRUCT:
        if (t->n_children == 0) {
            char *path = dotted_path(c);
            return bk_error_set(c->err, BK_UNSUPPORTED,
                                "parquet file \"%s\": field \"%s\": a STRUCT without fields "
                                "cannot be written to Parquet",
                                c->file, path ? path : name);
        }
        if (e) e->num_children = (int32_t)t->n_children;
        for (uint32_t k = 0; k < t->n_children; k++) {
            bool req = t->field_nullable && !t->field_nullable[k];
            uint32_t m2 = c->n_steps;
            BK_TRY(push_step(c, (pq_wr_step){.op = PQ_WR_FIELD, .child = k}));
            BK_TRY(add_field(c, t->field_names[k], t->children[k], req, my_def, rep, depth + 1,
                             id_child(ids, k)));
            c->n_steps = m2;
        }
        break;
    case BK_TYPE_ARRAY:
        if (e) {
            e->num_children = 1;
            e->logical.kind = PQ_LT_LIST;
            e->converted = PQ_CT_LIST;
        }
        if (add_element(c, "list", PQ_REPEATED) && c->el) c->el[c->n_el - 1].num_children = 1;
        BK_TRY(add_repeated_child(c, "list", "element", t->children[0], 0, false,
                                  (uint16_t)(my_def + 1), (uint16_t)(rep + 1), depth,
                                  id_child(ids, 0)));
        break;
    case BK_TYPE_MAP: {
        if (e) {
            e->num_children = 1;
            e->logical.kind = PQ_LT_MAP;
            e->converted = PQ_CT_MAP;
        }
        if (add_element(c, "key_value", PQ_REPEATED) && c->el) c->el[c->n_el - 1].num_children = 2;
        uint16_t d2 = (uint16_t)(my_def + 1), r2 = (uint16_t)(rep + 1);
        BK_TRY(add_repeated_child(c, "key_value", "key", t->children[0], 0, true, d2, r2, depth,
                                  id_child(ids, 0)));
        BK_TRY(add_repeated_child(c, "key_value", "value", t->children[1], 1, false, d2, r2, depth,
                                  id_child(ids, 1)));
        break;
    }
    default:
        if (!leaf_type(t, NULL, NULL)) {
            char tname[64];
            bk_type_format(t, tname, sizeof tname);
            char *path = dotted_path(c);
            return bk_error_set(c->err, BK_UNSUPPORTED,
                                "parquet file \"%s\": field \"%s\": type %s cannot be written "
                                "to Parquet",
                                c->file, path ? path : name, tname);
        }
        BK_TRY(add_leaf(c, t, e, my_def, rep));
        break;
    }
    c->n_steps = mark;
    c->n_names--;
    return BK_OK;
}

/*
 * One pass over the schema: counts when c->el is NULL, fills otherwise.  Two passes
 * so that the element and leaf arrays are allocated once, at their exact size, and
 * unsupported types are reported before anything is allocated for them.
 */
static bk_status walk(build_ctx *c, const bk_type *schema, const pq_field_ids *ids,
                      uint32_t *first_leaf) {
    pq_schema_element *root = add_element(c, "schema", PQ_REQUIRED);
    if (root) {
        root->has_repetition = false;
        root->num_children = (int32_t)schema->n_children;
    }
    for (uint32_t k = 0; k < schema->n_children; k++) {
        if (first_leaf) first_leaf[k] = c->n_leaves;
        c->column = k;
        bool req = schema->field_nullable && !schema->field_nullable[k];
        BK_TRY(add_field(c, schema->field_names[k], schema->children[k], req, 0, 0, 1,
                         id_child(ids, k)));
    }
    if (first_leaf) first_leaf[schema->n_children] = c->n_leaves;
    return BK_OK;
}

bk_status pq_wr_schema_build(bk_arena *a, const char *file, const bk_type *schema,
                             const pq_field_ids *ids, pq_wr_schema *out, bk_error *err) {
    if (!schema || schema->kind != BK_TYPE_STRUCT)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "parquet file \"%s\": the schema must be a STRUCT", file);
    build_ctx c = {.a = a, .file = file, .err = err};
    c.names = bk_arena_array(a, MAX_DEPTH * 3 + 8, sizeof *c.names);
    if (!c.names) return oom(&c);
    BK_TRY(walk(&c, schema, ids, NULL)); /* count, and find unsupported types */

    uint32_t n_el = c.n_el, n_leaves = c.n_leaves;
    c.el = bk_arena_array(a, n_el, sizeof *c.el);
    c.leaves = bk_arena_array(a, n_leaves ? n_leaves : 1, sizeof *c.leaves);
    uint32_t *first_leaf = bk_arena_array(a, schema->n_children + 1, sizeof *first_leaf);
    if (!c.el || !c.leaves || !first_leaf) return oom(&c);
    c.n_el = c.n_leaves = 0;
    c.n_steps = c.n_names = 0;
    BK_TRY(walk(&c, schema, ids, first_leaf));

    out->n_elements = n_el;
    out->elements = c.el;
    out->n_leaves = n_leaves;
    out->leaves = c.leaves;
    out->n_columns = schema->n_children;
    out->first_leaf = first_leaf;
    return BK_OK;
}
