// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>

#include "proclife.h"
#include "util/names.h"

const struct pl_flag_name pl_clone_flag_names[] = {
	/* 0x80: clone3/unshare only; the low byte of legacy clone() is the
	 * exit signal, which the kernel strips before task_newtask sees it. */
	{ 0x00000080ULL, "CLONE_NEWTIME" },
	{ 0x00000100ULL, "CLONE_VM" },
	{ 0x00000200ULL, "CLONE_FS" },
	{ 0x00000400ULL, "CLONE_FILES" },
	{ 0x00000800ULL, "CLONE_SIGHAND" },
	{ 0x00001000ULL, "CLONE_PIDFD" },
	{ 0x00002000ULL, "CLONE_PTRACE" },
	{ 0x00004000ULL, "CLONE_VFORK" },
	{ 0x00008000ULL, "CLONE_PARENT" },
	{ 0x00010000ULL, "CLONE_THREAD" },
	{ 0x00020000ULL, "CLONE_NEWNS" },
	{ 0x00040000ULL, "CLONE_SYSVSEM" },
	{ 0x00080000ULL, "CLONE_SETTLS" },
	{ 0x00100000ULL, "CLONE_PARENT_SETTID" },
	{ 0x00200000ULL, "CLONE_CHILD_CLEARTID" },
	{ 0x00400000ULL, "CLONE_DETACHED" },
	{ 0x00800000ULL, "CLONE_UNTRACED" },
	{ 0x01000000ULL, "CLONE_CHILD_SETTID" },
	{ 0x02000000ULL, "CLONE_NEWCGROUP" },
	{ 0x04000000ULL, "CLONE_NEWUTS" },
	{ 0x08000000ULL, "CLONE_NEWIPC" },
	{ 0x10000000ULL, "CLONE_NEWUSER" },
	{ 0x20000000ULL, "CLONE_NEWPID" },
	{ 0x40000000ULL, "CLONE_NEWNET" },
	{ 0x80000000ULL, "CLONE_IO" },
	{ 0x100000000ULL, "CLONE_CLEAR_SIGHAND" },
	{ 0x200000000ULL, "CLONE_INTO_CGROUP" },
};

const size_t pl_clone_flag_count =
	sizeof(pl_clone_flag_names) / sizeof(pl_clone_flag_names[0]);

#define N(x) [x] = #x

/* Aliases (SIGIOT, SIGPOLL) left out: one name per number. */
static const char *const signal_names[32] = {
	N(SIGHUP), N(SIGINT), N(SIGQUIT), N(SIGILL), N(SIGTRAP), N(SIGABRT),
	N(SIGBUS), N(SIGFPE), N(SIGKILL), N(SIGUSR1), N(SIGSEGV), N(SIGUSR2),
	N(SIGPIPE), N(SIGALRM), N(SIGTERM),
#ifdef SIGSTKFLT
	N(SIGSTKFLT),
#endif
	N(SIGCHLD), N(SIGCONT), N(SIGSTOP), N(SIGTSTP), N(SIGTTIN), N(SIGTTOU),
	N(SIGURG), N(SIGXCPU), N(SIGXFSZ), N(SIGVTALRM), N(SIGPROF),
	N(SIGWINCH), N(SIGIO), N(SIGPWR), N(SIGSYS),
};

