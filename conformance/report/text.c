/* text.c - the growing buffer and the HTML/XML escaping layer (text.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"
#include "text.h"

static int grow(struct tx_buf *b, size_t more)
{
	if (b->oom)
		return -1;
	if (b->n + more + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->n + more + 1) {
		if (cap > ((size_t)-1) / 2) {
			b->oom = 1;
			return -1;
		}
		cap *= 2;
	}
	char *s = realloc(b->s, cap);
	if (!s) {
		b->oom = 1;
		return -1;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

void tx_put(struct tx_buf *b, const char *s, size_t n)
{
	if (grow(b, n) < 0)
		return;
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

void tx_puts(struct tx_buf *b, const char *s)
{
	if (s)
		tx_put(b, s, strlen(s));
}

void tx_printf(struct tx_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(NULL, 0, fmt, ap);   /* the size first */
	va_end(ap);
	if (k < 0) {
		b->oom = 1;
		return;
	}
	if (grow(b, (size_t)k) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	b->n += (size_t)k;
}

size_t tx_xml_char(const unsigned char *s, size_t n)
{
	unsigned cp;
	size_t len = io_utf8_seq(s, n, &cp);
	if (len == 1)   /* TAB and LF; the rest of C0 and DEL are not text */
		return cp == '\t' || cp == '\n' || (cp >= 0x20 && cp < 0x7f);
	if (!len || cp == 0xfffe || cp == 0xffff)
		return 0;   /* not UTF-8; the two XML 1.0 excludes */
	if (cp < 0xa0)
		return 0;   /* the C1 controls: allowed by XML, not by HTML */
	return len;
}

void tx_markup(struct tx_buf *b, const char *s)
{
	if (!s)
		return;
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;
	while (i < n) {
		const char *ent = NULL;
		switch (u[i]) {
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '&': ent = "&amp;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		}
		if (ent) {
			tx_puts(b, ent);
			i++;
		} else if ((k = tx_xml_char(u + i, n - i))) {
			size_t run = k;   /* copy plain runs at once */
			while (i + run < n && !strchr("<>&\"'", u[i + run]) &&
			       (k = tx_xml_char(u + i + run, n - i - run)))
				run += k;
			tx_put(b, s + i, run);
			i += run;
		} else {
			tx_printf(b, "\\x%02x", u[i++]);
		}
	}
}

char *tx_take(struct tx_buf *b)
{
	char *s = b->oom ? NULL : b->s ? b->s : strdup("");
	if (b->oom)
		free(b->s);
	b->s = NULL;
	b->n = b->cap = 0;
	b->oom = 0;
	return s;
}

void tx_free(struct tx_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->n = b->cap = 0;
	b->oom = 0;
}
