/*
 * vector_localize.c — TIMESTAMP values, nested ones too, as the session zone's wall
 * clock, for display (cast.h: exec_vector_localize).
 *
 * Spark prints a TIMESTAMP inside an ARRAY, MAP or STRUCT in the session zone just as
 * a top-level one.  The base formatter (bk_vector_format_value) knows no zones, so
 * the renderers and CAST(... AS STRING) hand it a copy whose TIMESTAMPs became
 * TIMESTAMP_NTZ wall-clock times; everything else is shared with the input.
 */
#include "base/tz.h"
#include "engine/exec/cast.h"

static bool has_timestamp(const bk_type *t) {
    if (t->kind == BK_TYPE_TIMESTAMP) return true;
    for (uint32_t i = 0; i < t->n_children; i++)
        if (has_timestamp(t->children[i])) return true;
    return false;
}

/* t with TIMESTAMP replaced by TIMESTAMP_NTZ everywhere; NULL on OOM. */
static const bk_type *local_type(bk_arena *a, const bk_type *t) {
    if (!has_timestamp(t)) return t;
    if (t->kind == BK_TYPE_TIMESTAMP) return bk_type_scalar(BK_TYPE_TIMESTAMP_NTZ);
    const bk_type **kids = bk_arena_array(a, t->n_children, sizeof *kids);
    if (!kids) return NULL;
    for (uint32_t i = 0; i < t->n_children; i++)
        if (!(kids[i] = local_type(a, t->children[i]))) return NULL;
    switch (t->kind) {
    case BK_TYPE_ARRAY:
        return bk_type_make_array(a, kids[0]);
    case BK_TYPE_MAP:
        return bk_type_make_map(a, kids[0], kids[1]);
    default:
        return bk_type_make_struct(a, t->n_children, t->field_names, kids, t->field_nullable);
    }
}

static const bk_vector *localize(bk_arena *a, const bk_vector *v, const exec_tz *tz) {
    if (!has_timestamp(v->type)) return v;
    bk_vector *out = bk_arena_alloc(a, sizeof *out);
    const bk_type *t = local_type(a, v->type);
    if (!out || !t) return NULL;
    *out = *v;
    out->type = t;
    if (v->type->kind == BK_TYPE_TIMESTAMP) {
        int64_t *d = bk_arena_array(a, v->n ? v->n : 1, sizeof *d);
        if (!d) return NULL;
        const int64_t *src = v->data;
        for (size_t i = 0; i < v->n; i++)
            d[i] = bk_vector_is_valid(v, i) ? src[i] + tz->utc_offset_us(tz->tz, src[i]) : 0;
        out->data = d;
        return out;
    }
    uint32_t n_kids = v->type->n_children;
    out->children = bk_arena_array(a, n_kids, sizeof *out->children);
    if (!out->children) return NULL;
    for (uint32_t i = 0; i < n_kids; i++) {
        const bk_vector *c = localize(a, v->children[i], tz);
        if (!c) return NULL;
        out->children[i] = (bk_vector *)c;
    }
    return out;
}

const bk_vector *exec_vector_localize(bk_arena *a, const bk_vector *v, const exec_tz *tz) {
    return localize(a, v, tz);
}
