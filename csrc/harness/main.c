/*
 * kharness JOB OUT [--core C] [--rounds R] [--warmup-ms X] [--min-ms X]
 *                  [--sample-us X] [--min-samples N] [--max-samples N]
 *                  [--timeout-ms X]
 *
 * Measures each kernel of the job in a forked child pinned to one core (one
 * child at a time per core across all harnesses on the machine: a lock file
 * per CPU in /tmp); the child loads the kernel's library itself, so neither a crashing kernel nor
 * a crashing library constructor can take the harness down, and a child
 * still running at the time limit is killed. The parent only reads the job,
 * forks, waits (asleep in sigtimedwait, taking no time from the measuring
 * core) and reports.
 *
 * Rounds: every kernel is measured in R separate rounds, the rounds one
 * after the other over the whole job, so that a kernel's measurements are
 * spread out in time. On these virtual machines a core sometimes runs some
 * code (libmvec-heavy kernels above all) 1.3x to 3.5x slower, in one
 * measuring process out of some tens, or for spells of 0.1 to over 1 s
 * when the machine is busy; the reference kernel, which is not slowed the
 * same way, cannot cancel that. Contention only ever slows a kernel down,
 * so the reported time is the fastest round's median, and the ratio is
 * that over the reference's fastest round.
 *
 * One JSON line per kernel goes to stdout: failures as soon as they happen,
 * results after the last round; a `round` line after each round tells the
 * reader how far it is. Outputs (of the first call in round 0) go
 * to OUT at offset k*n.
 */
#include <alloca.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#if defined(__x86_64__)
#include <immintrin.h>
#else
#include <fenv.h>
#endif
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

enum { EXIT_LOAD = 3, EXIT_NOMEM = 4, MAX_ROUNDS = 64 };

/* The measuring child's report, in memory shared with the parent. */
struct shared {
  volatile int done;
  int huge; /* the child's arena was advised to be a huge page */
  char message[512];
  struct kh_timing timing;
  float out[];
};

static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    const unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

static void report_failure(uint32_t i, const char *status, const char *message) {
  printf("{\"i\":%u,\"status\":\"%s\",\"message\":", i, status);
  json_string(stdout, message);
  printf("}\n");
  fflush(stdout);
}

static int parse_double(const char *s, double *v) {
  char *end;
  errno = 0;
  *v = strtod(s, &end);
  return errno != 0 || end == s || *end != 0 || !(*v >= 0) ? -1 : 0;
}

static int usage(void) {
  fprintf(stderr,
          "usage: kharness JOB OUT [--core C] [--rounds R] [--warmup-ms X] [--min-ms X] [--sample-us X]\n"
          "                [--min-samples N] [--max-samples N] [--timeout-ms X]\n");
  return 2;
}

/* The measuring child's work, in its own frame below the aligned gap. The
 * kernel's inputs and output are copied into the child's arena (see
 * arena.c); if they do not fit, they stay where they are. */
static __attribute__((noinline)) void measure_child(kh_kernel fn, const struct kh_job *job, uint32_t k,
                                                    const struct kh_settings *s, struct shared *sh,
                                                    int keep_outputs) {
  const struct kh_input *in = &job->inputs[job->kernels[k].input];
  const size_t n = job->n, rn = KH_REFERENCE_N;
  struct kh_arena arena;
  if (kh_arena_init(&arena, kh_arena_need(in->nvars + 1, n) + kh_arena_need(3, rn)) != 0) _exit(EXIT_NOMEM);
  float **cols = calloc(in->nvars + 1, sizeof(float *));
  float *out = kh_arena_take(&arena, n);
  for (uint32_t v = 0; v < in->nvars && out != NULL; v++) {
    cols[v] = kh_arena_take(&arena, n);
    memcpy(cols[v], in->cols[v], sizeof(float) * n);
  }
  if (out == NULL) _exit(EXIT_NOMEM);
  sh->huge = arena.huge;
  fn((const float *const *)cols, out, n);
  if (keep_outputs) memcpy(sh->out, out, sizeof(float) * n);
  kh_measure(fn, (const float *const *)cols, out, n, s, &sh->timing, &arena);
}

