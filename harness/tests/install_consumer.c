/* install_consumer.c - built against the installed library with
 * `pkg-config --cflags --libs ancdata` by install_test.sh. */
#include <ancdata.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int sv[2], p[2], got[1];
	size_t n = 0, len;
	char b;
	struct iovec iov = { "i", 1 };

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(p))
		return 1;
	if (ancdata_send_fds(sv[0], &iov, 1, &p[0], 1, 0, NULL) != 1 ||
	    ancdata_recv_fds(sv[1], &b, 1, got, 1, &n, NULL, 0, NULL) != 1 ||
	    n != 1 || ancdata_cmsg_len(4, &len) || len != CMSG_LEN(4))
		return 1;
	printf("installed libancdata: received %zu fd, CMSG_LEN(4) = %zu\n", n,
	       len);
	return 0;
}
