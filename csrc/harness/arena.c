/*
 * The measuring child's memory: one 2 MiB-aligned region, backed by a
 * transparent huge page when the kernel grants one, holding every buffer a
 * measurement touches (the kernel's input columns and output, the
 * reference's), at fixed offsets.
 *
 * Why: the same kernel ran 2-2.5x slower in some processes than in others,
 * and which processes was decided by where its freshly allocated buffers
 * landed in physical memory (libmvec-heavy kernels and a reference that
 * calls expf were hit, pure arithmetic was not). Inside one huge page the
 * physical layout is the virtual one, the same in every process. Buffers are
 * staggered by a few cache lines, not page-aligned, so that streams walked
 * in lockstep do not all fall into the same L1 sets.
 */
#include <string.h>
#include <sys/mman.h>

#include "harness.h"

enum { HUGE = 2u << 20, STAGGER = 5 * 64 };

int kh_arena_init(struct kh_arena *a, size_t need) {
  memset(a, 0, sizeof *a);
  const size_t size = need <= HUGE ? HUGE : (need + HUGE - 1) / HUGE * HUGE;
  /* Map twice the size so an aligned window fits, then trim the rest. */
  unsigned char *raw = mmap(NULL, size + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return -1;
  unsigned char *base = (unsigned char *)(((uintptr_t)raw + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
  if (base > raw) munmap(raw, (size_t)(base - raw));
  const size_t tail = (size_t)(raw + size + HUGE - (base + size));
  if (tail > 0) munmap(base + size, tail);
  a->huge = madvise(base, size, MADV_HUGEPAGE) == 0;
  memset(base, 0, size); /* fault it in now, as one huge page if granted */
  a->base = base;
  a->size = size;
  return 0;
}

float *kh_arena_take(struct kh_arena *a, size_t floats) {
  const size_t bytes = (floats * sizeof(float) + 4095) / 4096 * 4096 + STAGGER;
  if (a->used + bytes > a->size) return NULL;
  float *p = (float *)((unsigned char *)a->base + a->used);
  a->used += bytes;
  return p;
}

/* Bytes kh_arena_take needs for buffers of these sizes. */
size_t kh_arena_need(size_t buffers, size_t floats) {
  return buffers * ((floats * sizeof(float) + 4095) / 4096 * 4096 + STAGGER);
}
