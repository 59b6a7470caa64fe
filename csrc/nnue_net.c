/*
 * The network's storage: lazily materialized embedding rows with a
 * reproducible initialization, the two heads, and their accessors.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "nnue.h"

/* SplitMix64: the per-row generator of initial values. */
static uint64_t splitmix64(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* Anonymous zero mapping: pages are committed only when written. */
static void *lazy_zeroed(size_t bytes) {
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

float nnue_bf16_round(float x) {
  uint32_t u;
  memcpy(&u, &x, sizeof u);
  if ((u & 0x7fffffffu) > 0x7f800000u) return x; /* NaN stays NaN */
  u += 0x7fffu + ((u >> 16) & 1u);
  u &= 0xffff0000u;
  memcpy(&x, &u, sizeof x);
  return x;
}

void nnue_quantize_row(nnue_net *net, int32_t row) {
  const float *w = net->emb + (size_t)row * NNUE_DIMS;
  uint16_t *q = net->q + (size_t)row * NNUE_DIMS;
  for (int d = 0; d < NNUE_DIMS; d++) {
    uint32_t u;
    float r = nnue_bf16_round(w[d]);
    memcpy(&u, &r, sizeof u);
    q[nnue_bf16_pos(d)] = (uint16_t)(u >> 16);
  }
  for (int h = 0; h < NNUE_HEADS; h++) net->proj_stamp[h][row] = 0;
}

nnue_net *nnue_new(int32_t rows, uint64_t seed, float init_range) {
  if (rows <= 0 || !(init_range >= 0.0f) || !isfinite(init_range)) return NULL;
  nnue_net *net = calloc(1, sizeof *net);
  if (net == NULL) return NULL;
  net->rows = rows;
  net->seed = seed;
  net->init_range = init_range;
  net->emb_bytes = (size_t)rows * NNUE_DIMS * sizeof(float);
  net->emb = lazy_zeroed(net->emb_bytes);
  net->q = lazy_zeroed(net->emb_bytes / 2);
  net->state = calloc((size_t)rows, 1);
  for (int h = 0; h < NNUE_HEADS; h++) {
    net->w1t[h] = aligned_alloc(64, NNUE_DIMS * NNUE_HIDDEN * sizeof(float));
    if (net->w1t[h] != NULL) memset(net->w1t[h], 0, NNUE_DIMS * NNUE_HIDDEN * sizeof(float));
    net->head[h][NNUE_HEAD_OUT_SCALE] = 1.0f;
    net->proj[h] = lazy_zeroed((size_t)rows * NNUE_HIDDEN * sizeof(float));
    net->proj_stamp[h] = calloc((size_t)rows, sizeof(uint32_t));
    net->head_version[h] = 1; /* stamp 0 means never projected */
    if (net->proj[h] == NULL || net->proj_stamp[h] == NULL) {
      nnue_free(net);
      return NULL;
    }
  }
  if (net->emb == NULL || net->q == NULL || net->state == NULL || net->w1t[0] == NULL || net->w1t[1] == NULL) {
    nnue_free(net);
    return NULL;
  }
  return net;
}

void nnue_free(nnue_net *net) {
  if (net == NULL) return;
  if (net->emb != NULL) munmap(net->emb, net->emb_bytes);
  if (net->q != NULL) munmap(net->q, net->emb_bytes / 2);
  if (net->adam_m != NULL) munmap(net->adam_m, net->emb_bytes);
  if (net->adam_v != NULL) munmap(net->adam_v, net->emb_bytes);
  for (int h = 0; h < NNUE_HEADS; h++) {
    free(net->w1t[h]);
    if (net->proj[h] != NULL) munmap(net->proj[h], (size_t)net->rows * NNUE_HIDDEN * sizeof(float));
    free(net->proj_stamp[h]);
    free(net->head_m[h]);
    free(net->head_v[h]);
  }
  free(net->state);
  free(net->init_rows);
  free(net->init_vals);
  free(net->slot);
  free(net);
}

int32_t nnue_rows(const nnue_net *net) { return net->rows; }

int32_t nnue_set_init(nnue_net *net, const int32_t *rows, const float *values, int32_t n) {
  if (n < 0) return NNUE_EARG;
  for (int32_t r = 0; r < net->rows; r++) {
    if (net->state[r] != NNUE_FRESH) return NNUE_ESTATE;
  }
  for (int32_t i = 0; i < n; i++) {
    if (rows[i] < 0 || rows[i] >= net->rows) return NNUE_EFEATURE;
    /* Inference reads bfloat16: a value it cannot hold exactly would make
     * the latency table inexact, so it is refused. */
    if (!isfinite(values[i]) || nnue_bf16_round(values[i]) != values[i]) return NNUE_EARG;
    if (i > 0 && rows[i] <= rows[i - 1]) return NNUE_EARG; /* sorted, unique */
  }
  int32_t *r = malloc(sizeof(int32_t) * (size_t)(n > 0 ? n : 1));
  float *v = malloc(sizeof(float) * (size_t)(n > 0 ? n : 1));
  if (r == NULL || v == NULL) {
    free(r);
    free(v);
    return NNUE_ENOMEM;
  }
  memcpy(r, rows, sizeof(int32_t) * (size_t)n);
  memcpy(v, values, sizeof(float) * (size_t)n);
  free(net->init_rows);
  free(net->init_vals);
  net->init_rows = r;
  net->init_vals = v;
  net->n_init = n;
  return NNUE_OK;
}

static float dim0_init(const nnue_net *net, int32_t row) {
  int32_t lo = 0, hi = net->n_init;
  while (lo < hi) {
    int32_t mid = lo + (hi - lo) / 2;
    if (net->init_rows[mid] < row) lo = mid + 1;
    else hi = mid;
  }
  return lo < net->n_init && net->init_rows[lo] == row ? net->init_vals[lo] : 0.0f;
}

int32_t nnue_row_init(const nnue_net *net, int32_t row, float *out) {
  if (row < 0 || row >= net->rows) return NNUE_EFEATURE;
  /* The stream of a row depends only on (seed, row): any order of
   * materialization gives the same network. */
  uint64_t s = net->seed ^ ((uint64_t)(uint32_t)row * 0xd1b54a32d192ed03ULL);
  splitmix64(&s);
  out[0] = dim0_init(net, row);
  for (int d = 1; d < NNUE_DIMS; d++) {
    /* 24 random bits -> uniform in [-1, 1) on a 2^-23 grid, scaled, and
     * rounded to bfloat16 so that master and copy start equal. */
    double u = (double)(splitmix64(&s) >> 40) * (1.0 / 8388608.0) - 1.0;
    out[d] = nnue_bf16_round((float)(u * net->init_range));
  }
  return NNUE_OK;
}

float *nnue_row(nnue_net *net, int32_t row) {
  float *p = net->emb + (size_t)row * NNUE_DIMS;
  if (net->state[row] == NNUE_FRESH) {
    nnue_row_init(net, row, p);
    nnue_quantize_row(net, row);
    net->state[row] = NNUE_AT_INIT;
  }
  return p;
}

int32_t nnue_row_get(nnue_net *net, int32_t row, float *out) {
  if (row < 0 || row >= net->rows) return NNUE_EFEATURE;
  memcpy(out, nnue_row(net, row), NNUE_DIMS * sizeof(float));
  return NNUE_OK;
}

int32_t nnue_row_set(nnue_net *net, int32_t row, const float *in) {
  if (row < 0 || row >= net->rows) return NNUE_EFEATURE;
  for (int d = 0; d < NNUE_DIMS; d++) {
    if (!isfinite(in[d])) return NNUE_EARG;
  }
  memcpy(net->emb + (size_t)row * NNUE_DIMS, in, NNUE_DIMS * sizeof(float));
  nnue_quantize_row(net, row);
  net->state[row] = NNUE_CHANGED;
  return NNUE_OK;
}

int32_t nnue_changed_rows(const nnue_net *net, int32_t *out, int32_t cap) {
  int32_t count = 0;
  for (int32_t r = 0; r < net->rows; r++) {
    if (net->state[r] != NNUE_CHANGED) continue;
    if (count < cap) out[count] = r;
    count++;
  }
  return count;
}

int32_t nnue_head_get(const nnue_net *net, int32_t head, float *out) {
  if (head < 0 || head >= NNUE_HEADS) return NNUE_EHEAD;
  memcpy(out, net->head[head], sizeof net->head[head]);
  return NNUE_OK;
}

int32_t nnue_head_set(nnue_net *net, int32_t head, const float *in) {
  if (head < 0 || head >= NNUE_HEADS) return NNUE_EHEAD;
  for (int i = 0; i < NNUE_HEAD_FLOATS; i++) {
    if (!isfinite(in[i])) return NNUE_EARG;
  }
  if (!(in[NNUE_HEAD_OUT_SCALE] > 0.0f)) return NNUE_EARG;
  memcpy(net->head[head], in, sizeof net->head[head]);
  nnue_sync_head(net, head);
  return NNUE_OK;
}

void nnue_sync_head(nnue_net *net, int32_t head) {
  const float *w1 = net->head[head] + NNUE_HEAD_W1;
  float *t = net->w1t[head];
  for (int j = 0; j < NNUE_HIDDEN; j++) {
    for (int i = 0; i < NNUE_DIMS; i++) t[i * NNUE_HIDDEN + j] = w1[j * NNUE_DIMS + i];
  }
  if (++net->head_version[head] == 0) { /* wrapped: forget every stamp */
    memset(net->proj_stamp[head], 0, sizeof(uint32_t) * (size_t)net->rows);
    net->head_version[head] = 1;
  }
}

void nnue_reset_optimizer(nnue_net *net) {
  if (net->adam_m != NULL) {
    munmap(net->adam_m, net->emb_bytes);
    munmap(net->adam_v, net->emb_bytes);
    net->adam_m = net->adam_v = NULL;
  }
  for (int h = 0; h < NNUE_HEADS; h++) {
    free(net->head_m[h]);
    free(net->head_v[h]);
    net->head_m[h] = net->head_v[h] = NULL;
    net->steps_head[h] = 0;
  }
  net->steps_emb = 0;
}
