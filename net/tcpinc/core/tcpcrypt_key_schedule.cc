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

}  // namespace tcpinc::tcpcrypt
