/*
 * The NNUE network: a shared sparse embedding (feature rows x 256 float32)
 * summed into an accumulator of 256 floats, and two heads, Judge and Guide,
 * each 256 -> 32 -> 1 with a clipped ReLU on the hidden layer:
 *
 *   z = W1 acc + b1,  h = clamp(z, 0, 1),  y = out_scale * (w2 . h + b2)
 *
 * The network is owned by C (one `nnue_net`); accumulators are plain float
 * buffers owned by the caller, so TypeScript can keep one per search state.
 * Feature indices come from pipeline/nnue/features.ts; C only checks that
 * they are in range.
 *
 * Rows are materialized lazily: the embedding is one anonymous mapping of
 * rows x 1 KiB whose pages the kernel commits on first touch, and a row's
 * first use writes its reproducible initial value (a hash of seed and row),
 * so the large index space costs memory only for rows that occur.
 *
 * Inference reads a bfloat16 copy of each row (512 bytes instead of 1 KiB:
 * delta application is bound by the bandwidth of rows coming from L2), and
 * accumulates in float32, so sums never overflow and stay exact where the
 * values are short dyadic numbers (the latency dimension). Training keeps
 * float32 master weights, runs its forward pass on the bfloat16 rows like
 * inference does, and refreshes a row's copy after each update. Dimension
 * 0 is the latency dimension: zero except for the rows given an initial
 * value by nnue_set_init (the self features of the latency table); the
 * other dimensions start uniform in [-init_range, init_range].
 *
 * Functions return 0 (or a count) on success and a negative NNUE_E* code on
 * failure; ffi/nnue.ts turns codes into messages.
 */
#ifndef NNUE_H
#define NNUE_H

#include <stddef.h>
#include <stdint.h>

enum { NNUE_DIMS = 256, NNUE_HIDDEN = 32, NNUE_HEADS = 2 };
enum { NNUE_JUDGE = 0, NNUE_GUIDE = 1 };

/*
 * One head's parameters as a flat float array, in this order:
 *   W1[NNUE_HIDDEN][NNUE_DIMS] (one row per hidden unit), b1[NNUE_HIDDEN],
 *   w2[NNUE_HIDDEN], b2, out_scale, log_unit.
 * out_scale is a fixed reparametrization (not trained): it keeps w2 and b2
 * near 1 whatever the output unit. log_unit is the Judge's log of
 * nanoseconds per output unit (trained by the log loss only).
 */
enum {
  NNUE_HEAD_W1 = 0,
  NNUE_HEAD_B1 = NNUE_HIDDEN * NNUE_DIMS,
  NNUE_HEAD_W2 = NNUE_HEAD_B1 + NNUE_HIDDEN,
  NNUE_HEAD_B2 = NNUE_HEAD_W2 + NNUE_HIDDEN,
  NNUE_HEAD_OUT_SCALE = NNUE_HEAD_B2 + 1,
  NNUE_HEAD_LOG_UNIT = NNUE_HEAD_OUT_SCALE + 1,
  NNUE_HEAD_FLOATS = NNUE_HEAD_LOG_UNIT + 1,
};

enum {
  NNUE_OK = 0,
  NNUE_EFEATURE = -1, /* a feature index out of [0, rows) */
  NNUE_EHEAD = -2,    /* head is not NNUE_JUDGE or NNUE_GUIDE */
  NNUE_EARG = -3,     /* a count, offset array or option is invalid */
  NNUE_ENOMEM = -4,
  NNUE_ESTATE = -5, /* nnue_set_init after rows were materialized */
};

/* Training options: a double array indexed by these (ffi/nnue.ts fills it). */
enum {
  NNUE_OPT_HEAD = 0,          /* NNUE_JUDGE or NNUE_GUIDE */
  NNUE_OPT_LOSS,              /* 0: log loss (Judge), 1: linear loss (Guide) */
  NNUE_OPT_TRAIN_EMBEDDING,   /* 0 or 1 */
  NNUE_OPT_TRAIN_HEAD,        /* 0 or 1 */
  NNUE_OPT_LR_EMBEDDING,
  NNUE_OPT_LR_HEAD,
  NNUE_OPT_BETA1,
  NNUE_OPT_BETA2,
  NNUE_OPT_EPSILON,
  NNUE_OPT_RANK_WEIGHT,       /* weight of the pairwise ranking term, 0 = off */
  NNUE_OPT_RANK_SCALE,        /* logits per unit of prediction difference */
  NNUE_OPT_COUNT,
};

/* Statistics written by nnue_train_step, in this order. */
enum { NNUE_STAT_LOSS = 0, NNUE_STAT_FIT, NNUE_STAT_RANK, NNUE_STAT_PAIRS, NNUE_STAT_COUNT };

typedef struct nnue_net nnue_net;

/* Lifecycle. Heads start at zero; rows start at their initial values. */
nnue_net *nnue_new(int32_t rows, uint64_t seed, float init_range);
void nnue_free(nnue_net *net);
int32_t nnue_rows(const nnue_net *net);

/* Initial value of dimension 0 for the given rows (all others: 0). Only
 * before any row is materialized (NNUE_ESTATE otherwise). */
int32_t nnue_set_init(nnue_net *net, const int32_t *rows, const float *values, int32_t n);

/* Rows. nnue_row_init writes the initial value without materializing. */
int32_t nnue_row_init(const nnue_net *net, int32_t row, float *out);
int32_t nnue_row_get(nnue_net *net, int32_t row, float *out);
int32_t nnue_row_set(nnue_net *net, int32_t row, const float *in);
/* Rows changed since initialization (trained or set), ascending; returns the
 * count and writes at most cap of them. */
int32_t nnue_changed_rows(const nnue_net *net, int32_t *out, int32_t cap);

