/* Little-endian scalar access to guest linear memory; callers bounds-check first. */
#include <string.h>

#include "wasi.h"

void wmem_put16(wasi_ctx *c, uint32_t p, uint16_t v) { memcpy(wmem(c, p), &v, 2); }
void wmem_put32(wasi_ctx *c, uint32_t p, uint32_t v) { memcpy(wmem(c, p), &v, 4); }
void wmem_put64(wasi_ctx *c, uint32_t p, uint64_t v) { memcpy(wmem(c, p), &v, 8); }

uint16_t wmem_get16(const wasi_ctx *c, uint32_t p) {
  uint16_t v;
  memcpy(&v, wmem(c, p), 2);
  return v;
}
uint32_t wmem_get32(const wasi_ctx *c, uint32_t p) {
  uint32_t v;
  memcpy(&v, wmem(c, p), 4);
  return v;
}
uint64_t wmem_get64(const wasi_ctx *c, uint32_t p) {
  uint64_t v;
  memcpy(&v, wmem(c, p), 8);
  return v;
}
