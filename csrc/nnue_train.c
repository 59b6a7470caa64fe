/*
 * Mini-batch training of the network: forward in float32 exactly as the
 * inference path computes it (up to summation order), a fit loss plus an
 * optional pairwise ranking term, backward through one head, and Adam.
 *
 * The embedding gradient is sparse: a row gets a gradient slot the first
 * time a sample of the batch uses it, and only those rows are updated
 * (lazy Adam: the moments of untouched rows stay as they are, bias
 * correction uses the global step, as in TensorFlow's LazyAdam). Slots are
 * assigned in order of first use and every sum runs in a fixed order, so a
 * step is deterministic.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "nnue.h"

typedef struct {
  int head, loss, train_emb, train_head;
  double lr_emb, lr_head, beta1, beta2, eps, rank_weight, rank_scale;
} options;

static int read_options(const double *o, int32_t n, options *out) {
  if (n < NNUE_OPT_COUNT) return NNUE_EARG;
  for (int i = 0; i < NNUE_OPT_COUNT; i++) {
    if (!isfinite(o[i])) return NNUE_EARG;
  }
  out->head = (int)o[NNUE_OPT_HEAD];
  out->loss = (int)o[NNUE_OPT_LOSS];
  out->train_emb = o[NNUE_OPT_TRAIN_EMBEDDING] != 0.0;
  out->train_head = o[NNUE_OPT_TRAIN_HEAD] != 0.0;
  out->lr_emb = o[NNUE_OPT_LR_EMBEDDING];
  out->lr_head = o[NNUE_OPT_LR_HEAD];
  out->beta1 = o[NNUE_OPT_BETA1];
  out->beta2 = o[NNUE_OPT_BETA2];
  out->eps = o[NNUE_OPT_EPSILON];
  out->rank_weight = o[NNUE_OPT_RANK_WEIGHT];
  out->rank_scale = o[NNUE_OPT_RANK_SCALE];
  if (out->head != NNUE_JUDGE && out->head != NNUE_GUIDE) return NNUE_EHEAD;
  if (out->loss != 0 && out->loss != 1) return NNUE_EARG;
  if (out->lr_emb < 0 || out->lr_head < 0 || out->eps <= 0) return NNUE_EARG;
  if (out->beta1 < 0 || out->beta1 >= 1 || out->beta2 < 0 || out->beta2 >= 1) return NNUE_EARG;
  if (out->rank_weight < 0 || (out->rank_weight > 0 && out->rank_scale <= 0)) return NNUE_EARG;
  return NNUE_OK;
}

static double softplus(double x) { return x > 30 ? x : log1p(exp(x)); }
static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* Growable per-step scratch for the sparse embedding gradient. */
typedef struct {
  int32_t *rows;
  float *grad;
  int32_t count, cap;
} sparse_grad;

static float *grad_row(nnue_net *net, sparse_grad *g, int32_t row) {
  int32_t s = net->slot[row];
  if (s >= 0) return g->grad + (size_t)s * NNUE_DIMS;
  if (g->count == g->cap) {
    int32_t cap = g->cap > 0 ? 2 * g->cap : 256;
    int32_t *r = realloc(g->rows, sizeof(int32_t) * (size_t)cap);
    if (r == NULL) return NULL;
    g->rows = r;
    float *gr = realloc(g->grad, sizeof(float) * NNUE_DIMS * (size_t)cap);
    if (gr == NULL) return NULL;
    g->grad = gr;
    g->cap = cap;
  }
  s = g->count++;
  g->rows[s] = row;
  net->slot[row] = s;
  float *p = g->grad + (size_t)s * NNUE_DIMS;
  memset(p, 0, NNUE_DIMS * sizeof(float));
  return p;
}

static void adam(float *w, float *m, float *v, const float *g, int32_t n, double lr, double b1,
                 double b2, double eps, int64_t t) {
  const double c1 = 1.0 - pow(b1, (double)t), c2 = 1.0 - pow(b2, (double)t);
  const float fb1 = (float)b1, fb2 = (float)b2;
  const float step = (float)(lr / c1), inv_c2 = (float)(1.0 / c2), feps = (float)eps;
  for (int32_t i = 0; i < n; i++) {
    m[i] = fb1 * m[i] + (1.0f - fb1) * g[i];
    v[i] = fb2 * v[i] + (1.0f - fb2) * g[i] * g[i];
    w[i] -= step * m[i] / (sqrtf(v[i] * inv_c2) + feps);
  }
}

