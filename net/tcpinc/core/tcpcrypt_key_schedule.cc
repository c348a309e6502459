// SPDX-License-Identifier: GPL-2.0
// tcpcrypt_key_schedule.cc - HKDF Extract/CPRF and the tcpcrypt key tree.
#include "tcpcrypt_key_schedule.h"

namespace tcpinc::tcpcrypt {

Status hkdf_extract(const CryptoOps& ops, const u8* salt, usize salt_len, const Seg* ikm,
                    usize nikm, u8* out) {
  return map_crypto(ops.hmac_sha256(ops.ctx, salt, salt_len, ikm, nikm, out));
}

Status cprf(const CryptoOps& ops, const u8* key, const u8* info, usize info_len, u8* out,
            usize out_len) {
  if (out_len > 255 * kSha256Len) return Status::kBadArgument;
  // T(n) = HMAC(K, T(n-1) | info | n); the block lives on the stack only
  // while it is needed and is wiped before returning on every path.
  u8 block[kSha256Len];
  usize done = 0;
  Status st = Status::kOk;
  for (u8 n = 1; done < out_len; n++) {
    const Seg segs[3] = {{block, n == 1 ? 0u : kSha256Len}, {info, info_len}, {&n, 1}};
    st = map_crypto(ops.hmac_sha256(ops.ctx, key, kKeyLen, segs, 3, block));
    if (st != Status::kOk) break;
    usize take = out_len - done < kSha256Len ? out_len - done : kSha256Len;
    copy_bytes(out + done, block, take);
    done += take;
  }
  wipe(block, sizeof block);
  if (st != Status::kOk) wipe(out, out_len);
  return st;
}

// hmac_many - the provider's hmac_sha256_many, or its hmac_sha256 once
// per message where it has none; every out zeroed on failure.
static Status hmac_many(const CryptoOps& ops, const u8* key, const tcpinc_core_hmac_msg* msgs,
                        usize n) {
  int rc = TCPINC_CORE_CRYPTO_OK;
  if (ops.hmac_sha256_many) {
    rc = ops.hmac_sha256_many(ops.ctx, key, kKeyLen, msgs, n);
  } else {
    for (usize i = 0; i < n && rc == TCPINC_CORE_CRYPTO_OK; i++)
      rc = ops.hmac_sha256(ops.ctx, key, kKeyLen, msgs[i].segs, msgs[i].nsegs, msgs[i].out);
  }
  if (rc != TCPINC_CORE_CRYPTO_OK)
    for (usize i = 0; i < n; i++) wipe(msgs[i].out, kSha256Len);
  return map_crypto(rc);
}

Status cprf_many(const CryptoOps& ops, const u8* key, const CprfReq* reqs, usize n) {
  constexpr usize kMax = TCPINC_CORE_HMAC_MANY_MAX;
  if (n == 0 || n > kMax) return Status::kBadArgument;
  for (usize i = 0; i < n; i++)
    if (reqs[i].out_len > 255 * kSha256Len) return Status::kBadArgument;
  // Output i's T(r) = HMAC(K, T(r-1) | info_i | r); a round computes the
  // next block of every output still short, in one provider call.
  u8 block[kMax][kSha256Len];
  Seg segs[kMax][3];
  tcpinc_core_hmac_msg msgs[kMax];
  usize done[kMax] = {};
  usize which[kMax];
  Status st = Status::kOk;
  for (u8 r = 1; st == Status::kOk; r++) {
    usize m = 0;
    for (usize i = 0; i < n; i++) {
      if (done[i] >= reqs[i].out_len) continue;
      segs[m][0] = {block[i], r == 1 ? 0u : kSha256Len};
      segs[m][1] = {reqs[i].info, reqs[i].info_len};
      segs[m][2] = {&r, 1};
      msgs[m] = {segs[m], 3, block[i]};
      which[m++] = i;
    }
    if (m == 0) break;
    st = hmac_many(ops, key, msgs, m);
    for (usize j = 0; st == Status::kOk && j < m; j++) {
      const CprfReq& q = reqs[which[j]];
      usize& d = done[which[j]];
      usize take = q.out_len - d < kSha256Len ? q.out_len - d : kSha256Len;
      copy_bytes(q.out + d, block[which[j]], take);
      d += take;
    }
  }
  wipe(block, sizeof block);
  if (st != Status::kOk)
    for (usize i = 0; i < n; i++) wipe(reqs[i].out, reqs[i].out_len);
  return st;
}

// cprf_const_sn - CPRF with info = one constant byte followed by sn.
static Status cprf_const_sn(const CryptoOps& ops, const u8* key, u8 c, const u8* sn,
                            usize sn_len, u8* out, usize out_len) {
  if (sn_len > kMaxSnLen) return Status::kBadArgument;
  u8 info[1 + kMaxSnLen];
  info[0] = c;
  copy_bytes(info + 1, sn, sn_len);
  Status st = cprf(ops, key, info, 1 + sn_len, out, out_len);
  wipe(info, sizeof info);
  return st;
}

Status next_ss(const CryptoOps& ops, const u8* ss, u8* out) {
  u8 tmp[kKeyLen];  // so that out may alias ss
  Status st = cprf_const_sn(ops, ss, kConstNextK, nullptr, 0, tmp, kKeyLen);
  if (st == Status::kOk) copy_bytes(out, tmp, kKeyLen);
  wipe(tmp, sizeof tmp);
  return st;
}

Status first_mk(const CryptoOps& ops, const u8* ss, const u8* sn, usize sn_len, u8* out) {
  return cprf_const_sn(ops, ss, kConstRekey, sn, sn_len, out, kKeyLen);
}

Status next_mk(const CryptoOps& ops, const u8* mk, u8* out) {
  u8 tmp[kKeyLen];
  Status st = cprf_const_sn(ops, mk, kConstRekey, nullptr, 0, tmp, kKeyLen);
  if (st == Status::kOk) copy_bytes(out, tmp, kKeyLen);
  wipe(tmp, sizeof tmp);
  return st;
}

Status traffic_key(const CryptoOps& ops, const u8* mk, u8 key_const, u16 aead, TrafficKey* out) {
  const AeadParams* p = aead_params(aead);
  if (!p || (key_const != kConstKeyA && key_const != kConstKeyB)) return Status::kBadArgument;
  u8 okm[kAeadMaxKeyLen + kAeadNonceLen];
  Status st = cprf_const_sn(ops, mk, key_const, nullptr, 0, okm, p->key_len + kAeadNonceLen);
  if (st == Status::kOk) {
    out->wipe();
    out->key_len = p->key_len;
    copy_bytes(out->key, okm, p->key_len);
    copy_bytes(out->nr, okm + p->key_len, kAeadNonceLen);
  }
  wipe(okm, sizeof okm);
  return st;
}

Status session_id(const CryptoOps& ops, const u8* ss, const u8* sn, usize sn_len, u8 tep_byte,
                  u8* out) {
  out[0] = tep_byte;
  return cprf_const_sn(ops, ss, kConstSessId, sn, sn_len, out + 1, kKeyLen);
}

Status resume_id(const CryptoOps& ops, const u8* ss, u8* out) {
  return cprf_const_sn(ops, ss, kConstResume, nullptr, 0, out, kResumeLen);
}

Status session_keys(const CryptoOps& ops, const u8* ss, const u8* sn, usize sn_len, u8 tep_byte,
                    u8* mk0, u8* sid, u8* next) {
  if (sn_len > kMaxSnLen) return Status::kBadArgument;
  u8 rekey[1 + kMaxSnLen], sessid[1 + kMaxSnLen];
  const u8 nextk = kConstNextK;
  rekey[0] = kConstRekey;
  sessid[0] = kConstSessId;
  copy_bytes(rekey + 1, sn, sn_len);
  copy_bytes(sessid + 1, sn, sn_len);
  sid[0] = tep_byte;
  const CprfReq reqs[3] = {{rekey, 1 + sn_len, mk0, kKeyLen},
                           {sessid, 1 + sn_len, sid + 1, kKeyLen},
                           {&nextk, 1, next, kKeyLen}};
  Status st = cprf_many(ops, ss, reqs, next ? 3 : 2);
  wipe(rekey, sizeof rekey);
  wipe(sessid, sizeof sessid);
  return st;
}

Status traffic_keys(const CryptoOps& ops, const u8* mk, u16 aead, TrafficKey* ab, TrafficKey* ba) {
  const AeadParams* p = aead_params(aead);
  if (!p) return Status::kBadArgument;
  const u8 ca = kConstKeyA, cb = kConstKeyB;
  u8 okm[2][kAeadMaxKeyLen + kAeadNonceLen];
  usize len = p->key_len + kAeadNonceLen;
  const CprfReq reqs[2] = {{&ca, 1, okm[0], len}, {&cb, 1, okm[1], len}};
  Status st = cprf_many(ops, mk, reqs, 2);
  if (st == Status::kOk) {
    TrafficKey* tk[2] = {ab, ba};
    for (usize i = 0; i < 2; i++) {
      tk[i]->wipe();
      tk[i]->key_len = p->key_len;
      copy_bytes(tk[i]->key, okm[i], p->key_len);
      copy_bytes(tk[i]->nr, okm[i] + p->key_len, kAeadNonceLen);
    }
  }
  wipe(okm, sizeof okm);
  return st;
}

Status resume_and_next(const CryptoOps& ops, const u8* ss, u8* resume, u8* next) {
  const u8 cres = kConstResume, cnext = kConstNextK;
  const CprfReq reqs[2] = {{&cres, 1, resume, kResumeLen}, {&cnext, 1, next, kKeyLen}};
  return cprf_many(ops, ss, reqs, 2);
}

}  // namespace tcpinc::tcpcrypt
