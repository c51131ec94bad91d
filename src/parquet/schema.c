/*
 * schema.c — from the footer's flattened SchemaElements to the logical field tree.
 *
 * Two steps.  First the depth-first element list is rebuilt as a physical tree
 * (checking num_children against what remains, and bounding depth).  Then each
 * node is converted to a pq_field, resolving:
 *
 *   - LIST-annotated groups, including the legacy shapes of LogicalTypes.md
 *     "Backward-compatibility rules": a repeated primitive, a repeated group with
 *     several fields, or one named "array" / "<name>_tuple", is itself the element;
 *   - MAP / MAP_KEY_VALUE groups (a key_value group with only a key becomes a
 *     list of keys; a MAP group that does not have the map shape is read as the
 *     struct it physically is);
 *   - repeated fields outside any LIST: an ARRAY of the field, never NULL;
 *   - the Parquet logical/converted type of each leaf -> bk_type + conversion,
 *     as documented in parquet.h.
 *
 * Levels: a field's def_level counts the optional and repeated ancestors
 * (itself included when optional); see reader_int.h for what they mean.
 */
#include <string.h>

#include "parquet/reader_int.h"

#define MAX_SCHEMA_DEPTH 64

typedef struct pnode {
    const pq_schema_element *el;
    uint32_t n_children;
    struct pnode **children;
} pnode;

typedef struct build_ctx {
    bk_arena *a;
    const pq_file_meta *m;
    uint32_t next_el;  /* cursor into m->schema */
    uint32_t n_leaves; /* leaves created so far */
    bk_error *err;
} build_ctx;

static bk_status corrupt(build_ctx *c, const char *what, const char *name) {
    return bk_error_set(c->err, BK_CORRUPT, "invalid parquet schema: %s (field \"%s\")", what,
                        name ? name : "?");
}

/* Rebuild the subtree rooted at the next element. */
static bk_status parse_tree(build_ctx *c, int depth, pnode **out) {
    if (c->next_el >= c->m->n_schema)
        return corrupt(c, "the element list ends inside a group", NULL);
    const pq_schema_element *el = &c->m->schema[c->next_el++];
    if (depth > MAX_SCHEMA_DEPTH) return corrupt(c, "nesting deeper than 64 levels", el->name);
    if (el->num_children < 0) return corrupt(c, "negative num_children", el->name);
    if ((uint32_t)el->num_children > c->m->n_schema - c->next_el)
        return corrupt(c, "num_children exceeds the remaining elements", el->name);
    if (el->num_children == 0 && !el->has_type && depth > 0)
        return corrupt(c, "a leaf without a physical type", el->name);
    pnode *n = bk_arena_zalloc(c->a, sizeof *n);
    if (!n) return bk_arena_oom(c->a, c->err);
    n->el = el;
    n->n_children = (uint32_t)el->num_children;
    if (n->n_children) {
        n->children = bk_arena_array(c->a, n->n_children, sizeof *n->children);
        if (!n->children) return bk_arena_oom(c->a, c->err);
        for (uint32_t i = 0; i < n->n_children; i++)
            BK_TRY(parse_tree(c, depth + 1, &n->children[i]));
    }
    *out = n;
    return BK_OK;
}

static bool is_leaf(const pnode *n) { return n->n_children == 0 && n->el->has_type; }

static pq_repetition repetition_of(const pnode *n) {
    return n->el->has_repetition ? n->el->repetition : PQ_OPTIONAL;
}

static bool has_list_annotation(const pnode *n) {
    return n->el->logical.kind == PQ_LT_LIST || n->el->converted == PQ_CT_LIST;
}

static bool has_map_annotation(const pnode *n) {
    return n->el->logical.kind == PQ_LT_MAP || n->el->converted == PQ_CT_MAP ||
           n->el->converted == PQ_CT_MAP_KEY_VALUE;
}

static pq_field *new_field(build_ctx *c, pq_field_kind kind, const char *name) {
    pq_field *f = bk_arena_zalloc(c->a, sizeof *f);
    if (f) {
        f->kind = kind;
        f->name = name ? name : "";
        f->first_leaf = c->n_leaves;
    }
    return f;
}

/* ---- leaf types ---- */

