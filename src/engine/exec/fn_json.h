/*
 * fn_json.h — what the JSON function files share (private to exec/):
 * fn_to_json.c's to_json, listed in fn_json.c's table, and Jackson's string
 * escaping that both use.
 */
#ifndef BRICKS_ENGINE_EXEC_FN_JSON_H
#define BRICKS_ENGINE_EXEC_FN_JSON_H

#include "engine/exec/fn_library_int.h"

/*
 * Write u[0..n) as a JSON string with Jackson's escaping (the quotes included)
 * at o, which has room for 6 * n + 2 bytes; returns the bytes written.
 */
size_t exec_json_escape(char *o, const char *u, size_t n);

EXEC_BIND(exec_json_bind_to_json); /* to_json(STRUCT|MAP|ARRAY[, MAP<STRING,STRING>]) */
EXEC_KERNEL(exec_json_to_json);

#endif
