#ifndef AUTHLOG_CSYSTEMD_SHIM_H
#define AUTHLOG_CSYSTEMD_SHIM_H

// The journal's reading API only (sd_journal_*): authlog reads journal files, it never
// writes to journald nor talks to the bus.
#include <systemd/sd-journal.h>

#endif
