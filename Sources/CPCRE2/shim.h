#ifndef AUTHLOG_CPCRE2_SHIM_H
#define AUTHLOG_CPCRE2_SHIM_H

// pcre2.h refuses to compile unless the code unit width is chosen first, and a
// systemLibrary target cannot pass -D flags, so the choice lives here.
// authlog matches bytes (log lines are not guaranteed UTF-8), so width 8.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#endif