/* In the child: load, look up, measure. Never returns. */
static void child(const struct kh_job *job, uint32_t k, const struct kh_settings *s, struct shared *sh,
                  int keep_outputs) {
  if (s->core >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(s->core, &set);
    sched_setaffinity(0, sizeof set, &set);
  }
  const struct kh_kernel_ref *ref = &job->kernels[k];
  /* A library built with -ffast-math may set flush-to-zero and
   * denormals-are-zero in its constructor (gcc 12 links crtfastmath.o into
   * shared libraries too); restore the control word so every kernel runs
   * under the same IEEE rules. */
#if defined(__x86_64__)
  const unsigned int csr = _mm_getcsr();
#else
  /* aarch64: the flush-to-zero bit lives in FPCR, which the saved
   * floating-point environment holds whole. */
  fenv_t csr;
  fegetenv(&csr);
#endif
  void *h = dlopen(job->libs[ref->lib], RTLD_NOW | RTLD_LOCAL);
#if defined(__x86_64__)
  _mm_setcsr(csr);
#else
  fesetenv(&csr);
#endif
  if (h == NULL) {
    const char *e = dlerror();
    snprintf(sh->message, sizeof sh->message, "%s", e != NULL ? e : "dlopen failed");
    _exit(EXIT_LOAD);
  }
  kh_kernel fn;
  *(void **)(&fn) = dlsym(h, ref->symbol);
  if (fn == NULL) {
    snprintf(sh->message, sizeof sh->message, "symbol %s not found in %s", ref->symbol, job->libs[ref->lib]);
    _exit(EXIT_LOAD);
  }
  /* The stack starts at a random offset within its page in every process
   * (ASLR). Kernels that spill around libmvec calls, and the reference,
   * then alias their stack slots with their data streams modulo 4 KiB in
   * some processes and not others, which made the same kernel up to 2x
   * slower in one process than in the next. A fixed page offset for the
   * measuring frames makes that repeatable. */
  volatile char anchor = 0;
  const size_t pad = (((uintptr_t)&anchor & 4095u) - 0x300u) & 4095u;
  char *volatile gap = alloca(pad + 1);
  gap[0] = anchor;
  measure_child(fn, job, k, s, sh, keep_outputs);
  sh->done = 1;
  _exit(0);
}

/* A lock per measuring CPU, shared by every harness on the machine: two
 * harnesses pinned to the same core would time each other's kernels, so
 * their measuring children take turns. -1 when there is no core or no lock. */
static int open_core_lock(int core) {
  if (core < 0) return -1;
  char path[64];
  snprintf(path, sizeof path, "/tmp/kharness-cpu%d.lock", core);
  return open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
}

/* Runs kernel k in a child; returns its wait status, -1 on timeout, -2 if fork failed. */
static int run_child(const struct kh_job *job, uint32_t k, const struct kh_settings *s, struct shared *sh,
                     int keep_outputs, int lock) {
  if (lock >= 0) flock(lock, LOCK_EX);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  sh->done = 0;
  sh->message[0] = 0;
  const pid_t pid = fork();
  if (pid < 0) {
    if (lock >= 0) flock(lock, LOCK_UN);
    return -2;
  }
  if (pid == 0) {
    sigprocmask(SIG_UNBLOCK, &chld, NULL);
    child(job, k, s, sh, keep_outputs);
  }
  const double deadline = kh_now_ns() + s->timeout_ms * 1e6;
  int status = 0;
  for (;;) {
    const pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    const double left = deadline - kh_now_ns();
    if (left <= 0) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      status = -1;
      break;
    }
    const time_t sec = (time_t)(left / 1e9);
    struct timespec ts = {sec, (long)(left - (double)sec * 1e9)};
    sigtimedwait(&chld, NULL, &ts);
  }
  sigprocmask(SIG_UNBLOCK, &chld, NULL);
  if (lock >= 0) flock(lock, LOCK_UN);
  return status;
}

