/* lex.c - the lexical layer of the scenario format: words and quoted
 * strings, number expressions (CMSG_LEN(4)+2), fd references, hex, and the
 * one-line errors that name the line.  parse.c builds directives on it. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lex.h"
#include "names.h"

static int expr(struct ps *p, const char **s, long *v);

static int hexval(char c)
{
	return isdigit((unsigned char)c) ? c - '0' : (tolower((unsigned char)c) - 'a' + 10);
}

/* a whole decimal number (sc_number_at): 0 or -1 */
static int number(const char *s, long *v)
{
	const char *end = sc_number_at(s, v);
	return end && *end == '\0' ? 0 : -1;
}

int lex_fail(struct ps *p, const char *fmt, ...)
{
	va_list ap;
	int n;
	if (p->failed)
		return -1;
	p->failed = 1;
	n = snprintf(p->err, p->errlen, "line %d: ", p->line);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int factor(struct ps *p, const char **s, long *v)
{
	const char *end;
	if (!strncmp(*s, "CMSG_LEN(", 9) || !strncmp(*s, "CMSG_SPACE(", 11)) {
		int space = (*s)[5] == 'S';
		long n;
		*s += space ? 11 : 9;
		if (expr(p, s, &n) < 0)
			return -1;
		if (**s != ')')
			return lex_fail(p, "missing ')'");
		(*s)++;
		if (n < 0 || n > 1 << 24)
			return lex_fail(p, "CMSG_%s(%ld) out of range",
				    space ? "SPACE" : "LEN", n);
		*v = space ? (long)CMSG_SPACE((size_t)n) : (long)CMSG_LEN((size_t)n);
		return 0;
	}
	if (**s == '(') {
		(*s)++;
		if (expr(p, s, v) < 0)
			return -1;
		if (**s != ')')
			return lex_fail(p, "missing ')'");
		(*s)++;
		return 0;
	}
	if (!isdigit((unsigned char)**s) && **s != '-')
		return lex_fail(p, "expected a number at '%.20s'", *s);
	if (!(end = sc_number_at(*s, v)))
		return lex_fail(p, "bad number at '%.20s' (decimal or 0x hex, no leading "
			       "zeros, in range)", *s);
	*s = end;
	return 0;
}

static int term(struct ps *p, const char **s, long *v)
{
	long r;
	if (factor(p, s, v) < 0)
		return -1;
	while (**s == '*') {
		(*s)++;
		if (factor(p, s, &r) < 0)
			return -1;
		if (__builtin_mul_overflow(*v, r, v))
			return lex_fail(p, "number too large");
	}
	return 0;
}

static int expr(struct ps *p, const char **s, long *v)
{
	long r;
	if (term(p, s, v) < 0)
		return -1;
	while (**s == '+' || **s == '-') {
		char op = *(*s)++;
		if (term(p, s, &r) < 0)
			return -1;
		if (op == '+' ? __builtin_add_overflow(*v, r, v)
			      : __builtin_sub_overflow(*v, r, v))
			return lex_fail(p, "number too large");
	}
	return 0;
}

int lex_number(struct ps *p, const char *s, long lo, long hi, long *v)
{
	const char *q = s;
	if (expr(p, &q, v) < 0)
		return -1;
	if (*q)
		return lex_fail(p, "junk after number: '%.20s'", q);
	if (*v < lo || *v > hi)
		return lex_fail(p, "%ld is out of range %ld..%ld", *v, lo, hi);
	return 0;
}

int lex_split(struct ps *p, char *line, struct words *ws)
{
	char *s = line;
	ws->n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			return 0;
		if (ws->n == MAXWORDS)
			return lex_fail(p, "too many words");
		ws->w[ws->n++] = s;
		char *out = s;
		int quoted = 0;
		while (*s && (quoted || (*s != ' ' && *s != '\t'))) {
			if (*s == '"') {
				quoted = !quoted;
				*out++ = *s++;
			} else if (quoted && *s == '\\' && s[1]) {
				*out++ = *s++;
				*out++ = *s++;
			} else {
				*out++ = *s++;
			}
		}
		if (quoted)
			return lex_fail(p, "unterminated string");
		if (*s)
			s++;
		*out = '\0';
	}
}

