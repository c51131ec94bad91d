/*
 * fn_nested.h — ARRAY / MAP / STRUCT functions (fn_nested.c): the library table
 * searched by exec_fn_lookup, and the kernels the binder plans itself because
 * they are syntax (a[i], m[k], s.f) or need names from the syntax (struct,
 * named_struct).
 */
#ifndef BRICKS_ENGINE_EXEC_FN_NESTED_H
#define BRICKS_ENGINE_EXEC_FN_NESTED_H

#include "engine/exec/functions.h"

extern const exec_fn_def exec_fn_nested_defs[];
extern const size_t exec_fn_nested_n;

/* a[i] (args: ARRAY, INT; 0-based, INVALID_ARRAY_INDEX in ANSI mode) or m[k] (MAP, key type). */
EXEC_KERNEL(exec_fn_subscript);
/* STRUCT of the arguments (expr->type names the fields; one argument per field). */
EXEC_KERNEL(exec_fn_struct_pack);
/* concat of ARRAY arguments of the result's type: their elements in order; NULL if any is. */
EXEC_KERNEL(exec_fn_concat_arrays);
/* Field (uintptr_t)expr->state of the STRUCT argument; NULL where the struct is NULL. */
EXEC_KERNEL(exec_fn_struct_field);
/*
 * The type the index / key argument of fn on collection type c must be cast to:
 * the key type of a MAP, INT for an ARRAY; DATATYPE_MISMATCH otherwise.
 */
bk_status exec_fn_nested_index_type(const char *fn, const bk_type *c, const bk_type *idx,
                                    const bk_type **want, bk_error *err);

#endif