static bk_status decimal_type(build_ctx *c, const pnode *n, int precision, int scale,
                              const bk_type **out) {
    if (precision < 1 || precision > BK_DECIMAL_MAX_PRECISION || scale < 0 || scale > precision) {
        return bk_error_set(c->err, BK_UNSUPPORTED,
                            "parquet column \"%s\": DECIMAL(%d,%d) is outside what Bricks "
                            "supports (precision 1 to 38, scale 0 to precision)",
                            n->el->name, precision, scale);
    }
    *out = bk_type_make_decimal(c->a, precision, scale);
    return *out ? BK_OK : bk_arena_oom(c->a, c->err);
}

static bool decimal_params(const pq_schema_element *el, int *precision, int *scale) {
    if (el->logical.kind == PQ_LT_DECIMAL) {
        *precision = el->logical.precision;
        *scale = el->logical.scale;
        return true;
    }
    if (el->converted == PQ_CT_DECIMAL) {
        *precision = el->precision;
        *scale = el->scale;
        return true;
    }
    return false;
}

/* Map an INT32 leaf's annotation to a type and conversion. */
static void int32_type(const pq_schema_element *el, bk_type_kind *kind, pq_convert *conv) {
    const pq_logical_type *lt = &el->logical;
    int width = 32;
    bool is_signed = true;
    if (lt->kind == PQ_LT_INTEGER) {
        width = lt->bit_width;
        is_signed = lt->is_signed;
    } else {
        switch (el->converted) {
        case PQ_CT_INT_8:
            width = 8;
            break;
        case PQ_CT_INT_16:
            width = 16;
            break;
        case PQ_CT_UINT_8:
            width = 8, is_signed = false;
            break;
        case PQ_CT_UINT_16:
            width = 16, is_signed = false;
            break;
        case PQ_CT_UINT_32:
            width = 32, is_signed = false;
            break;
        default:
            break;
        }
    }
    *kind = BK_TYPE_INT;
    *conv = PQ_CONV_COPY;
    if (lt->kind == PQ_LT_DATE || el->converted == PQ_CT_DATE) {
        *kind = BK_TYPE_DATE;
    } else if ((lt->kind == PQ_LT_TIME && lt->unit == PQ_MILLIS) ||
               el->converted == PQ_CT_TIME_MILLIS) {
        *kind = BK_TYPE_TIME;
        *conv = PQ_CONV_I32_MILLIS_TO_MICROS;
    } else if (width == 8 && is_signed) {
        *kind = BK_TYPE_TINYINT;
        *conv = PQ_CONV_I32_TO_I8;
    } else if ((width == 16 && is_signed) || (width == 8 && !is_signed)) {
        *kind = BK_TYPE_SMALLINT;
        *conv = PQ_CONV_I32_TO_I16;
    } else if (width == 32 && !is_signed) {
        *kind = BK_TYPE_BIGINT;
        *conv = PQ_CONV_U32_TO_I64;
    }
}

static void int64_type(const pq_schema_element *el, bk_type_kind *kind, pq_convert *conv) {
    const pq_logical_type *lt = &el->logical;
    *kind = BK_TYPE_BIGINT;
    *conv = PQ_CONV_COPY;
    if (lt->kind == PQ_LT_TIMESTAMP) {
        *kind = lt->is_adjusted_to_utc ? BK_TYPE_TIMESTAMP : BK_TYPE_TIMESTAMP_NTZ;
        *conv = lt->unit == PQ_MILLIS  ? PQ_CONV_MILLIS_TO_MICROS
                : lt->unit == PQ_NANOS ? PQ_CONV_NANOS_TO_MICROS
                                       : PQ_CONV_COPY;
    } else if (el->converted == PQ_CT_TIMESTAMP_MILLIS) {
        *kind = BK_TYPE_TIMESTAMP;
        *conv = PQ_CONV_MILLIS_TO_MICROS;
    } else if (el->converted == PQ_CT_TIMESTAMP_MICROS) {
        *kind = BK_TYPE_TIMESTAMP;
    } else if (lt->kind == PQ_LT_TIME) {
        *kind = BK_TYPE_TIME;
        *conv = lt->unit == PQ_NANOS ? PQ_CONV_NANOS_TO_MICROS : PQ_CONV_COPY;
    } else if (el->converted == PQ_CT_TIME_MICROS) {
        *kind = BK_TYPE_TIME;
    }
}

