/*
 * rows_out.c — printing result rows, shared by `parquet cat` and `delta cat`.
 */
#include <string.h>

#include "cli/cli.h"

#define ROWS_FLUSH_BYTES (256 * 1024)

bk_status cli_rows_header(bk_buf *out, out_format fmt, const char *const *names, uint32_t n_cols) {
    if (fmt != FORMAT_CSV) return BK_OK;
    for (uint32_t k = 0; k < n_cols; k++) {
        if (k) BK_TRY(bk_buf_append_u8(out, ','));
        BK_TRY(cli_csv_string(out, names[k], strlen(names[k])));
    }
    return bk_buf_append(out, "\r\n", 2);
}

bk_status cli_rows_print(bk_buf *out, out_format fmt, const char *const *names,
                         bk_vector *const *cols, uint32_t n_cols, size_t n_rows, bk_error *err) {
    for (size_t row = 0; row < n_rows; row++) {
        if (fmt == FORMAT_JSONL) {
            BK_TRY(bk_buf_append_u8(out, '{'));
            for (uint32_t k = 0; k < n_cols; k++) {
                if (k) BK_TRY(bk_buf_append_u8(out, ','));
                BK_TRY(cli_json_string(out, names[k], strlen(names[k])));
                BK_TRY(bk_buf_append_u8(out, ':'));
                BK_TRY(cli_json_value(out, cols[k], row));
            }
            BK_TRY(bk_buf_append(out, "}\n", 2));
        } else {
            for (uint32_t k = 0; k < n_cols; k++) {
                if (k) BK_TRY(bk_buf_append_u8(out, ','));
                BK_TRY(cli_csv_value(out, cols[k], row));
            }
            BK_TRY(bk_buf_append(out, "\r\n", 2));
        }
        BK_TRY(cli_flush(out, ROWS_FLUSH_BYTES, err));
    }
    return BK_OK;
}
