// SPDX-License-Identifier: GPL-2.0
// tcpcrypt_rekey.cc - derive, commit and release key generations.
#include "tcpcrypt_rekey.h"

#include "memory.h"

namespace tcpinc::tcpcrypt {

// key_from_tk - the provider context and NR of a derived traffic key.
static Status key_from_tk(const CryptoOps& ops, const TrafficKey& tk, DirectionKeys* d) {
  void* h = nullptr;
  int rc = ops.aead_new(ops.ctx, d->aead, tk.key, tk.key_len, &h);
  if (rc != TCPINC_CORE_CRYPTO_OK) return Status::kCryptoFailure;
  d->key.aead = h;
  copy_bytes(d->key.nr, tk.nr, kAeadNonceLen);
  d->live = true;
  return Status::kOk;
}

// key_from_mk - the provider context and NR for mk; on failure nothing is
// left allocated or unwiped.
static Status key_from_mk(const CryptoOps& ops, DirectionKeys* d) {
  TrafficKey tk;
  Status st = traffic_key(ops, d->mk, d->key_const, d->aead, &tk);
  return st == Status::kOk ? key_from_tk(ops, tk, d) : st;  // tk wipes itself
}

// init_from - generation 0's fields, before its key.
static void init_from(u16 aead, const u8* mk0, u8 key_const, DirectionKeys* out) {
  wipe(out, sizeof *out);
  out->aead = aead;
  out->key_const = key_const;
  copy_bytes(out->mk, mk0, kKeyLen);
}

Status directions_init(const CryptoOps& ops, u16 aead, const u8* mk0, Role original_role,
                       DirectionKeys* send, DirectionKeys* recv) {
  // The key direction follows the original roles (RFC 8548 section 3.5).
  bool a = original_role == Role::kA;
  init_from(aead, mk0, a ? kConstKeyA : kConstKeyB, send);
  init_from(aead, mk0, a ? kConstKeyB : kConstKeyA, recv);
  TrafficKey ab, ba;  // both from mk[0] at once (traffic_keys)
  Status st = traffic_keys(ops, mk0, aead, &ab, &ba);
  if (st == Status::kOk) st = key_from_tk(ops, a ? ab : ba, send);
  if (st == Status::kOk) st = key_from_tk(ops, a ? ba : ab, recv);
  if (st != Status::kOk) {
    direction_release(ops, send);
    direction_release(ops, recv);
  }
  return st;  // ab and ba wipe themselves
}

Status direction_init(const CryptoOps& ops, u16 aead, const u8* mk0, u8 key_const,
                      DirectionKeys* out) {
  init_from(aead, mk0, key_const, out);
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
