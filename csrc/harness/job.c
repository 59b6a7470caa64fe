/*
 * Reading a job file (format in harness.h). Every count and length is
 * checked against the bytes that remain before anything is allocated, so a
 * truncated or corrupt file is refused with a message, never read past.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

struct reader {
  const unsigned char *p;
  size_t left;
};

static int take(struct reader *r, void *dst, size_t len) {
  if (len > r->left) return -1;
  memcpy(dst, r->p, len);
  r->p += len;
  r->left -= len;
  return 0;
}

static int take_u32(struct reader *r, uint32_t *v) {
  unsigned char b[4];
  if (take(r, b, 4) != 0) return -1;
  *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
  return 0;
}

/* A length-prefixed string, NUL-terminated; refuses embedded NULs. */
static char *take_str(struct reader *r) {
  uint32_t len;
  if (take_u32(r, &len) != 0 || len == 0 || len > 4096 || len > r->left) return NULL;
  if (memchr(r->p, 0, len) != NULL) return NULL;
  char *s = malloc((size_t)len + 1);
  if (s == NULL) return NULL;
  take(r, s, len);
  s[len] = 0;
  return s;
}

#define FAIL(...)                         \
  do {                                    \
    snprintf(err, errlen, __VA_ARGS__);   \
    free(buf);                            \
    kh_free_job(job);                     \
    return -1;                            \
  } while (0)

int kh_read_job(const char *path, struct kh_job *job, char *err, size_t errlen) {
  memset(job, 0, sizeof *job);
  unsigned char *buf = NULL;
  FILE *f = fopen(path, "rb");
  if (f == NULL) FAIL("cannot open job file %s", path);
  fseek(f, 0, SEEK_END);
  const long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  if (size < 20) {
    fclose(f);
    FAIL("job file too short");
  }
  buf = malloc((size_t)size);
  const size_t got = buf == NULL ? 0 : fread(buf, 1, (size_t)size, f);
  fclose(f);
  if (got != (size_t)size) FAIL("cannot read job file %s", path);

  struct reader r = {buf, (size_t)size};
  char magic[4];
  take(&r, magic, 4);
  if (memcmp(magic, "KHJ1", 4) != 0) FAIL("not a job file (bad magic)");
  if (take_u32(&r, &job->n) || take_u32(&r, &job->nlibs) || take_u32(&r, &job->ninputs) ||
      take_u32(&r, &job->nkernels))
    FAIL("truncated header");
  if (job->n == 0 || job->n > (1u << 24)) FAIL("n = %u out of range", job->n);
  /* Each entry needs at least 4 bytes: bounds the allocations by the file. */
  if (job->nlibs > r.left / 4 || job->ninputs > r.left / 4 || job->nkernels > r.left / 12)
    FAIL("counts larger than the file");

  job->libs = calloc(job->nlibs + 1, sizeof(char *));
  job->inputs = calloc(job->ninputs + 1, sizeof(struct kh_input));
  job->kernels = calloc(job->nkernels + 1, sizeof(struct kh_kernel_ref));
  if (!job->libs || !job->inputs || !job->kernels) FAIL("out of memory");

  for (uint32_t i = 0; i < job->nlibs; i++) {
    if ((job->libs[i] = take_str(&r)) == NULL) FAIL("bad library path %u", i);
  }
  /* Page-aligned columns: the same placement modulo 4 KiB in every run. */
  const size_t colbytes = ((size_t)job->n * sizeof(float) + 4095) / 4096 * 4096;
  for (uint32_t i = 0; i < job->ninputs; i++) {
    struct kh_input *in = &job->inputs[i];
    if (take_u32(&r, &in->nvars) || in->nvars > 4096) FAIL("bad input set %u", i);
    if ((size_t)in->nvars * job->n * sizeof(float) > r.left) FAIL("input set %u truncated", i);
    in->cols = calloc(in->nvars + 1, sizeof(float *));
    if (in->cols == NULL) FAIL("out of memory");
    for (uint32_t v = 0; v < in->nvars; v++) {
      if ((in->cols[v] = aligned_alloc(4096, colbytes)) == NULL) FAIL("out of memory");
      take(&r, in->cols[v], (size_t)job->n * sizeof(float));
    }
  }
  for (uint32_t i = 0; i < job->nkernels; i++) {
    struct kh_kernel_ref *k = &job->kernels[i];
    if (take_u32(&r, &k->lib) || take_u32(&r, &k->input)) FAIL("kernel %u truncated", i);
    if (k->lib >= job->nlibs || k->input >= job->ninputs) FAIL("kernel %u refers to a missing lib or input", i);
    if ((k->symbol = take_str(&r)) == NULL) FAIL("bad symbol for kernel %u", i);
  }
  if (r.left != 0) FAIL("%zu trailing bytes", r.left);
  free(buf);
  return 0;
}

void kh_free_job(struct kh_job *job) {
  if (job->libs) {
    for (uint32_t i = 0; i < job->nlibs; i++) free(job->libs[i]);
    free(job->libs);
  }
  if (job->inputs) {
    for (uint32_t i = 0; i < job->ninputs; i++) {
      if (job->inputs[i].cols) {
        for (uint32_t v = 0; v < job->inputs[i].nvars; v++) free(job->inputs[i].cols[v]);
        free(job->inputs[i].cols);
      }
    }
    free(job->inputs);
  }
  if (job->kernels) {
    for (uint32_t i = 0; i < job->nkernels; i++) free(job->kernels[i].symbol);
    free(job->kernels);
  }
  memset(job, 0, sizeof *job);
}