static bool is_unsigned_64(const pq_schema_element *el) {
    if (el->logical.kind == PQ_LT_INTEGER)
        return !el->logical.is_signed && el->logical.bit_width == 64;
    return el->converted == PQ_CT_UINT_64;
}

static bool is_string_annotation(const pq_schema_element *el) {
    pq_logical_kind k = el->logical.kind;
    return k == PQ_LT_STRING || k == PQ_LT_ENUM || k == PQ_LT_JSON || el->converted == PQ_CT_UTF8 ||
           el->converted == PQ_CT_ENUM || el->converted == PQ_CT_JSON;
}

/* Choose the bk_type and conversion of a leaf column. */
static bk_status leaf_type(build_ctx *c, pq_field *f, const pnode *n) {
    const pq_schema_element *el = n->el;
    bk_type_kind kind = BK_TYPE_BINARY;
    pq_convert conv = PQ_CONV_COPY;
    int precision, scale;

    if (el->logical.kind == PQ_LT_UNKNOWN) {
        f->type = bk_type_scalar(BK_TYPE_VOID);
        f->convert = PQ_CONV_NULL;
        return BK_OK;
    }
    if (el->type == PQ_FIXED_LEN_BYTE_ARRAY && el->type_length <= 0)
        return corrupt(c, "FIXED_LEN_BYTE_ARRAY without a positive type_length", el->name);
    if (el->type != PQ_BOOLEAN && el->type != PQ_FLOAT && el->type != PQ_DOUBLE &&
        el->type != PQ_INT96 && decimal_params(el, &precision, &scale)) {
        BK_TRY(decimal_type(c, n, precision, scale, &f->type));
        bool wide = precision > BK_DECIMAL_INT64_MAX_PRECISION;
        switch (el->type) {
        case PQ_INT32:
            f->convert = wide ? PQ_CONV_I32_TO_DEC128 : PQ_CONV_I32_DEC_TO_I64;
            break;
        case PQ_INT64:
            f->convert = wide ? PQ_CONV_I64_TO_DEC128 : PQ_CONV_COPY;
            break;
        default:
            f->convert = wide ? PQ_CONV_BYTES_TO_DEC128 : PQ_CONV_BYTES_TO_DEC64;
            break;
        }
        return BK_OK;
    }
    switch (el->type) {
    case PQ_BOOLEAN:
        kind = BK_TYPE_BOOLEAN, conv = PQ_CONV_BOOL;
        break;
    case PQ_INT32:
        int32_type(el, &kind, &conv);
        break;
    case PQ_INT64:
        if (is_unsigned_64(el)) {
            f->type = bk_type_make_decimal(c->a, 20, 0);
            if (!f->type) return bk_arena_oom(c->a, c->err);
            f->convert = PQ_CONV_U64_TO_DEC128;
            return BK_OK;
        }
        int64_type(el, &kind, &conv);
        break;
    case PQ_INT96:
        kind = BK_TYPE_TIMESTAMP, conv = PQ_CONV_INT96_TO_MICROS;
        break;
    case PQ_FLOAT:
        kind = BK_TYPE_FLOAT;
        break;
    case PQ_DOUBLE:
        kind = BK_TYPE_DOUBLE;
        break;
    case PQ_BYTE_ARRAY:
        kind = is_string_annotation(el) ? BK_TYPE_STRING : BK_TYPE_BINARY;
        break;
    case PQ_FIXED_LEN_BYTE_ARRAY:
        if (el->logical.kind == PQ_LT_FLOAT16) {
            if (el->type_length != 2)
                return corrupt(c, "FLOAT16 with a width other than 2", el->name);
            kind = BK_TYPE_FLOAT, conv = PQ_CONV_FLOAT16;
        } else {
            kind = is_string_annotation(el) ? BK_TYPE_STRING : BK_TYPE_BINARY;
        }
        break;
    default:
        return bk_error_set(c->err, BK_CORRUPT,
                            "invalid parquet schema: field \"%s\" has physical type %d", el->name,
                            (int)el->type);
    }
    f->type = bk_type_scalar(kind);
    f->convert = conv;
    return BK_OK;
}

/* ---- logical conversion ---- */

static bk_status convert_node(build_ctx *c, const pnode *n, int16_t def, int16_t rep,
                              pq_field **out);

