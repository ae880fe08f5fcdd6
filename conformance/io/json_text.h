/* json_text.h - untrusted bytes as a JSON string, never dropped. */
#ifndef ANCDATA_JSON_TEXT_H
#define ANCDATA_JSON_TEXT_H
#include <jansson.h>
#include <stddef.h>
/* A JSON string of s (NULL gives JSON null).  Valid UTF-8 is kept as it is;
 * each byte that is not part of valid UTF-8 becomes the four characters
 * \xNN, so the value is never lost and always encodes.  NULL only when
 * out of memory. */
json_t *io_json_text(const char *s);
json_t *io_json_textn(const char *s, size_t len);
/* The length of the valid UTF-8 sequence at s (at most n bytes, n > 0):
 * no overlong form, no surrogate, nothing past U+10FFFF; 0 when the byte
 * at s starts none.  *cp gets the code point.  The one decoder of the tree
 * (JSON text here, HTML and XML text in report/text.c). */
size_t io_utf8_seq(const unsigned char *s, size_t n, unsigned *cp);
/* s for one line of a terminal, in out (NUL-terminated, cut to fit outlen):
 * valid UTF-8 that prints is kept; control characters (C0, DEL, C1) and
 * bytes that are not UTF-8 become \xNN.  Returns the length written. */
size_t io_printable(const char *s, char *out, size_t outlen);
#endif
