/* say.h - the one line a command writes on stderr about bad input:
 * "ancdata: WHO: message", every byte that could end the line or steer a
 * terminal shown as \xNN (io_printable). */
#ifndef ANCDATA_SAY_H
#define ANCDATA_SAY_H

/* who: the command ("report"), or NULL when the message names it */
void io_say(const char *who, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* io_say, then 2: the exit status of bad input */
int io_bad(const char *who, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