/* Convert n as present whenever def >= d (its own repetition already accounted for). */
static bk_status convert_inner(build_ctx *c, const pnode *n, int16_t d, int16_t rep,
                               const char *name, pq_field **out);

static bk_status make_list(build_ctx *c, const pnode *element, bool element_is_repeated_node,
                           const char *name, int16_t d, int16_t rep, pq_field **out) {
    pq_field *f = new_field(c, PQ_FIELD_LIST, name);
    if (!f) return bk_arena_oom(c->a, c->err);
    f->def_level = d;
    f->elem_def = (int16_t)(d + 1);
    f->rep_level = (int16_t)(rep + 1);
    f->n_children = 1;
    f->children = bk_arena_array(c->a, 1, sizeof *f->children);
    if (!f->children) return bk_arena_oom(c->a, c->err);
    if (element_is_repeated_node)
        BK_TRY(convert_inner(c, element, f->elem_def, f->rep_level, element->el->name,
                             &f->children[0]));
    else
        BK_TRY(convert_node(c, element, f->elem_def, f->rep_level, &f->children[0]));
    f->type = bk_type_make_array(c->a, f->children[0]->type);
    if (!f->type) return bk_arena_oom(c->a, c->err);
    f->n_leaves = c->n_leaves - f->first_leaf;
    *out = f;
    return BK_OK;
}

/* A LIST-annotated group: pick the element per the backward-compatibility rules. */
static bk_status convert_list(build_ctx *c, const pnode *n, int16_t d, int16_t rep,
                              const char *name, pq_field **out) {
    const pnode *repeated = n->children[0];
    bool element_is_repeated =
        is_leaf(repeated) || repeated->n_children != 1 || strcmp(repeated->el->name, "array") == 0;
    if (!element_is_repeated) {
        size_t len = strlen(name);
        const char *rn = repeated->el->name;
        element_is_repeated = strncmp(rn, name, len) == 0 && strcmp(rn + len, "_tuple") == 0;
    }
    if (element_is_repeated) return make_list(c, repeated, true, name, d, rep, out);
    return make_list(c, repeated->children[0], false, name, d, rep, out);
}

static bk_status convert_map(build_ctx *c, const pnode *n, int16_t d, int16_t rep, const char *name,
                             pq_field **out) {
    const pnode *kv = n->children[0];
    if (kv->n_children == 1) return make_list(c, kv->children[0], false, name, d, rep, out);
    pq_field *f = new_field(c, PQ_FIELD_MAP, name);
    if (!f) return bk_arena_oom(c->a, c->err);
    f->def_level = d;
    f->elem_def = (int16_t)(d + 1);
    f->rep_level = (int16_t)(rep + 1);
    f->n_children = 2;
    f->children = bk_arena_array(c->a, 2, sizeof *f->children);
    if (!f->children) return bk_arena_oom(c->a, c->err);
    BK_TRY(convert_node(c, kv->children[0], f->elem_def, f->rep_level, &f->children[0]));
    BK_TRY(convert_node(c, kv->children[1], f->elem_def, f->rep_level, &f->children[1]));
    if (f->children[0]->kind == PQ_FIELD_LIST && kv->children[0]->el->repetition == PQ_REPEATED)
        return corrupt(c, "a repeated map key", kv->children[0]->el->name);
    f->type = bk_type_make_map(c->a, f->children[0]->type, f->children[1]->type);
    if (!f->type) return bk_arena_oom(c->a, c->err);
    f->n_leaves = c->n_leaves - f->first_leaf;
    *out = f;
    return BK_OK;
}

static bk_status convert_struct(build_ctx *c, const pnode *n, int16_t d, int16_t rep,
                                const char *name, pq_field **out) {
    if (n->n_children == 0) return corrupt(c, "a group with no fields", name);
    pq_field *f = new_field(c, PQ_FIELD_STRUCT, name);
    if (!f) return bk_arena_oom(c->a, c->err);
    f->def_level = d;
    f->n_children = n->n_children;
    f->children = bk_arena_array(c->a, n->n_children, sizeof *f->children);
    const char **names = bk_arena_array(c->a, n->n_children, sizeof *names);
    const bk_type **types = bk_arena_array(c->a, n->n_children, sizeof *types);
    bool *nullable = bk_arena_array(c->a, n->n_children, sizeof *nullable);
    if (!f->children || !names || !types || !nullable) return bk_arena_oom(c->a, c->err);
    for (uint32_t i = 0; i < n->n_children; i++) {
        BK_TRY(convert_node(c, n->children[i], d, rep, &f->children[i]));
        names[i] = f->children[i]->name;
        types[i] = f->children[i]->type;
        nullable[i] = repetition_of(n->children[i]) == PQ_OPTIONAL;
    }
    f->type = bk_type_make_struct(c->a, n->n_children, names, types, nullable);
    if (!f->type) return bk_arena_oom(c->a, c->err);
    f->n_leaves = c->n_leaves - f->first_leaf;
    *out = f;
    return BK_OK;
}

