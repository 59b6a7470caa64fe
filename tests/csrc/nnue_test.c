/* C-side tests of the network (csrc/nnue_*.c), run under ASan and UBSan. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../csrc/nnue.h"
#include "check.h"

enum { ROWS = 5000 };

static uint64_t rng = 88172645463325252ULL;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 32);
}

static float max_diff(const float *a, const float *b, int n) {
  float d = 0;
  for (int i = 0; i < n; i++) d = fmaxf(d, fabsf(a[i] - b[i]));
  return d;
}

static void random_head(float *p) {
  for (int i = 0; i < NNUE_HEAD_FLOATS; i++) p[i] = ((float)(next() % 2001) - 1000.0f) * 1e-4f;
  p[NNUE_HEAD_OUT_SCALE] = 3.0f;
}

static nnue_net *make(uint64_t seed) {
  nnue_net *net = nnue_new(ROWS, seed, 0.05f);
  const int32_t rows[] = {3, 40, 41};
  const float vals[] = {0.5f, 0.25f, 1000.0f / 64};
  CHECK(nnue_set_init(net, rows, vals, 3) == NNUE_OK);
  float p[NNUE_HEAD_FLOATS];
  random_head(p);
  CHECK(nnue_head_set(net, NNUE_JUDGE, p) == NNUE_OK);
  random_head(p);
  CHECK(nnue_head_set(net, NNUE_GUIDE, p) == NNUE_OK);
  return net;
}

static void test_rows(void) {
  nnue_net *a = make(7), *b = make(7);
  float x[NNUE_DIMS], y[NNUE_DIMS];
  CHECK(nnue_row_get(a, 41, x) == NNUE_OK);
  CHECK(x[0] == 1000.0f / 64);
  CHECK(nnue_row_init(b, 41, y) == NNUE_OK && memcmp(x, y, sizeof x) == 0);
  CHECK(nnue_row_get(a, 42, x) == NNUE_OK && x[0] == 0.0f);
  for (int d = 1; d < NNUE_DIMS; d++) CHECK(fabsf(x[d]) <= 0.0502f && nnue_bf16_round(x[d]) == x[d]);
  CHECK(nnue_row_get(a, ROWS, x) == NNUE_EFEATURE);
  CHECK(nnue_row_get(a, -1, x) == NNUE_EFEATURE);
  /* Initial values come before any use, and must survive bfloat16. */
  const int32_t r = 5;
  const float v = 0.5f;
  CHECK(nnue_set_init(a, &r, &v, 1) == NNUE_ESTATE);
  nnue_net *c = nnue_new(ROWS, 7, 0.05f);
  const float inexact = 1.0f / 3.0f;
  CHECK(nnue_set_init(c, &r, &inexact, 1) == NNUE_EARG);
  const int32_t unsorted[] = {9, 8};
  const float two[] = {1, 1};
  CHECK(nnue_set_init(c, unsorted, two, 2) == NNUE_EARG);
  /* Changed rows are listed. */
  int32_t list[4];
  CHECK(nnue_changed_rows(a, list, 4) == 0);
  for (int d = 0; d < NNUE_DIMS; d++) x[d] = (float)d / 64;
  CHECK(nnue_row_set(a, 4000, x) == NNUE_OK && nnue_row_set(a, 12, x) == NNUE_OK);
  CHECK(nnue_changed_rows(a, list, 4) == 2 && list[0] == 12 && list[1] == 4000);
  x[3] = NAN;
  CHECK(nnue_row_set(a, 13, x) == NNUE_EARG);
  nnue_free(a);
  nnue_free(b);
  nnue_free(c);
  nnue_free(NULL);
  CHECK(nnue_new(0, 1, 0.1f) == NULL);
  CHECK(nnue_new(10, 1, NAN) == NULL);
}

