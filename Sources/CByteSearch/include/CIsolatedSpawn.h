#ifndef AUTHLOG_CISOLATEDSPAWN_H
#define AUTHLOG_CISOLATEDSPAWN_H

#include <sys/types.h>

// Starts `path` (no PATH search, no shell) with `argv` and `envp`, isolated from authlog:
// stdin is /dev/null, stdout and stderr are `output_fd` (which must be >= 3), every other
// descriptor is closed, all signals have their default action and none is blocked, and the
// child leads a new process group, so that one kill(-pid, …) reaches everything it starts.
// glibc has no POSIX_SPAWN_CLOEXEC_DEFAULT; posix_spawn_file_actions_addclosefrom_np (2.34)
// needs _GNU_SOURCE, which Swift's Glibc module does not define: hence this C function.
// Returns 0 or an errno value.
int authlog_spawn_isolated(pid_t *pid, const char *path, char *const argv[], char *const envp[], int output_fd);

#endif