static bk_status convert_inner(build_ctx *c, const pnode *n, int16_t d, int16_t rep,
                               const char *name, pq_field **out) {
    if (is_leaf(n)) {
        pq_field *f = new_field(c, PQ_FIELD_LEAF, name);
        if (!f) return bk_arena_oom(c->a, c->err);
        f->def_level = f->max_def = d;
        f->max_rep = rep;
        f->el = n->el;
        f->n_leaves = 1;
        BK_TRY(leaf_type(c, f, n));
        c->n_leaves++;
        *out = f;
        return BK_OK;
    }
    bool one_repeated_child = n->n_children == 1 && repetition_of(n->children[0]) == PQ_REPEATED;
    if (has_list_annotation(n) && one_repeated_child) return convert_list(c, n, d, rep, name, out);
    if (has_map_annotation(n) && one_repeated_child && !is_leaf(n->children[0]) &&
        n->children[0]->n_children >= 1 && n->children[0]->n_children <= 2)
        return convert_map(c, n, d, rep, name, out);
    return convert_struct(c, n, d, rep, name, out);
}

/* Convert n, whose own repetition applies, under a parent present at def level `def`. */
static bk_status convert_node(build_ctx *c, const pnode *n, int16_t def, int16_t rep,
                              pq_field **out) {
    if (def >= INT16_MAX - 2 || rep >= INT16_MAX - 2)
        return corrupt(c, "too many levels", n->el->name);
    switch (repetition_of(n)) {
    case PQ_REPEATED:
        return make_list(c, n, true, n->el->name, def, rep, out);
    case PQ_OPTIONAL:
        return convert_inner(c, n, (int16_t)(def + 1), rep, n->el->name, out);
    default:
        return convert_inner(c, n, def, rep, n->el->name, out);
    }
}

static void collect_leaves(pq_field *f, pq_field **leaves) {
    if (f->kind == PQ_FIELD_LEAF) {
        leaves[f->first_leaf] = f;
        return;
    }
    for (uint32_t i = 0; i < f->n_children; i++) collect_leaves(f->children[i], leaves);
}

bk_status pq_schema_build(bk_arena *a, const pq_file_meta *m, pq_schema *out, bk_error *err) {
    build_ctx c = {.a = a, .m = m, .err = err};
    if (m->n_schema == 0) return corrupt(&c, "no schema elements", NULL);
    pnode *root;
    BK_TRY(parse_tree(&c, 0, &root));
    if (c.next_el != m->n_schema)
        return corrupt(&c, "elements left over after the root group", m->schema[c.next_el].name);
    if (is_leaf(root)) return corrupt(&c, "the root is not a group", root->el->name);

    memset(out, 0, sizeof *out);
    pq_field *f = &out->root;
    f->kind = PQ_FIELD_STRUCT;
    f->name = root->el->name ? root->el->name : "schema";
    f->n_children = root->n_children;
    if (root->n_children) {
        /* The root's fields are columns: convert them like struct fields at level 0. */
        pq_field *tmp;
        BK_TRY(convert_struct(&c, root, 0, 0, f->name, &tmp));
        *f = *tmp;
    } else {
        f->type = bk_type_make_struct(a, 0, NULL, NULL, NULL);
        if (!f->type) return bk_arena_oom(a, err);
    }
    out->type = f->type;
    out->n_leaves = c.n_leaves;
    out->leaves = bk_arena_array(a, c.n_leaves ? c.n_leaves : 1, sizeof *out->leaves);
    if (!out->leaves) return bk_arena_oom(a, err);
    collect_leaves(f, out->leaves);
    return BK_OK;
}