int lex_string(struct ps *p, const char *v, unsigned char *buf, int max)
{
	int n = 0;
	if (*v != '"') {
		size_t l = strlen(v);
		if ((int)l > max)
			return lex_fail(p, "string longer than %d bytes", max);
		memcpy(buf, v, l);
		return (int)l;
	}
	for (v++; *v && *v != '"'; v++) {
		int c = (unsigned char)*v;
		if (c == '\\') {
			v++;
			switch (*v) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case '0': c = 0; break;
			case '\\': case '"': c = *v; break;
			case 'x':
				/* exactly two hex digits: \x-1 and \x 9 are refused */
				if (!isxdigit((unsigned char)v[1]) ||
				    !isxdigit((unsigned char)v[2]))
					return lex_fail(p, "bad \\x escape (two hex digits)");
				c = hexval(v[1]) << 4 | hexval(v[2]);
				v += 2;
				break;
			default:
				return lex_fail(p, "unknown escape \\%c", *v ? *v : '0');
			}
		}
		if (n == max)
			return lex_fail(p, "string longer than %d bytes", max);
		buf[n++] = (unsigned char)c;
	}
	if (*v != '"' || v[1])
		return lex_fail(p, "bad string");
	return n;
}

int lex_end_of(struct ps *p, const char *w, enum sc_end *e)
{
	int i = sc_index_of(sc_end_names, w);
	if (i < 0)
		return lex_fail(p, "'%s' is not a socket (a, b, l, c, d or s0..s19)", w);
	*e = (enum sc_end)i;
	return 0;
}

int lex_ref(struct ps *p, const char *w, struct sc_ref *r, int making)
{
	memset(r, 0, sizeof *r);
	if (making && !strcmp(w, "new")) {
		if (p->sc->npipes >= SC_MAX_PIPES)
			return lex_fail(p, "more than %d pipes", SC_MAX_PIPES);
		r->kind = SC_REF_PIPE;
		r->pipe = (short)p->sc->npipes++;
		return 0;
	}
	if (w[0] == 'p' && isdigit((unsigned char)w[1])) {
		long k;
		if (strspn(w + 1, "0123456789") != strlen(w + 1) ||
		    number(w + 1, &k) < 0 || k >= SC_MAX_PIPES)
			return lex_fail(p, "bad pipe '%s'", w);
		if (making && k >= p->sc->npipes)
			return lex_fail(p, "pipe %s is not made yet (use new)", w);
		r->kind = SC_REF_PIPE;
		r->pipe = (short)k;
		return 0;
	}
	if (!strcmp(w, "uring")) {
		r->kind = SC_REF_URING;
		return 0;
	}
	if (!strcmp(w, "bad") || (!making && !strcmp(w, "?"))) {
		r->kind = SC_REF_BAD;
		return 0;
	}
	enum sc_end e = SC_A;
	if (lex_end_of(p, w, &e) < 0)
		return -1;
	r->kind = SC_REF_SOCK;
	r->end = (unsigned char)e;
	return 0;
}

int lex_list_next(struct ps *p, char **s, char *tok, size_t max)
{
	size_t n = strcspn(*s, ",");
	if (**s == '\0')
		return 0;
	if (n >= max)   /* never cut: a cut token could read as another */
		return lex_fail(p, "list item longer than %zu: '%.20s...'", max - 1, *s);
	memcpy(tok, *s, n);
	tok[n] = '\0';
	*s += n + ((*s)[n] == ',');
	return 1;
}

int lex_hexbytes(struct ps *p, const char *h, unsigned char *out, int max)
{
	int n = 0;
	for (; h[0] && h[0] != ')'; h += 2) {
		if (!h[1] || n == max)
			return lex_fail(p, "bad or long hex");
		if (!isxdigit((unsigned char)h[0]) || !isxdigit((unsigned char)h[1]))
			return lex_fail(p, "bad hex '%.2s'", h);
		out[n++] = (unsigned char)(hexval(h[0]) << 4 | hexval(h[1]));
	}
	return n;
}

int lex_repeated_key(struct ps *p, struct words *ws)
{
	for (int i = 1; i < ws->n; i++) {
		size_t k = strcspn(ws->w[i], "=");
		if ((k == 6 && !strncmp(ws->w[i], "rights", 6)) ||
		    (k == 5 && !strncmp(ws->w[i], "creds", 5)) ||
		    (k == 4 && !strncmp(ws->w[i], "item", 4)))
			continue;
		for (int j = 1; j < i; j++)
			if (strcspn(ws->w[j], "=") == k && !strncmp(ws->w[i], ws->w[j], k))
				return lex_fail(p, "%.*s given twice", (int)k, ws->w[i]);
	}
	return 0;
}

char *lex_value_of(char *w, const char *key)
{
	size_t k = strlen(key);
	return !strncmp(w, key, k) && w[k] == '=' ? w + k + 1 : NULL;
}