/* Why a child failed, or NULL if it measured. */
static const char *failure(int status, const struct shared *sh, const struct kh_settings *s, char *msg,
                           size_t len) {
  if (status == -1) {
    snprintf(msg, len, "killed after the time limit of %.0f ms", s->timeout_ms);
    return "timeout";
  }
  if (status == -2) {
    snprintf(msg, len, "fork failed");
    return "error";
  }
  if (WIFSIGNALED(status)) {
    snprintf(msg, len, "crashed: signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    return "crash";
  }
  if (WEXITSTATUS(status) == EXIT_NOMEM) {
    snprintf(msg, len, "out of memory for the measuring buffers");
    return "error";
  }
  if (WEXITSTATUS(status) == EXIT_LOAD) {
    snprintf(msg, len, "%s", sh->message);
    return "error";
  }
  if (WEXITSTATUS(status) != 0 || !sh->done) {
    snprintf(msg, len, "measuring process exited with status %d", WEXITSTATUS(status));
    return "crash";
  }
  return NULL;
}

static double min_of(const double *v, size_t n) {
  double m = v[0];
  for (size_t i = 1; i < n; i++) m = v[i] < m ? v[i] : m;
  return m;
}

static double max_of(const double *v, size_t n) {
  double m = v[0];
  for (size_t i = 1; i < n; i++) m = v[i] > m ? v[i] : m;
  return m;
}

int main(int argc, char **argv) {
  if (argc < 3) return usage();
  struct kh_settings s = {.core = -1,
                          .warmup_ms = 2,
                          .min_ms = 8,
                          .sample_us = 40,
                          .min_samples = 15,
                          .max_samples = 20000,
                          .timeout_ms = 10000};
  uint32_t rounds = 5;
  for (int a = 3; a < argc; a += 2) {
    if (a + 1 >= argc) return usage();
    double v;
    if (parse_double(argv[a + 1], &v) != 0) return usage();
    if (strcmp(argv[a], "--core") == 0) s.core = (int)v;
    else if (strcmp(argv[a], "--rounds") == 0) rounds = v < 1 ? 1 : v > MAX_ROUNDS ? MAX_ROUNDS : (uint32_t)v;
    else if (strcmp(argv[a], "--warmup-ms") == 0) s.warmup_ms = v;
    else if (strcmp(argv[a], "--min-ms") == 0) s.min_ms = v;
    else if (strcmp(argv[a], "--sample-us") == 0) s.sample_us = v;
    else if (strcmp(argv[a], "--min-samples") == 0) s.min_samples = (uint32_t)v;
    else if (strcmp(argv[a], "--max-samples") == 0) s.max_samples = (uint32_t)(v < 1 ? 1 : v);
    else if (strcmp(argv[a], "--timeout-ms") == 0) s.timeout_ms = v;
    else return usage();
  }

  struct kh_job job;
  char err[512];
  if (kh_read_job(argv[1], &job, err, sizeof err) != 0) {
    fprintf(stderr, "kharness: %s\n", err);
    return 1;
  }
  const int outfd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const size_t shbytes = sizeof(struct shared) + sizeof(float) * job.n;
  struct shared *sh = mmap(NULL, shbytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  /* Per kernel and round: the round's timing; failed kernels are skipped. */
  struct kh_timing *t = calloc((size_t)job.nkernels * rounds + 1, sizeof *t);
  char *failed = calloc(job.nkernels + 1, 1);
  if (outfd < 0 || sh == MAP_FAILED || t == NULL || failed == NULL) {
    fprintf(stderr, "kharness: cannot set up (output file %s, memory)\n", argv[2]);
    return 1;
  }

  const int lock = open_core_lock(s.core);
  for (uint32_t r = 0; r < rounds; r++) {
    for (uint32_t k = 0; k < job.nkernels; k++) {
      if (failed[k]) continue;
      const int status = run_child(&job, k, &s, sh, r == 0, lock);
      char msg[600];
      const char *why = failure(status, sh, &s, msg, sizeof msg);
      if (why != NULL) {
        failed[k] = 1;
        report_failure(k, why, msg);
        continue;
      }
      t[(size_t)k * rounds + r] = sh->timing;
      if (r == 0) {
        const off_t at = (off_t)k * job.n * (off_t)sizeof(float);
        if (pwrite(outfd, sh->out, sizeof(float) * job.n, at) != (ssize_t)(sizeof(float) * job.n)) {
          failed[k] = 1;
          report_failure(k, "error", "cannot write outputs");
        }
      }
    }
    printf("{\"status\":\"round\",\"round\":%u,\"rounds\":%u}\n", r + 1, rounds);
    fflush(stdout);
  }

  for (uint32_t k = 0; k < job.nkernels; k++) {
    if (failed[k]) continue;
    const struct kh_timing *tk = &t[(size_t)k * rounds];
    double ns[MAX_ROUNDS] = {0}, ref[MAX_ROUNDS] = {0}, cv[MAX_ROUNDS] = {0},
           rcv[MAX_ROUNDS] = {0}, pcv[MAX_ROUNDS] = {0};
    uint32_t samples = 0;
    for (uint32_t r = 0; r < rounds; r++) {
      ns[r] = tk[r].ns_per_elem;
      ref[r] = tk[r].ref_ns_per_elem;
      cv[r] = tk[r].cv;
      rcv[r] = tk[r].ref_cv;
      pcv[r] = tk[r].plain_cv;
      samples += tk[r].samples;
    }
    /* Contention only slows things down: the fastest round of the kernel over
     * the fastest round of the reference (both measured in the same
     * processes, alternately) is the ratio least disturbed by it. */
    const double fastest = min_of(ns, rounds), slowest = max_of(ns, rounds), ref_fastest = min_of(ref, rounds);
    printf("{\"i\":%u,\"status\":\"ok\",\"ns_per_elem\":%.6g,\"ref_ns_per_elem\":%.6g,\"ratio\":%.6g,"
           "\"cv\":%.6g,\"ref_cv\":%.6g,\"plain_cv\":%.6g,\"samples\":%u,\"inner\":%u,\"rounds\":%u,"
           "\"round_spread\":%.6g}\n",
           k, fastest, ref_fastest, fastest / ref_fastest, kh_median(cv, rounds), kh_median(rcv, rounds),
           kh_median(pcv, rounds), samples, tk[0].inner, rounds, slowest / fastest);
  }
  fflush(stdout);

  if (lock >= 0) close(lock);
  close(outfd);
  munmap(sh, shbytes);
  free(t);
  free(failed);
  kh_free_job(&job);
  return 0;
}
