/* text.h - a growing text buffer, and the one escaping layer for every
 * byte of profile text that goes into HTML or XML (report.html, JUnit).
 *
 * Profiles are built from guest console output: their text is hostile.
 * tx_markup() writes any bytes so that they are character data (or an
 * attribute value in double quotes) in both HTML and XML 1.0:
 *   < > & " '          become entities;
 *   TAB and LF         are kept (CR becomes \x0d: XML would normalise it);
 *   other C0 controls, DEL and the C1 range, U+FFFE and U+FFFF, and every
 *   byte that is not part of valid UTF-8 become the visible text \xNN;
 *   NUL ends the string (the model's strings are C strings).
 * The result is always valid UTF-8 with no character XML 1.0 forbids. */
#ifndef ANCDATA_TEXT_H
#define ANCDATA_TEXT_H
#include <stddef.h>

struct tx_buf {
	char *s;        /* NUL-terminated once anything was put */
	size_t n, cap;
	int oom;        /* a put failed: s holds what came before */
};

void tx_put(struct tx_buf *b, const char *s, size_t n);
void tx_puts(struct tx_buf *b, const char *s);
void tx_printf(struct tx_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* s escaped for HTML/XML text and double-quoted attributes (NULL: nothing) */
void tx_markup(struct tx_buf *b, const char *s);
/* the length of the valid UTF-8 character at s (at most n bytes) that
 * XML 1.0 allows raw, or 0 */
size_t tx_xml_char(const unsigned char *s, size_t n);
/* the buffer's text (never NULL unless out of memory), handed over */
char *tx_take(struct tx_buf *b);
void tx_free(struct tx_buf *b);
#endif
