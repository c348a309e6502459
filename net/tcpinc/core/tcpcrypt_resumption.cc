// SPDX-License-Identifier: GPL-2.0
// tcpcrypt_resumption.cc - resumption suboptions, index burning, sn.
#include "tcpcrypt_resumption.h"

#include "bytes.h"
#include "memory.h"

namespace tcpinc::tcpcrypt {

// own_half / peer_half - offsets into resume[i] by original role.
static const u8* half_of(const u8* resume, Role original_role) {
  return original_role == Role::kA ? resume : resume + kResumeHalfLen;
}

// fail_closed - a chain we could not ratchet (or use) is dropped altogether.
static Status fail_closed(ResumeSecret* entry, ResumeAttempt* out, Status st) {
  wipe(out, sizeof *out);
  resumption_wipe(entry);
  return st == Status::kInvalidPublicKey ? Status::kCryptoFailure : st;
}

// take_with_id - resumption_take once resume[i] = CPRF(ss[i], CONST_RESUME)
// and ss[i+1] are known (resume_and_next: B needs resume[i] to check A's
// half, A to send its own). Both callers checked that the entry is valid.
static Status take_with_id(const CryptoOps& ops, const ResumePolicy& policy, ResumeSecret* entry,
                           const u8* resume, const u8* next, ResumeAttempt* out) {
  // A zeroed policy means the safe default of 8 nonce bytes (RFC 8548 3.5
  // MUST); no nonce at all has to be asked for explicitly.
  usize nonce_len = policy.nonce_len == 0                      ? kDefaultResumeNonceLen
                    : policy.nonce_len == kResumeNonceLenNone ? 0
                                                              : policy.nonce_len;
  if (nonce_len > kMaxResumeNonceLen) return Status::kBadArgument;
  wipe(out, sizeof *out);
  copy_bytes(out->resume, resume, kResumeLen);
  Status st = Status::kOk;
  if (nonce_len)
    st = map_crypto(ops.random_bytes(ops.ctx, out->nonce, nonce_len));
  if (st == Status::kOk) {
    copy_bytes(out->ss, entry->ss, kKeyLen);
    out->index = entry->index;
    out->kex = entry->kex;
    out->aead = entry->aead;
    out->original_role = entry->original_role;
    out->nonce_len = static_cast<u8>(nonce_len);
    out->valid = true;
    // Burn index i now: the entry moves on to ss[i+1] even if this attempt
    // later fails, and ss[i] lives only in the attempt. With do-not-cache
    // this connection must leave no secret behind: the chain ends here.
    if (policy.no_cache) {
      resumption_wipe(entry);
    } else {
      copy_bytes(entry->ss, next, kKeyLen);
      entry->index++;
    }
  }
  return st == Status::kOk ? st : fail_closed(entry, out, st);
}

Status resumption_take(const CryptoOps& ops, const ResumePolicy& policy, ResumeSecret* entry,
                       ResumeAttempt* out) {
  if (policy.ignore_resumption) return Status::kNotResumption;
  if (!entry->valid) return Status::kBadArgument;
  u8 resume[kResumeLen], next[kKeyLen];
  Status st = resume_and_next(ops, entry->ss, resume, next);
  st = st == Status::kOk ? take_with_id(ops, policy, entry, resume, next, out)
                         : fail_closed(entry, out, st);
  wipe(resume, sizeof resume);
  wipe(next, sizeof next);
  return st;
}

Status resumption_build_suboption(const ResumeAttempt& a, u8* out, usize cap, usize* out_len) {
  if (!a.valid) return Status::kBadArgument;
  Writer w(out, cap);
  w.put_u8(static_cast<u8>(a.kex | kTepVBit));
  w.put_bytes(half_of(a.resume, a.original_role), kResumeHalfLen);
  w.put_bytes(a.nonce, a.nonce_len);
  if (!w.ok()) return Status::kBufferTooSmall;
  *out_len = w.len();
  return Status::kOk;
}

Status resumption_parse_suboption(const u8* sub, usize len, ResumeSuboption* out) {
  Reader r(sub, len);
  ResumeSuboption s{};
  if (!r.read_u8(&s.tep)) return Status::kBadArgument;
  if (!(s.tep & kTepVBit) || r.remaining() < kResumeHalfLen ||
      r.remaining() > kResumeHalfLen + kMaxResumeNonceLen)
    return Status::kNotResumption;
  (void)r.read_bytes(kResumeHalfLen, &s.half);  // length checked above
  s.nonce_len = r.remaining();
  s.nonce = r.data();
  *out = s;
  return Status::kOk;
}

Status resumption_peer_half(const CryptoOps& ops, const ResumeSecret& entry, u8* out) {
  if (!entry.valid) return Status::kBadArgument;
  u8 resume[kResumeLen];
  Role peer = entry.original_role == Role::kA ? Role::kB : Role::kA;
  Status st = resume_id(ops, entry.ss, resume);
  if (st == Status::kOk) copy_bytes(out, half_of(resume, peer), kResumeHalfLen);
  wipe(resume, sizeof resume);
  return st;
}

Status resumption_accept(const CryptoOps& ops, const ResumePolicy& policy, ResumeSecret* entry,
                         const ResumeSuboption& offer, ResumeAttempt* out) {
  if (policy.ignore_resumption) return Status::kNotResumption;
  if (!entry->valid) return Status::kBadArgument;
  if ((offer.tep & ~kTepVBit) != entry->kex) return Status::kResumeMismatch;
  // resume[i] once: its peer half is checked, then the attempt keeps it.
  // ss[i+1] comes from the same provider call; the glue's cache only gets
  // here for a half it has indexed, so it is rarely derived in vain.
  u8 resume[kResumeLen], next[kKeyLen];
  Role peer = entry->original_role == Role::kA ? Role::kB : Role::kA;
  Status st = resume_and_next(ops, entry->ss, resume, next);
  if (st == Status::kOk && !equal_secret(half_of(resume, peer), offer.half, kResumeHalfLen))
    st = Status::kResumeMismatch;
  if (st == Status::kOk) st = take_with_id(ops, policy, entry, resume, next, out);
  wipe(resume, sizeof resume);
  wipe(next, sizeof next);
  return st;
}

Status resumption_check_answer(const ResumeAttempt& a, const ResumeSuboption& answer) {
  if (!a.valid) return Status::kBadArgument;
  Role peer = a.original_role == Role::kA ? Role::kB : Role::kA;
  if ((answer.tep & ~kTepVBit) != a.kex ||
      !equal_secret(half_of(a.resume, peer), answer.half, kResumeHalfLen))
    return Status::kResumeMismatch;
  return Status::kOk;
}

Status resumption_answer_half(const ResumeAttempt& a, u8* out) {
  if (!a.valid) return Status::kBadArgument;
  copy_bytes(out, half_of(a.resume, a.original_role == Role::kA ? Role::kB : Role::kA),
             kResumeHalfLen);
  return Status::kOk;
}

Status resumption_sn(const ResumeAttempt& a, const u8* peer_nonce, usize peer_nonce_len,
                     u8* out, usize* out_len) {
  if (peer_nonce_len > kMaxResumeNonceLen) return Status::kBadArgument;
  // nonce_a travels with the first half, i.e. from the originally-A host
  // (Part E.2), whichever host opened this connection.
  Writer w(out, kMaxSnLen);
  if (a.original_role == Role::kA) {
    w.put_bytes(a.nonce, a.nonce_len);
    w.put_bytes(peer_nonce, peer_nonce_len);
  } else {
    w.put_bytes(peer_nonce, peer_nonce_len);
    w.put_bytes(a.nonce, a.nonce_len);
  }
  *out_len = w.len();
  return Status::kOk;
}

}  // namespace tcpinc::tcpcrypt