static void test_accumulator(void) {
  nnue_net *net = make(9);
  enum { N = 21, F = 40, D = 12 };
  int32_t feats[F], rem_off[N + 1], add_off[N + 1], rem[N * D], add[N * D];
  for (int i = 0; i < F; i++) feats[i] = (int32_t)(next() % ROWS);
  float base[NNUE_DIMS];
  CHECK(nnue_acc_build(net, feats, F, base) == NNUE_OK);
  rem_off[0] = add_off[0] = 0;
  for (int c = 0; c < N; c++) {
    int nr = (int)(next() % D), na = (int)(next() % D);
    rem_off[c + 1] = rem_off[c] + nr;
    add_off[c + 1] = add_off[c] + na;
    for (int k = 0; k < nr; k++) rem[rem_off[c] + k] = feats[next() % F];
    for (int k = 0; k < na; k++) add[add_off[c] + k] = (int32_t)(next() % ROWS);
  }
  float *accs = malloc(sizeof(float) * NNUE_DIMS * N);
  float scored[N], evaluated[N], one;
  for (int c = 0; c < N; c++) memcpy(accs + c * NNUE_DIMS, base, sizeof base);
  CHECK(nnue_acc_apply_delta_batch(net, accs, N, rem_off, rem, add_off, add) == NNUE_OK);
  CHECK(nnue_score_candidates(net, NNUE_GUIDE, base, N, rem_off, rem, add_off, add, scored) == NNUE_OK);
  CHECK(nnue_eval(net, NNUE_GUIDE, accs, N, evaluated) == NNUE_OK);
  for (int c = 0; c < N; c++) {
    /* The candidate rebuilt from scratch: base features - removed + added. */
    int32_t all[F + D];
    int n = 0;
    for (int i = 0; i < F; i++) all[n++] = feats[i];
    float rebuilt[NNUE_DIMS], minus[NNUE_DIMS];
    for (int k = add_off[c]; k < add_off[c + 1]; k++) all[n++] = add[k];
    CHECK(nnue_acc_build(net, all, n, rebuilt) == NNUE_OK);
    CHECK(nnue_acc_build(net, rem + rem_off[c], rem_off[c + 1] - rem_off[c], minus) == NNUE_OK);
    for (int d = 0; d < NNUE_DIMS; d++) rebuilt[d] -= minus[d];
    CHECK(max_diff(rebuilt, accs + c * NNUE_DIMS, NNUE_DIMS) < 1e-5f);
    CHECK(fabsf(scored[c] - evaluated[c]) <= 1e-4f * fmaxf(1.0f, fabsf(evaluated[c])));
    CHECK(nnue_eval(net, NNUE_GUIDE, accs + c * NNUE_DIMS, 1, &one) == NNUE_OK && one == evaluated[c]);
  }
  /* In place, one at a time. */
  float acc[NNUE_DIMS];
  memcpy(acc, base, sizeof acc);
  CHECK(nnue_acc_apply_delta(net, acc, rem, rem_off[1], add, add_off[1]) == NNUE_OK);
  CHECK(memcmp(acc, accs, sizeof acc) == 0);
  /* A changed head or row invalidates the cached projections. */
  float p[NNUE_HEAD_FLOATS];
  random_head(p);
  CHECK(nnue_head_set(net, NNUE_GUIDE, p) == NNUE_OK);
  float row[NNUE_DIMS];
  for (int d = 0; d < NNUE_DIMS; d++) row[d] = 0.01f * (float)(d % 5);
  CHECK(nnue_row_set(net, add[0], row) == NNUE_OK);
  float base2[NNUE_DIMS];
  CHECK(nnue_acc_build(net, feats, F, base2) == NNUE_OK);
  for (int c = 0; c < N; c++) memcpy(accs + c * NNUE_DIMS, base2, sizeof base2);
  CHECK(nnue_acc_apply_delta_batch(net, accs, N, rem_off, rem, add_off, add) == NNUE_OK);
  CHECK(nnue_score_candidates(net, NNUE_GUIDE, base2, N, rem_off, rem, add_off, add, scored) == NNUE_OK);
  CHECK(nnue_eval(net, NNUE_GUIDE, accs, N, evaluated) == NNUE_OK);
  for (int c = 0; c < N; c++) CHECK(fabsf(scored[c] - evaluated[c]) <= 1e-4f * fmaxf(1.0f, fabsf(evaluated[c])));
  /* Refusals. */
  int32_t bad = ROWS;
  CHECK(nnue_acc_build(net, &bad, 1, acc) == NNUE_EFEATURE);
  CHECK(nnue_acc_apply_delta(net, acc, &bad, 1, NULL, 0) == NNUE_EFEATURE);
  CHECK(nnue_eval(net, 2, accs, 1, &one) == NNUE_EHEAD);
  int32_t bad_off[] = {0, 3, 2};
  CHECK(nnue_acc_build_batch(net, bad_off, feats, 2, accs) == NNUE_EARG);
  CHECK(nnue_score_candidates(net, 0, base, 2, bad_off, rem, add_off, add, scored) == NNUE_EARG);
  free(accs);
  nnue_free(net);
}

