/* json_text.c - untrusted bytes (console output, scenario text, an error
 * message cut mid-character) as a JSON string.  jansson refuses a string
 * that is not UTF-8 (json_string returns NULL), and a key set to NULL
 * silently disappears; this never refuses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"

size_t io_utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t len;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, *cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, *cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, *cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (*cp < 0x800 || (*cp >= 0xd800 && *cp <= 0xdfff))) ||
	    (len == 4 && (*cp < 0x10000 || *cp > 0x10ffff)))
		return 0;   /* overlong, a surrogate, or past Unicode */
	return len;
}

/* a sequence JSON text carries raw: valid UTF-8 but NUL */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned cp;
	return s[0] ? io_utf8_seq(s, n, &cp) : 0;
}

json_t *io_json_textn(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0, k;
	char *buf;
	json_t *j;

	if (!s)
		return json_null();
	if (!(buf = malloc(4 * n + 1)))
		return NULL;
	while (i < n) {
		if ((k = utf8_seq(u + i, n - i))) {
			memcpy(buf + o, u + i, k);
			o += k;
			i += k;
		} else {
			o += (size_t)snprintf(buf + o, 5, "\\x%02x", u[i++]);
		}
	}
	j = json_stringn(buf, o);
	free(buf);
	return j;
}

json_t *io_json_text(const char *s)
{
	return s ? io_json_textn(s, strlen(s)) : json_null();
}

size_t io_printable(const char *s, char *out, size_t outlen)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, o = 0;

	if (!outlen)
		return 0;
	while (i < n) {
		size_t k = utf8_seq(u + i, n - i);
		int keep = k == 1 ? u[i] >= 0x20 && u[i] != 0x7f
			: k > 1 && !(u[i] == 0xc2 && u[i + 1] < 0xa0);   /* C1 */
		size_t need = keep ? k : 4;
		if (o + need >= outlen)
			break;
		if (keep)
			memcpy(out + o, u + i, k);
		else
			snprintf(out + o, 5, "\\x%02x", u[i]);
		i += keep ? k : 1;
		o += need;
	}
	out[o] = '\0';
	return o;
}