/* Aliases (EWOULDBLOCK, EDEADLOCK, ENOTSUP) left out likewise. */
static const char *const errno_names[] = {
	N(EPERM), N(ENOENT), N(ESRCH), N(EINTR), N(EIO), N(ENXIO), N(E2BIG),
	N(ENOEXEC), N(EBADF), N(ECHILD), N(EAGAIN), N(ENOMEM), N(EACCES),
	N(EFAULT), N(ENOTBLK), N(EBUSY), N(EEXIST), N(EXDEV), N(ENODEV),
	N(ENOTDIR), N(EISDIR), N(EINVAL), N(ENFILE), N(EMFILE), N(ENOTTY),
	N(ETXTBSY), N(EFBIG), N(ENOSPC), N(ESPIPE), N(EROFS), N(EMLINK),
	N(EPIPE), N(EDOM), N(ERANGE), N(EDEADLK), N(ENAMETOOLONG), N(ENOLCK),
	N(ENOSYS), N(ENOTEMPTY), N(ELOOP), N(ENOMSG), N(EIDRM), N(ECHRNG),
	N(EL2NSYNC), N(EL3HLT), N(EL3RST), N(ELNRNG), N(EUNATCH), N(ENOCSI),
	N(EL2HLT), N(EBADE), N(EBADR), N(EXFULL), N(ENOANO), N(EBADRQC),
	N(EBADSLT), N(EBFONT), N(ENOSTR), N(ENODATA), N(ETIME), N(ENOSR),
	N(ENONET), N(ENOPKG), N(EREMOTE), N(ENOLINK), N(EADV), N(ESRMNT),
	N(ECOMM), N(EPROTO), N(EMULTIHOP), N(EDOTDOT), N(EBADMSG),
	N(EOVERFLOW), N(ENOTUNIQ), N(EBADFD), N(EREMCHG), N(ELIBACC),
	N(ELIBBAD), N(ELIBSCN), N(ELIBMAX), N(ELIBEXEC), N(EILSEQ),
	N(ERESTART), N(ESTRPIPE), N(EUSERS), N(ENOTSOCK), N(EDESTADDRREQ),
	N(EMSGSIZE), N(EPROTOTYPE), N(ENOPROTOOPT), N(EPROTONOSUPPORT),
	N(ESOCKTNOSUPPORT), N(EOPNOTSUPP), N(EPFNOSUPPORT), N(EAFNOSUPPORT),
	N(EADDRINUSE), N(EADDRNOTAVAIL), N(ENETDOWN), N(ENETUNREACH),
	N(ENETRESET), N(ECONNABORTED), N(ECONNRESET), N(ENOBUFS), N(EISCONN),
	N(ENOTCONN), N(ESHUTDOWN), N(ETOOMANYREFS), N(ETIMEDOUT),
	N(ECONNREFUSED), N(EHOSTDOWN), N(EHOSTUNREACH), N(EALREADY),
	N(EINPROGRESS), N(ESTALE), N(EUCLEAN), N(ENOTNAM), N(ENAVAIL),
	N(EISNAM), N(EREMOTEIO), N(EDQUOT), N(ENOMEDIUM), N(EMEDIUMTYPE),
	N(ECANCELED), N(ENOKEY), N(EKEYEXPIRED), N(EKEYREVOKED),
	N(EKEYREJECTED), N(EOWNERDEAD), N(ENOTRECOVERABLE), N(ERFKILL),
	N(EHWPOISON),
};

#undef N

/* The kernel's numbering, not glibc's SIGRTMIN (which reserves two). */
#define KERNEL_SIGRTMIN	32
#define KERNEL_SIGRTMAX	64

const char *pl_signal_name(int sig)
{
	if (sig <= 0 || sig >= (int)(sizeof(signal_names) / sizeof(signal_names[0])))
		return NULL;
	return signal_names[sig];
}

size_t pl_signal_str(char *buf, size_t size, int sig)
{
	const char *name = pl_signal_name(sig);
	int n;

	if (name)
		n = snprintf(buf, size, "%s", name);
	else if (sig == KERNEL_SIGRTMIN)
		n = snprintf(buf, size, "SIGRTMIN");
	else if (sig > KERNEL_SIGRTMIN && sig < KERNEL_SIGRTMAX)
		n = snprintf(buf, size, "SIGRTMIN+%d", sig - KERNEL_SIGRTMIN);
	else if (sig == KERNEL_SIGRTMAX)
		n = snprintf(buf, size, "SIGRTMAX");
	else
		n = snprintf(buf, size, "SIG%d", sig);
	if (n < 0)
		return 0;
	return (size_t)n < size ? (size_t)n : (size ? size - 1 : 0);
}

size_t pl_status_str(char *buf, size_t size, uint32_t status, bool killed_by)
{
	int st = (int)status, n;
	char sig[32];

	if (!WIFSIGNALED(st))
		n = snprintf(buf, size, "exit %d", WEXITSTATUS(st));
	else if (pl_signal_str(sig, sizeof(sig), WTERMSIG(st)), WCOREDUMP(st))
		n = snprintf(buf, size, "%s%s (core)",
			     killed_by ? "killed by " : "", sig);
	else
		n = snprintf(buf, size, "%s%s", killed_by ? "killed by " : "", sig);
	if (n < 0)
		return 0;
	return (size_t)n < size ? (size_t)n : (size ? size - 1 : 0);
}

const char *pl_errno_name(int err)
{
	if (err <= 0 || err >= (int)(sizeof(errno_names) / sizeof(errno_names[0])))
		return NULL;
	return errno_names[err];
}

const char *pl_birth_name(uint32_t kind)
{
	switch (kind) {
	case PL_BIRTH_FORK: return "fork";
	case PL_BIRTH_VFORK: return "vfork";
	case PL_BIRTH_CLONE: return "clone";
	case PL_BIRTH_THREAD: return "thread";
	case PL_BIRTH_KTHREAD: return "kthread";
	}
	return "unknown";
}
