/*
 * Allocation failure on demand, for testing what a program does when
 * memory runs out (curl's "torture" idea).  Built as a shared object and
 * loaded with LD_PRELOAD, it wraps malloc, calloc and realloc:
 *
 *   FAILMALLOC_N=N       the Nth allocation counted fails (returns NULL,
 *                        errno ENOMEM); all others succeed
 *   FAILMALLOC_FROM=exe  count only allocations called directly from the
 *                        program itself, not from its libraries (libjq,
 *                        libc); the default counts them all
 *   FAILMALLOC_COUNT=F   at exit, write the number counted to file F
 *   FAILMALLOC_LOG=F     when the Nth fails, write to file F the object
 *                        that asked for it ("libjq.so.1", the program)
 *   FAILMALLOC_PROG=P    act only in the program named P, not in others
 *                        of the same environment (valgrind's wrapper
 *                        script, a shell)
 *
 * Counting starts when this object is initialised, before main(): what
 * the dynamic loader allocates earlier is never failed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int resolving;

static unsigned long fail_at, counted;
static int ready, from_exe;
static uintptr_t exe_lo, exe_hi;

/* dlsym() may itself call calloc before real_calloc is known. */
static char bootstrap[4096];
static size_t bootstrap_used;

static void *
bootstrap_alloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (n > sizeof(bootstrap) - bootstrap_used)
		return NULL;
	p = bootstrap + bootstrap_used;
	bootstrap_used += n;
	return p;
}

/* Find libc's functions; dlsym() may allocate meanwhile (bootstrap). */
static void
resolve(void)
{
	resolving = 1;
	*(void **)&real_malloc = dlsym(RTLD_NEXT, "malloc");
	*(void **)&real_calloc = dlsym(RTLD_NEXT, "calloc");
	*(void **)&real_realloc = dlsym(RTLD_NEXT, "realloc");
	*(void **)&real_free = dlsym(RTLD_NEXT, "free");
	resolving = 0;
}

/* The range of the main program's executable segments. */
static int
find_exe(struct dl_phdr_info *info, size_t size, void *arg)
{
	int i;

	(void)size;
	(void)arg;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo, hi;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		lo = info->dlpi_addr + ph->p_vaddr;
		hi = lo + ph->p_memsz;
		if (exe_lo == 0 || lo < exe_lo)
			exe_lo = lo;
		if (hi > exe_hi)
			exe_hi = hi;
	}
	return 1;	/* the first object is the program: stop */
}

static void
write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return;
	if (write(fd, s, strlen(s)) < 0)
		(void)0;
	close(fd);
}

__attribute__((constructor)) static void
failmalloc_init(void)
{
	const char *n = getenv("FAILMALLOC_N"), *from = getenv("FAILMALLOC_FROM");
	const char *prog = getenv("FAILMALLOC_PROG");

	if (real_free == NULL)
		resolve();
	if (prog != NULL && strcmp(prog, program_invocation_short_name) != 0)
		return;
	fail_at = n != NULL ? strtoul(n, NULL, 10) : 0;
	from_exe = from != NULL && strcmp(from, "exe") == 0;
	if (from_exe)
		dl_iterate_phdr(find_exe, NULL);
	ready = 1;
}

__attribute__((destructor)) static void
failmalloc_fini(void)
{
	const char *path = getenv("FAILMALLOC_COUNT");
	char s[32];

	if (path != NULL && ready) {
		snprintf(s, sizeof(s), "%lu\n", counted);
		write_file(path, s);
	}
}

/* Whether this allocation, asked for from caller, is the one to fail. */
static int
should_fail(void *caller)
{
	const char *log;
	Dl_info info;

	if (!ready)
		return 0;
	if (from_exe && ((uintptr_t)caller < exe_lo || (uintptr_t)caller >= exe_hi))
		return 0;
	if (__atomic_add_fetch(&counted, 1, __ATOMIC_RELAXED) != fail_at)
		return 0;
	if ((log = getenv("FAILMALLOC_LOG")) != NULL) {
		const char *who = "?";

		if (dladdr(caller, &info) != 0 && info.dli_fname != NULL) {
			who = strrchr(info.dli_fname, '/');
			who = who != NULL ? who + 1 : info.dli_fname;
		}
		write_file(log, who);
	}
	errno = ENOMEM;
	return 1;
}

void *
malloc(size_t n)
{
	if (real_malloc == NULL && (resolving || (resolve(), real_malloc == NULL)))
		return bootstrap_alloc(n);
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	return real_malloc(n);
}

void *
calloc(size_t nmemb, size_t size)
{
	if (real_calloc == NULL && (resolving || (resolve(), real_calloc == NULL))) {
		if (size != 0 && nmemb > SIZE_MAX / size)
			return NULL;
		return bootstrap_alloc(nmemb * size);	/* static: already zero */
	}
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	return real_calloc(nmemb, size);
}

void *
realloc(void *p, size_t n)
{
	if (real_realloc == NULL && (resolving || (resolve(), real_realloc == NULL)))
		return NULL;
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	return real_realloc(p, n);
}

/* Memory from the bootstrap buffer is never given back. */
void
free(void *p)
{
	if ((char *)p >= bootstrap && (char *)p < bootstrap + sizeof(bootstrap))
		return;
	if (real_free == NULL && (resolving || (resolve(), real_free == NULL)))
		return;
	real_free(p);
}
