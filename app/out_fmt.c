/* out_fmt: how every writer prints strings and keys; see out_fmt.h. */
#include "out_fmt.h"

#include <inttypes.h>

void out_json_string(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
		} else {
			fputc(c, f);
		}
	}
	fputc('"', f);
}

void out_json_key(FILE *f, const struct out_keys *m, int64_t key)
{
	if (m->kind == MV_KEY_INT) {
		fprintf(f, "%" PRId64, key);
	} else {
		size_t n;
		const char *s = mv_strpool_get(m->strs, (uint32_t)key, &n);
		out_json_string(f, s, n);
	}
}

void out_text_key(FILE *f, const struct out_keys *m, int64_t key)
{
	if (m->kind == MV_KEY_INT) {
		fprintf(f, "%" PRId64, key);
		return;
	}
	size_t n;
	const char *s = mv_strpool_get(m->strs, (uint32_t)key, &n);
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
