/* say.c - one line on stderr for bad input (say.h). */
#include <stdarg.h>
#include <stdio.h>

#include "json_text.h"
#include "say.h"

static void vsay(const char *who, const char *fmt, va_list ap)
{
	char msg[1024], shown[4 * sizeof msg];
	vsnprintf(msg, sizeof msg, fmt, ap);
	io_printable(msg, shown, sizeof shown);
	fprintf(stderr, "ancdata: %s%s%s\n", who ? who : "", who ? ": " : "", shown);
}

void io_say(const char *who, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(who, fmt, ap);
	va_end(ap);
}

int io_bad(const char *who, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(who, fmt, ap);
	va_end(ap);
	return 2;
}
