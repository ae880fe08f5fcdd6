/* error.c - names for the library's error codes. */
#include <limits.h>
#include <string.h>

#include "ancdata.h"

const char *ancdata_strerror(int code)
{
	static const char *const msg[] = {
		[ANCDATA_E_NEGBUF - ANCDATA_E_NEGBUF] =
			"negative buffer size in recvmsg()",
		[ANCDATA_E_ANCBUF - ANCDATA_E_NEGBUF] =
			"invalid ancillary data buffer length",
		[ANCDATA_E_NULL - ANCDATA_E_NEGBUF] =
			"NULL where a buffer is needed",
		[ANCDATA_E_BADARG - ANCDATA_E_NEGBUF] =
			"argument out of range",
		[ANCDATA_E_RANGE - ANCDATA_E_NEGBUF] =
			"CMSG_LEN()/CMSG_SPACE() argument out of range",
		[ANCDATA_E_ITEM_TOO_LARGE - ANCDATA_E_NEGBUF] =
			"ancillary data item too large",
		[ANCDATA_E_TOO_MUCH - ANCDATA_E_NEGBUF] =
			"too much ancillary data",
		[ANCDATA_E_SMALLBUF - ANCDATA_E_NEGBUF] =
			"control buffer too small for the items",
		[ANCDATA_E_WARNING - ANCDATA_E_NEGBUF] =
			"received malformed or improperly-truncated ancillary data",
		[ANCDATA_E_CTRUNC - ANCDATA_E_NEGBUF] =
			"control data truncated (MSG_CTRUNC); received fds closed",
		[ANCDATA_E_NOMEM - ANCDATA_E_NEGBUF] = "out of memory",
		[ANCDATA_E_NOSPACE - ANCDATA_E_NEGBUF] =
			"item or fd array too small",
		[ANCDATA_E_ADDR - ANCDATA_E_NEGBUF] =
			"address conversion failed",
	};
	/* -INT_MIN is not an int: the magnitude is taken as a long */
	long c = code < 0 ? -(long)code : code;

	if (c >= ANCDATA_E_NEGBUF &&
	    c - ANCDATA_E_NEGBUF < (long)(sizeof msg / sizeof msg[0]))
		return msg[c - ANCDATA_E_NEGBUF];
	if (c == 0)
		return "success";
	if (c > INT_MAX)
		return "unknown error";
	return strerror((int)c);
}
