// SPDX-License-Identifier: GPL-2.0
// tcpcrypt_rekey.cc - derive, commit and release key generations.
#include "tcpcrypt_rekey.h"

#include "memory.h"

namespace tcpinc::tcpcrypt {

// key_from_mk - the provider context and NR for mk; on failure nothing is
// left allocated or unwiped.
static Status key_from_mk(const CryptoOps& ops, DirectionKeys* d) {
  TrafficKey tk;
  Status st = traffic_key(ops, d->mk, d->key_const, d->aead, &tk);
  if (st != Status::kOk) return st;
  void* h = nullptr;
  int rc = ops.aead_new(ops.ctx, d->aead, tk.key, tk.key_len, &h);
  if (rc != TCPINC_CORE_CRYPTO_OK) return Status::kCryptoFailure;
  d->key.aead = h;
  copy_bytes(d->key.nr, tk.nr, kAeadNonceLen);
  d->live = true;
  return Status::kOk;  // tk wipes itself
}

Status direction_init(const CryptoOps& ops, u16 aead, const u8* mk0, u8 key_const,
                      DirectionKeys* out) {
  wipe(out, sizeof *out);
  out->aead = aead;
  out->key_const = key_const;
  copy_bytes(out->mk, mk0, kKeyLen);
  Status st = key_from_mk(ops, out);
  if (st != Status::kOk) wipe(out, sizeof *out);
  return st;
}

Status direction_next(const CryptoOps& ops, const DirectionKeys& cur, DirectionKeys* out) {
  wipe(out, sizeof *out);
  out->aead = cur.aead;
  out->key_const = cur.key_const;
  out->gen = cur.gen + 1;
  Status st = next_mk(ops, cur.mk, out->mk);
  if (st == Status::kOk) st = key_from_mk(ops, out);
  if (st != Status::kOk) wipe(out, sizeof *out);
  return st;
}

void direction_release(const CryptoOps& ops, DirectionKeys* d) {
  if (d->live) ops.aead_free(ops.ctx, d->key.aead);
  wipe(d, sizeof *d);
}

void direction_replace(const CryptoOps& ops, DirectionKeys* cur, DirectionKeys* next) {
  direction_release(ops, cur);
  copy_bytes(cur, next, sizeof *cur);
  wipe(next, sizeof *next);
}

}  // namespace tcpinc::tcpcrypt
