/* feature_probe.h - probes of what the running kernel offers. */
#ifndef ANCDATA_FEATURE_PROBE_H
#define ANCDATA_FEATURE_PROBE_H
int sc_sockopt_exists(int name);
int sc_unix_oob(void);
int sc_io_uring(void);
#endif