/* Heads (NNUE_HEAD_FLOATS floats). */
int32_t nnue_head_get(const nnue_net *net, int32_t head, float *out);
int32_t nnue_head_set(nnue_net *net, int32_t head, const float *in);

/* Accumulators. Batches use CSR offsets: item i has features
 * feats[off[i] .. off[i+1]). Removed features are subtracted, added ones
 * added; a feature may repeat (a multiset). */
int32_t nnue_acc_build(nnue_net *net, const int32_t *feats, int32_t n, float *acc);
int32_t nnue_acc_build_batch(nnue_net *net, const int32_t *off, const int32_t *feats, int32_t n,
                             float *accs);
int32_t nnue_acc_apply_delta(nnue_net *net, float *acc, const int32_t *removed, int32_t nr,
                             const int32_t *added, int32_t na);
int32_t nnue_acc_apply_delta_batch(nnue_net *net, float *accs, int32_t n, const int32_t *rem_off,
                                   const int32_t *rem, const int32_t *add_off, const int32_t *add);

/* Head outputs y of n accumulators. */
int32_t nnue_eval(const nnue_net *net, int32_t head, const float *accs, int32_t n, float *out);

/* Head outputs of n candidates, candidate i being base - removed_i + added_i,
 * without writing any accumulator back. The head's first layer is linear in
 * the accumulator, so W1 (base - removed + added) is computed as W1 base
 * minus and plus the rows projected through W1 (32 floats each, cached per
 * row until the row or the head changes): a candidate costs two vector
 * additions per delta row instead of a 256-wide row and a 256x32 product.
 * Same value as nnue_acc_apply_delta + nnue_eval up to float rounding. */
int32_t nnue_score_candidates(nnue_net *net, int32_t head, const float *base, int32_t n,
                              const int32_t *rem_off, const int32_t *rem, const int32_t *add_off,
                              const int32_t *add, float *out);

/*
 * One Adam step on a mini-batch of n samples (CSR features, targets, group
 * ids). Log loss: p = log(softpos(y)) + log_unit against targets (log ns),
 * softpos(y) = y above eps = out_scale/256 and eps * exp(y/eps - 1) below,
 * so the log is defined and its gradient pushes y up. Linear loss: p = y
 * against targets, residuals divided by out_scale. The ranking term adds,
 * for every pair of samples of one group with different targets,
 * softplus(-scale * (p_hi - p_lo)) (RankNet), averaged over pairs. pred
 * receives p; stats receives NNUE_STAT_COUNT doubles. Deterministic.
 */
int32_t nnue_train_step(nnue_net *net, const double *opts, int32_t nopts, const int32_t *off,
                        const int32_t *feats, int32_t n, const float *targets,
                        const int32_t *groups, float *pred, double *stats);

/* Forgets Adam moments and step counts (e.g. between Judge and Guide runs). */
void nnue_reset_optimizer(nnue_net *net);

/* ---- internal: shared by csrc/nnue_*.c, not part of the FFI surface ---- */

struct nnue_net {
  int32_t rows;
  uint64_t seed;
  float init_range;
  float *emb;          /* rows x NNUE_DIMS float32 master weights, lazily committed */
  uint16_t *q;         /* the same rows in bfloat16, in nnue_bf16_pos order: what inference reads */
  size_t emb_bytes;
  uint8_t *state;      /* per row: 0 fresh, 1 at its initial value, 2 changed */
  int32_t n_init;      /* sorted rows with a dimension-0 initial value */
  int32_t *init_rows;
  float *init_vals;
  float head[NNUE_HEADS][NNUE_HEAD_FLOATS];
  /* W1 transposed ([NNUE_DIMS][NNUE_HIDDEN]) for the batched forward. */
  float *w1t[NNUE_HEADS];
  /* Rows projected through a head's W1 (rows x NNUE_HIDDEN, lazily
   * committed), valid while proj_stamp[h][row] == head_version[h]. */
  float *proj[NNUE_HEADS];
  uint32_t *proj_stamp[NNUE_HEADS];
  uint32_t head_version[NNUE_HEADS];
  /* Adam state, allocated by the first training step. */
  float *adam_m, *adam_v; /* like emb, lazily committed */
  float *head_m[NNUE_HEADS], *head_v[NNUE_HEADS];
  int64_t steps_emb, steps_head[NNUE_HEADS];
  /* Scratch of the training step: row -> slot of its gradient, or -1. */
  int32_t *slot;
};

enum { NNUE_FRESH = 0, NNUE_AT_INIT = 1, NNUE_CHANGED = 2 };

/* Pointer to a row's master weights, materializing it first. row must be in range. */
float *nnue_row(nnue_net *net, int32_t row);
/* Refreshes the bfloat16 copy of a row from its master weights (and
 * invalidates its projections). */
void nnue_quantize_row(nnue_net *net, int32_t row);
/* Rounds to the nearest bfloat16 (ties to even) and back. */
float nnue_bf16_round(float x);
/* Position of dimension d in a bfloat16 row: within each block of 32, dims
 * k < 16 sit at even positions 2k and dims k >= 16 at odd positions, so one
 * 32-bit shift and one mask turn 32 stored values into two float vectors of
 * 16 consecutive dimensions each, with no shuffle. */
static inline int nnue_bf16_pos(int d) {
  const int k = d & 31;
  return (d & ~31) + (k < 16 ? 2 * k : 2 * (k - 16) + 1);
}
/* Rebuilds head h's transposed W1 after its parameters changed, and
 * invalidates its projected rows. */
void nnue_sync_head(nnue_net *net, int32_t head);
/* Forward of up to 8 accumulators (the batched kernel of nnue_eval). */
void nnue_forward8(const nnue_net *net, int32_t head, const float *const *accs, int32_t m,
                   float *out);

#endif
