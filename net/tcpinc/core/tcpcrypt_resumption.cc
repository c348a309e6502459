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

// prime - derive what the entry's index i needs, unless the entry holds
// it already: resume[i] = CPRF(ss[i], CONST_RESUME), and with_next also
// ss[i+1]; both at once where neither is there (one provider call). The
// caller checked that the entry is valid. On failure the entry is as it
// was (the key schedule zeroes what it could not derive).
static Status prime(const CryptoOps& ops, ResumeSecret* entry, bool with_next) {
  if (entry->primed == kPrimedNext || (entry->primed == kPrimedResume && !with_next))
    return Status::kOk;
  Status st;
  u8 primed;
  if (entry->primed == kPrimedResume) {
    st = next_ss(ops, entry->ss, entry->next);
    primed = kPrimedNext;
  } else if (with_next) {
    st = resume_and_next(ops, entry->ss, entry->resume, entry->next);
    primed = kPrimedNext;
  } else {
    st = resume_id(ops, entry->ss, entry->resume);
    primed = kPrimedResume;
  }
  if (st == Status::kOk) entry->primed = primed;
  return st;
}

// take_with_id - resumption_take or accept on a primed entry: B needed
// resume[i] to check A's half, A needs it to send its own.
static Status take_with_id(const CryptoOps& ops, const ResumePolicy& policy, ResumeSecret* entry,
                           ResumeAttempt* out) {
  // A zeroed policy means the safe default of 8 nonce bytes (RFC 8548 3.5
  // MUST); no nonce at all has to be asked for explicitly.
  usize nonce_len = policy.nonce_len == 0                      ? kDefaultResumeNonceLen
                    : policy.nonce_len == kResumeNonceLenNone ? 0
                                                              : policy.nonce_len;
  if (nonce_len > kMaxResumeNonceLen) return Status::kBadArgument;
  wipe(out, sizeof *out);
  copy_bytes(out->resume, entry->resume, kResumeLen);
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
      copy_bytes(entry->ss, entry->next, kKeyLen);
      entry->index++;
      wipe(entry->resume, kResumeLen);
      wipe(entry->next, kKeyLen);
      entry->primed = kPrimedNone;
    }
  }
  return st == Status::kOk ? st : fail_closed(entry, out, st);
}

Status resumption_take(const CryptoOps& ops, const ResumePolicy& policy, ResumeSecret* entry,
                       ResumeAttempt* out) {
  if (policy.ignore_resumption) return Status::kNotResumption;
  if (!entry->valid) return Status::kBadArgument;
  Status st = prime(ops, entry, true);
  return st == Status::kOk ? take_with_id(ops, policy, entry, out) : fail_closed(entry, out, st);
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

Status resumption_peer_half(const CryptoOps& ops, ResumeSecret* entry, u8* out) {
  if (!entry->valid) return Status::kBadArgument;
  // A chain resumed before (index > 1) will likely be resumed again: its
  // ss[i+1] comes in the same provider call, so that the take or accept
  // then derives nothing. A chain fresh from a full exchange may never be
  // used: only resume[i] (the accept derives ss[i+1] if it comes).
  Status st = prime(ops, entry, entry->index > 1);
  if (st != Status::kOk) return st;
  Role peer = entry->original_role == Role::kA ? Role::kB : Role::kA;
  copy_bytes(out, half_of(entry->resume, peer), kResumeHalfLen);
  return Status::kOk;
}

Status resumption_accept(const CryptoOps& ops, const ResumePolicy& policy, ResumeSecret* entry,
                         const ResumeSuboption& offer, ResumeAttempt* out) {
  if (policy.ignore_resumption) return Status::kNotResumption;
  if (!entry->valid) return Status::kBadArgument;
  if ((offer.tep & ~kTepVBit) != entry->kex) return Status::kResumeMismatch;
  // The glue's cache indexed this entry by its peer half, which primed
  // resume[i]: a mismatch costs no HMAC and leaves the entry as it was.
  Role peer = entry->original_role == Role::kA ? Role::kB : Role::kA;
  Status st = prime(ops, entry, false);
  if (st == Status::kOk && !equal_secret(half_of(entry->resume, peer), offer.half, kResumeHalfLen))
    st = Status::kResumeMismatch;
  if (st == Status::kOk) st = prime(ops, entry, true);
  if (st == Status::kOk) st = take_with_id(ops, policy, entry, out);
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