static int ensure_optimizer(nnue_net *net, int head) {
  if (net->slot == NULL) {
    net->slot = malloc(sizeof(int32_t) * (size_t)net->rows);
    if (net->slot == NULL) return NNUE_ENOMEM;
    memset(net->slot, 0xff, sizeof(int32_t) * (size_t)net->rows); /* all -1 */
  }
  if (net->adam_m == NULL) {
    void *m = mmap(NULL, net->emb_bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    void *v = mmap(NULL, net->emb_bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED || v == MAP_FAILED) {
      if (m != MAP_FAILED) munmap(m, net->emb_bytes);
      if (v != MAP_FAILED) munmap(v, net->emb_bytes);
      return NNUE_ENOMEM;
    }
    net->adam_m = m;
    net->adam_v = v;
  }
  if (net->head_m[head] == NULL) {
    net->head_m[head] = calloc(NNUE_HEAD_FLOATS, sizeof(float));
    net->head_v[head] = calloc(NNUE_HEAD_FLOATS, sizeof(float));
    if (net->head_m[head] == NULL || net->head_v[head] == NULL) return NNUE_ENOMEM;
  }
  return NNUE_OK;
}

int32_t nnue_train_step(nnue_net *net, const double *opts, int32_t nopts, const int32_t *off,
                        const int32_t *feats, int32_t n, const float *targets,
                        const int32_t *groups, float *pred, double *stats) {
  options o;
  int32_t rc = read_options(opts, nopts, &o);
  if (rc != NNUE_OK) return rc;
  if (n <= 0 || off[0] != 0) return NNUE_EARG;
  for (int32_t i = 0; i < n; i++) {
    if (off[i + 1] < off[i] || !isfinite(targets[i])) return NNUE_EARG;
  }
  for (int32_t k = 0; k < off[n]; k++) {
    if ((uint32_t)feats[k] >= (uint32_t)net->rows) return NNUE_EFEATURE;
  }
  rc = ensure_optimizer(net, o.head);
  if (rc != NNUE_OK) return rc;

  float *P = net->head[o.head];
  const float out_scale = P[NNUE_HEAD_OUT_SCALE];
  const double soft_eps = out_scale / 256.0;
  float *acc = malloc(sizeof(float) * NNUE_DIMS * (size_t)n);
  float *z = malloc(sizeof(float) * NNUE_HIDDEN * (size_t)n);
  double *dpdy = malloc(sizeof(double) * (size_t)n);
  double *gp = calloc((size_t)n, sizeof(double));
  float *g = calloc(NNUE_HEAD_FLOATS, sizeof(float));
  sparse_grad sg = {0};
  if (acc == NULL || z == NULL || dpdy == NULL || gp == NULL || g == NULL) {
    rc = NNUE_ENOMEM;
    goto done;
  }

  /* Forward. */
  double fit = 0;
  for (int32_t i = 0; i < n; i++) {
    float *a = acc + (size_t)i * NNUE_DIMS;
    nnue_acc_build(net, feats + off[i], off[i + 1] - off[i], a);
    float s = P[NNUE_HEAD_B2];
    for (int j = 0; j < NNUE_HIDDEN; j++) {
      const float *w = P + NNUE_HEAD_W1 + j * NNUE_DIMS;
      float zj = P[NNUE_HEAD_B1 + j];
      for (int d = 0; d < NNUE_DIMS; d++) zj += w[d] * a[d];
      z[(size_t)i * NNUE_HIDDEN + j] = zj;
      s += P[NNUE_HEAD_W2 + j] * (zj < 0.0f ? 0.0f : (zj > 1.0f ? 1.0f : zj));
    }
    const double y = (double)out_scale * s;
    double p, r;
    if (o.loss == 0) {
      if (y >= soft_eps) {
        p = log(y);
        dpdy[i] = 1.0 / y;
      } else {
        p = log(soft_eps) + y / soft_eps - 1.0;
        dpdy[i] = 1.0 / soft_eps;
      }
      p += P[NNUE_HEAD_LOG_UNIT];
      r = p - targets[i];
      gp[i] = 2.0 * r / n;
    } else {
      p = y;
      dpdy[i] = 1.0;
      r = (p - targets[i]) / out_scale;
      gp[i] = 2.0 * r / out_scale / n;
    }
    fit += r * r / n;
    pred[i] = (float)p;
  }

  /* Pairwise ranking among samples of one group with different targets. */
  double rank = 0;
  int64_t pairs = 0;
  if (o.rank_weight > 0 && groups != NULL) {
    const double unit = o.loss == 0 ? 1.0 : out_scale;
    for (int32_t i = 0; i < n; i++) {
      for (int32_t j = i + 1; j < n; j++) {
        if (groups[i] == groups[j] && targets[i] != targets[j]) pairs++;
      }
    }
    for (int32_t i = 0; i < n && pairs > 0; i++) {
      for (int32_t j = i + 1; j < n; j++) {
        if (groups[i] != groups[j] || targets[i] == targets[j]) continue;
        const int32_t hi = targets[i] > targets[j] ? i : j, lo = hi == i ? j : i;
        const double d = ((double)pred[hi] - pred[lo]) / unit;
        rank += softplus(-o.rank_scale * d) / pairs;
        const double gd = -o.rank_scale * sigmoid(-o.rank_scale * d) * o.rank_weight / pairs / unit;
        gp[hi] += gd;
        gp[lo] -= gd;
      }
    }
  }

  /* Backward. */
  float gz[NNUE_HIDDEN], ga[NNUE_DIMS];
  for (int32_t i = 0; i < n; i++) {
    const float *a = acc + (size_t)i * NNUE_DIMS;
    const float *zi = z + (size_t)i * NNUE_HIDDEN;
    const double gy = gp[i] * dpdy[i];
    const float gs = (float)(gy * out_scale);
    if (o.loss == 0) g[NNUE_HEAD_LOG_UNIT] += (float)gp[i];
    g[NNUE_HEAD_B2] += gs;
    for (int j = 0; j < NNUE_HIDDEN; j++) {
      const float zj = zi[j];
      g[NNUE_HEAD_W2 + j] += gs * (zj < 0.0f ? 0.0f : (zj > 1.0f ? 1.0f : zj));
      gz[j] = zj > 0.0f && zj < 1.0f ? gs * P[NNUE_HEAD_W2 + j] : 0.0f;
      g[NNUE_HEAD_B1 + j] += gz[j];
      float *gw = g + NNUE_HEAD_W1 + j * NNUE_DIMS;
      for (int d = 0; d < NNUE_DIMS; d++) gw[d] += gz[j] * a[d];
    }
    if (!o.train_emb) continue;
    memset(ga, 0, sizeof ga);
    for (int j = 0; j < NNUE_HIDDEN; j++) {
      if (gz[j] == 0.0f) continue;
      const float *w = P + NNUE_HEAD_W1 + j * NNUE_DIMS;
      for (int d = 0; d < NNUE_DIMS; d++) ga[d] += gz[j] * w[d];
    }
    for (int32_t k = off[i]; k < off[i + 1]; k++) {
      float *gr = grad_row(net, &sg, feats[k]);
      if (gr == NULL) {
        rc = NNUE_ENOMEM;
        goto done;
      }
      for (int d = 0; d < NNUE_DIMS; d++) gr[d] += ga[d];
    }
  }

  /* Adam. */
  if (o.train_head) {
    const int64_t t = ++net->steps_head[o.head];
    /* out_scale is a fixed reparametrization; log_unit belongs to the log loss. */
    g[NNUE_HEAD_OUT_SCALE] = 0.0f;
    if (o.loss != 0) g[NNUE_HEAD_LOG_UNIT] = 0.0f;
    float keep_scale = P[NNUE_HEAD_OUT_SCALE], keep_unit = P[NNUE_HEAD_LOG_UNIT];
    adam(P, net->head_m[o.head], net->head_v[o.head], g, NNUE_HEAD_FLOATS, o.lr_head, o.beta1,
         o.beta2, o.eps, t);
    P[NNUE_HEAD_OUT_SCALE] = keep_scale;
    if (o.loss != 0) P[NNUE_HEAD_LOG_UNIT] = keep_unit;
    nnue_sync_head(net, o.head);
  }
  if (o.train_emb && sg.count > 0) {
    const int64_t t = ++net->steps_emb;
    for (int32_t s = 0; s < sg.count; s++) {
      const int32_t row = sg.rows[s];
      const size_t at = (size_t)row * NNUE_DIMS;
      adam(nnue_row(net, row), net->adam_m + at, net->adam_v + at, sg.grad + (size_t)s * NNUE_DIMS,
           NNUE_DIMS, o.lr_emb, o.beta1, o.beta2, o.eps, t);
      nnue_quantize_row(net, row);
      net->state[row] = NNUE_CHANGED;
    }
  }
  stats[NNUE_STAT_LOSS] = fit + o.rank_weight * rank;
  stats[NNUE_STAT_FIT] = fit;
  stats[NNUE_STAT_RANK] = rank;
  stats[NNUE_STAT_PAIRS] = (double)pairs;
  rc = NNUE_OK;

done:
  for (int32_t s = 0; s < sg.count; s++) net->slot[sg.rows[s]] = -1;
  free(sg.rows);
  free(sg.grad);
  free(acc);
  free(z);
  free(dpdy);
  free(gp);
  free(g);
  return rc;
}
