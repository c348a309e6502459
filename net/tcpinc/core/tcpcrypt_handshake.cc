// SPDX-License-Identifier: GPL-2.0
// tcpcrypt_handshake.cc - Init1/Init2 exchange and PRK computation.
#include "tcpcrypt_handshake.h"

#include "bytes.h"
#include "memory.h"

namespace tcpinc::tcpcrypt {

Status handshake_begin(const CryptoOps& ops, const HandshakeConfig& cfg, Handshake* hs) {
  wipe(hs, sizeof *hs);
  if (pub_key_len(cfg.kex) == 0 || cfg.naeads == 0 || cfg.naeads > kMaxAeads ||
      cfg.transcript_len > kMaxTranscriptLen || (cfg.transcript_len && !cfg.transcript) ||
      !cfg.aeads || (cfg.ephemeral_priv == nullptr) != (cfg.ephemeral_pub == nullptr))
    return Status::kBadArgument;
  for (usize i = 0; i < cfg.naeads; i++)
    if (!aead_params(cfg.aeads[i])) return Status::kBadArgument;
  hs->role = cfg.role;
  hs->kex = cfg.kex;
  copy_bytes(hs->transcript, cfg.transcript, cfg.transcript_len);
  hs->transcript_len = cfg.transcript_len;
  copy_bytes(hs->aeads, cfg.aeads, cfg.naeads * sizeof(u16));
  hs->naeads = cfg.naeads;

  Status st = Status::kOk;
  if (cfg.ephemeral_priv) {
    copy_bytes(hs->priv, cfg.ephemeral_priv, kex_priv_len(cfg.kex));
    copy_bytes(hs->pub, cfg.ephemeral_pub, pub_key_len(cfg.kex));
  } else {
    st = map_crypto(ops.kex_keygen(ops.ctx, cfg.kex, hs->priv, hs->pub));
  }
  if (st == Status::kOk) {
    if (cfg.nonce)
      copy_bytes(hs->nonce, cfg.nonce, kNonceLen);
    else
      st = map_crypto(ops.random_bytes(ops.ctx, hs->nonce, kNonceLen));
  }
  if (st == Status::kOk && cfg.role == Role::kA) {
    Writer w(hs->own_init, sizeof hs->own_init);
    st = build_init1(hs->kex, hs->aeads, hs->naeads, hs->nonce, hs->pub, &w);
    hs->own_init_len = w.len();
  }
  if (st != Status::kOk) {
    handshake_wipe(hs);
    // A provider failing keygen or RNG is internal, never "bad key".
    return st == Status::kInvalidPublicKey ? Status::kCryptoFailure : st;
  }
  return Status::kOk;
}

// derive_ss0 - ES with the peer's key, then PRK over transcript | Init1 |
// Init2 | ES. The ES buffer is wiped on every path.
static Status derive_ss0(const CryptoOps& ops, const Handshake& hs, const u8* peer_pub,
                         usize peer_pub_len, const u8* init1, usize init1_len, const u8* init2,
                         usize init2_len, const u8* n_a, u8* out_ss0) {
  int rc = ops.kex_validate(ops.ctx, hs.kex, peer_pub, peer_pub_len);
  if (rc != TCPINC_CORE_CRYPTO_OK)
    return rc == TCPINC_CORE_CRYPTO_EBADKEY ? Status::kInvalidPublicKey : Status::kCryptoFailure;
  // ES is the group's own length: 32 bytes, or 56 for X448.
  u8 es[kKexSharedLen];
  const usize es_len = kex_shared_len(hs.kex);
  Status st = map_crypto(ops.kex_shared(ops.ctx, hs.kex, hs.priv, peer_pub, peer_pub_len, es));
  if (st == Status::kOk && (hs.kex == TCPINC_CORE_KEX_X25519 || hs.kex == TCPINC_CORE_KEX_X448)) {
    // RFC 7748 sections 6.1/6.2, RFC 8548 section 5: abort on an all-zero
    // secret (small-order peer key). Constant time like any secret compare.
    const u8 zero[kKexSharedLen] = {};
    if (equal_secret(es, zero, es_len)) st = Status::kZeroSecret;
  }
  if (st == Status::kOk) {
    const Seg ikm[4] = {{hs.transcript, hs.transcript_len},
                        {init1, init1_len},
                        {init2, init2_len},
                        {es, es_len}};
    st = hkdf_extract(ops, n_a, kNonceLen, ikm, 4, out_ss0);
  }
  wipe(es, sizeof es);
  return st;
}

Status handshake_on_init1(const CryptoOps& ops, Handshake* hs, const u8* init1, usize len,
                          u8* out_ss0, u16* out_aead) {
  if (hs->role != Role::kB) return Status::kBadArgument;
  Init1View v{};
  Status st = parse_init1(hs->kex, init1, len, &v);
  if (st != Status::kOk) return st;
  // B's list is in its order of preference, best first.
  u16 chosen = 0;
  for (usize i = 0; i < hs->naeads && chosen == 0; i++)
    if (init1_offers(v, hs->aeads[i])) chosen = hs->aeads[i];
  if (chosen == 0) return Status::kNoCommonAead;
  Writer w(hs->own_init, sizeof hs->own_init);
  st = build_init2(hs->kex, chosen, hs->nonce, hs->pub, &w);
  if (st != Status::kOk) return st;
  hs->own_init_len = w.len();
  st = derive_ss0(ops, *hs, v.pub, v.pub_len, init1, len, hs->own_init, hs->own_init_len,
                  v.nonce, out_ss0);
  if (st == Status::kOk) *out_aead = chosen;
  return st;
}

Status handshake_on_init2(const CryptoOps& ops, Handshake* hs, const u8* init2, usize len,
                          u8* out_ss0, u16* out_aead) {
  if (hs->role != Role::kA) return Status::kBadArgument;
  Init2View v{};
  Status st = parse_init2(hs->kex, init2, len, &v);
  if (st != Status::kOk) return st;
  bool offered = false;
  for (usize i = 0; i < hs->naeads; i++) offered |= hs->aeads[i] == v.cipher;
  if (!offered) return Status::kUnofferedAead;
  st = derive_ss0(ops, *hs, v.pub, v.pub_len, hs->own_init, hs->own_init_len, init2, len,
                  hs->nonce, out_ss0);
  if (st == Status::kOk) *out_aead = v.cipher;
  return st;
}

void handshake_wipe(Handshake* hs) { wipe(hs, sizeof *hs); }

}  // namespace tcpinc::tcpcrypt