/* A tiny regression problem: the target depends on which features occur. */
static double train_run(uint64_t seed, float *head_out, float *row_out, double *first) {
  nnue_net *net = make(seed);
  enum { N = 64, F = 6 };
  int32_t off[N + 1], feats[N * F], groups[N];
  float targets[N], pred[N];
  off[0] = 0;
  for (int i = 0; i < N; i++) {
    off[i + 1] = off[i] + F;
    float t = 0;
    for (int k = 0; k < F; k++) {
      feats[i * F + k] = (int32_t)(next() % 50);
      t += (float)(feats[i * F + k] % 7) * 0.1f;
    }
    targets[i] = t;
    groups[i] = i / 8;
  }
  double opts[NNUE_OPT_COUNT] = {0};
  opts[NNUE_OPT_HEAD] = NNUE_GUIDE;
  opts[NNUE_OPT_LOSS] = 1;
  opts[NNUE_OPT_TRAIN_EMBEDDING] = 1;
  opts[NNUE_OPT_TRAIN_HEAD] = 1;
  opts[NNUE_OPT_LR_EMBEDDING] = 3e-3;
  opts[NNUE_OPT_LR_HEAD] = 3e-3;
  opts[NNUE_OPT_BETA1] = 0.9;
  opts[NNUE_OPT_BETA2] = 0.999;
  opts[NNUE_OPT_EPSILON] = 1e-8;
  opts[NNUE_OPT_RANK_WEIGHT] = 0.1;
  opts[NNUE_OPT_RANK_SCALE] = 5;
  double stats[NNUE_STAT_COUNT];
  double last = 0;
  for (int step = 0; step < 300; step++) {
    CHECK(nnue_train_step(net, opts, NNUE_OPT_COUNT, off, feats, N, targets, groups, pred, stats) ==
          NNUE_OK);
    if (step == 0) *first = stats[NNUE_STAT_FIT];
    last = stats[NNUE_STAT_FIT];
    CHECK(stats[NNUE_STAT_PAIRS] > 0 && stats[NNUE_STAT_PAIRS] <= 8 * 28);
  }
  CHECK(nnue_head_get(net, NNUE_GUIDE, head_out) == NNUE_OK);
  CHECK(nnue_row_get(net, feats[0], row_out) == NNUE_OK);
  /* Options are validated. */
  opts[NNUE_OPT_BETA1] = 1.0;
  CHECK(nnue_train_step(net, opts, NNUE_OPT_COUNT, off, feats, N, targets, groups, pred, stats) == NNUE_EARG);
  opts[NNUE_OPT_BETA1] = 0.9;
  CHECK(nnue_train_step(net, opts, NNUE_OPT_COUNT - 1, off, feats, N, targets, groups, pred, stats) ==
        NNUE_EARG);
  opts[NNUE_OPT_HEAD] = 5;
  CHECK(nnue_train_step(net, opts, NNUE_OPT_COUNT, off, feats, N, targets, groups, pred, stats) ==
        NNUE_EHEAD);
  nnue_reset_optimizer(net);
  nnue_free(net);
  return last;
}

static void test_training(void) {
  float h1[NNUE_HEAD_FLOATS], h2[NNUE_HEAD_FLOATS], r1[NNUE_DIMS], r2[NNUE_DIMS];
  double first1, first2;
  uint64_t saved = rng;
  double last1 = train_run(3, h1, r1, &first1);
  rng = saved;
  double last2 = train_run(3, h2, r2, &first2);
  CHECK(last1 < 0.2 * first1);
  CHECK(last1 == last2 && memcmp(h1, h2, sizeof h1) == 0 && memcmp(r1, r2, sizeof r1) == 0);
}

int main(void) {
  CHECK(nnue_bf16_round(1.0f) == 1.0f && nnue_bf16_round(1000.0f / 64) == 1000.0f / 64);
  CHECK(nnue_bf16_round(1.0f + 0x1p-9f) == 1.0f); /* ties to even */
  CHECK(nnue_bf16_round(1.0f + 0x1p-8f + 0x1p-9f) == 1.0f + 0x1p-7f);
  for (int d = 0; d < NNUE_DIMS; d++) {
    int seen = 0;
    for (int e = 0; e < NNUE_DIMS; e++) seen += nnue_bf16_pos(e) == d;
    CHECK(seen == 1);
  }
  test_rows();
  test_accumulator();
  test_training();
  if (failures == 0) printf("nnue_test: ok\n");
  return failures == 0 ? 0 : 1;
}
