/* Names of the node kinds, checked against the TypeScript op table. */
#include "kopt.h"

static const char *const NAMES[KOPT_KIND_COUNT] = {
  "const",
  "var",
#define KOPT_NAME(id, name) name,
  KOPT_OPS(KOPT_NAME)
#undef KOPT_NAME
};

int32_t kopt_kind_count(void) { return KOPT_KIND_COUNT; }

const char *kopt_kind_name(int32_t kind) {
  if (kind < 0 || kind >= KOPT_KIND_COUNT) return 0;
  return NAMES[kind];
}
