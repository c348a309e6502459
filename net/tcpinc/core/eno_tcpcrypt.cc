// SPDX-License-Identifier: GPL-2.0
// eno_tcpcrypt.cc - tcpcrypt's suboption rules for TCP-ENO (RFC 8548 3.5).
#include "eno_tcpcrypt.h"

#include "memory.h"

namespace tcpinc {

EnoTepVerdict eno_tcpcrypt_classify(usize data_len) {
  if (data_len < kTcpcryptMinResumeData || data_len > kTcpcryptMaxResumeData) return EnoTepVerdict::kFresh;
  return EnoTepVerdict::kWithData;
}

namespace {

EnoTepVerdict tcpcrypt_check_offer(void* ctx, const EnoTepOffer* offer) {
  const EnoTepVerdict v = eno_tcpcrypt_classify(offer->peer_data_len);
  if (v != EnoTepVerdict::kWithData) return v;
  // RFC 8548 3.5: an opener that proposed resumption MUST ignore a reply
  // naming another secret. Nothing else makes the data invalid: validity
  // has to come out the same at both ends (in simultaneous open each end
  // judges the other's independent offer), and whether a valid pair of
  // suboptions means resumption or fresh key agreement is tcpcrypt's call,
  // made from both suboptions in EnoNegotiated.
  const EnoTcpcryptCtx* c = static_cast<const EnoTcpcryptCtx*>(ctx);
  if (c != nullptr && c->expect_peer_half && !equal_bytes(offer->peer_data, c->peer_half, kTcpcryptResumeHalfLen))
    return EnoTepVerdict::kInvalid;
  return EnoTepVerdict::kWithData;
}

void tcpcrypt_answer(void* ctx, const EnoTepOffer* offer, EnoTepAnswer* out_answer) {
  const EnoTcpcryptCtx* c = static_cast<const EnoTcpcryptCtx*>(ctx);
  if (c == nullptr || c->resume_lookup == nullptr) return;
  if (eno_tcpcrypt_classify(offer->peer_data_len) != EnoTepVerdict::kWithData) return;
  if ((offer->peer_tep_byte & kEnoVBit) == 0) return;
  c->resume_lookup(c->cache, eno_glt(offer->peer_tep_byte), offer->peer_data, out_answer);
}

// No SYN data (RFC 8548 defines none), no repetition (3.5: "MUST NOT send
// more than one resumption suboption with the same TEP identifier").
constexpr EnoTep kTcpcryptTeps[4] = {
    {kTcpcryptTepP256, false, false, tcpcrypt_check_offer, tcpcrypt_answer, nullptr},
    {kTcpcryptTepP521, false, false, tcpcrypt_check_offer, tcpcrypt_answer, nullptr},
    {kTcpcryptTepCurve25519, false, false, tcpcrypt_check_offer, tcpcrypt_answer, nullptr},
    {kTcpcryptTepCurve448, false, false, tcpcrypt_check_offer, tcpcrypt_answer, nullptr},
};

}  // namespace

const EnoTep* eno_tcpcrypt_tep(u8 id) {
  for (const EnoTep& t : kTcpcryptTeps) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

}  // namespace tcpinc
