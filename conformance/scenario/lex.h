/* lex.h - the scenario format's lexical layer (lex.c), for parse.c. */
#ifndef ANCDATA_LEX_H
#define ANCDATA_LEX_H
#include <stddef.h>

#include "scenario.h"

struct ps {
	struct scenario *sc;
	int line;
	char *err;
	size_t errlen;
	int failed;
};

#define MAXWORDS 40
struct words {
	int n;
	char *w[MAXWORDS];
};

/* "line N: ..." into p->err (first error only); returns -1 */
int lex_fail(struct ps *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* an expression of numbers, CMSG_LEN(), CMSG_SPACE(), + - * and (), in lo..hi */
int lex_number(struct ps *p, const char *s, long lo, long hi, long *v);
/* split a line into words; "quoted strings" stay one word */
int lex_split(struct ps *p, char *line, struct words *ws);
/* a quoted (with escapes) or bare string into buf; its length or -1 */
int lex_string(struct ps *p, const char *v, unsigned char *buf, int max);
int lex_end_of(struct ps *p, const char *w, enum sc_end *e);
/* one fd reference: new (making), pK, a, b, l, c, d, uring (a new io_uring
 * instance), bad, and ? in expectations */
int lex_ref(struct ps *p, const char *w, struct sc_ref *r, int making);
/* the next comma-separated token of *s into tok: 1, 0 at the end, -1
 * (and the error) when it does not fit */
int lex_list_next(struct ps *p, char **s, char *tok, size_t max);
int lex_hexbytes(struct ps *p, const char *h, unsigned char *out, int max);
/* a key given twice in one directive (rights, creds and item may repeat) */
int lex_repeated_key(struct ps *p, struct words *ws);
/* the value of key=value, or NULL */
char *lex_value_of(char *w, const char *key);
#endif
