/*
 * kharness: times compiled kernels. A separate executable (not part of the
 * FFI library) so that a kernel that crashes or never returns takes down a
 * child process, never the pipeline: pipeline/kernel/harness.ts writes a job
 * file, runs `kharness JOB OUT [options]`, and reads one JSON line per
 * kernel from stdout and the kernels' outputs from OUT.
 *
 * Job file (little-endian, u32 unless said otherwise):
 *   "KHJ1"  n  nlibs  ninputs  nkernels
 *   nlibs    x { len, bytes }                       shared library paths
 *   ninputs  x { nvars, nvars * n float32 }         column-major input sets
 *   nkernels x { lib, input, len, bytes }           symbol in libs[lib]
 * OUT receives nkernels * n float32: kernel k's outputs at offset k*n.
 */
#ifndef KHARNESS_H
#define KHARNESS_H

#include <stddef.h>
#include <stdint.h>

typedef void (*kh_kernel)(const float *const *in, float *out, size_t n);

struct kh_input {
  uint32_t nvars;
  float **cols; /* nvars columns of n floats, page-aligned */
};

struct kh_kernel_ref {
  uint32_t lib, input;
  char *symbol;
};

struct kh_job {
  uint32_t n, nlibs, ninputs, nkernels;
  char **libs;
  struct kh_input *inputs;
  struct kh_kernel_ref *kernels;
};

/* Reads and validates a job file; on error returns -1 with a message in err. */
int kh_read_job(const char *path, struct kh_job *job, char *err, size_t errlen);
void kh_free_job(struct kh_job *job);

/* Timing settings (command-line options). */
struct kh_settings {
  int core;             /* CPU to pin the measuring child to; -1: none */
  double warmup_ms;     /* running both kernels before timing */
  double min_ms;        /* least time spent in timed kernel samples */
  double sample_us;     /* target duration of one timed sample */
  uint32_t min_samples; /* at least this many samples of each */
  uint32_t max_samples; /* and at most this many */
  double timeout_ms;    /* a child still running after this is killed */
};

/* What a measuring child reports (lives in memory shared with the parent). */
struct kh_timing {
  double ns_per_elem;     /* median over samples */
  double ref_ns_per_elem; /* median of the reference's samples */
  double ratio;           /* median of (kernel sample / adjacent reference sample), per round */
  double cv;              /* robust CV (1.4826 MAD / median) of the kernel's samples */
  double ref_cv;          /* the same for the reference */
  double plain_cv;        /* standard deviation / mean of the kernel's samples */
  uint32_t samples; /* timed samples of each */
  uint32_t inner;   /* kernel calls per sample */
};

/* One region for every buffer a measurement touches (arena.c). */
struct kh_arena {
  void *base;
  size_t size, used;
  int huge; /* MADV_HUGEPAGE accepted */
};
int kh_arena_init(struct kh_arena *a, size_t need);
/* The next buffer of `floats` floats, or NULL when the arena is full. */
float *kh_arena_take(struct kh_arena *a, size_t floats);
size_t kh_arena_need(size_t buffers, size_t floats);

/* Times `k` on `in`, interleaved with the reference kernel, whose buffers
 * come from `arena`. */
void kh_measure(kh_kernel k, const float *const *in, float *out, size_t n, const struct kh_settings *s,
                struct kh_timing *t, struct kh_arena *arena);

/* The fixed reference kernel every timing is divided by (reference.c). */
void kh_reference(const float *const *in, float *out, size_t n);
/* Its inputs: two columns of n floats. */
void kh_reference_inputs(float *x, float *y, size_t n);
/* 2: runs on its own KH_REFERENCE_N elements; the ratio is the kernel's
 * fastest round over the reference's fastest round. */
#define KH_REFERENCE_VERSION 2
/* Elements per reference call, whatever the job's n (a multiple of 16). */
#define KH_REFERENCE_N 4096

/* Statistics over samples (stats.c); `v` is reordered by kh_median. */
double kh_median(double *v, size_t n);
double kh_mean(const double *v, size_t n);
double kh_cv(const double *v, size_t n);
double kh_robust_cv(const double *v, size_t n, double *scratch);

/* Monotonic clock in nanoseconds. */
double kh_now_ns(void);

#endif
