// SPDX-License-Identifier: GPL-2.0
// What the tcpcrypt session tests share: owning pointers to core sessions
// (destroy() wipes, then delete), the OpenSSL provider, the ENO transcript
// of an X25519 negotiation, the two configurations of a resumed pair, and
// moving bytes between two sessions.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <utility>
#include <vector>

#include "crypto_openssl.h"
#include "tcpcrypt_frame.h"
#include "tcpcrypt_resumption.h"
#include "tcpcrypt_session.h"

namespace tcpinc_test {

using Bytes = std::vector<tcpinc::u8>;

inline const tcpinc::CryptoOps* ops() { return openssl_crypto_ops(); }

struct SessionDeleter {
  void operator()(tcpinc::tcpcrypt::Session* s) const {
    s->destroy();
    delete s;
  }
};
using SessionPtr = std::unique_ptr<tcpinc::tcpcrypt::Session, SessionDeleter>;

// The transcript of an ENO negotiation that chose TEP 0x23 (X25519).
inline constexpr tcpinc::u8 kTranscript[] = {0x45, 0x04, 0x21, 0x23, 0x45, 0x04, 0x01, 0x23};

// resumed_configs - the opener's (A, keyed from ao with the listener's
// answer nonce) and the listener's (B, keyed from al with the opener's
// offer nonce) configurations of a session resumed under tep_byte.
inline void resumed_configs(tcpinc::u8 tep_byte, tcpinc::tcpcrypt::ResumeAttempt* ao,
                            tcpinc::tcpcrypt::ResumeAttempt* al,
                            const tcpinc::tcpcrypt::ResumeSuboption& offer,
                            const tcpinc::tcpcrypt::ResumeSuboption& answer,
                            tcpinc::tcpcrypt::SessionConfig* co,
                            tcpinc::tcpcrypt::SessionConfig* cl) {
  *co = {};
  *cl = {};
  co->hs.role = tcpinc::tcpcrypt::Role::kA;
  cl->hs.role = tcpinc::tcpcrypt::Role::kB;
  co->tep_byte = cl->tep_byte = tep_byte;
  co->resume = ao;
  co->peer_resume_nonce = answer.nonce;
  co->peer_resume_nonce_len = answer.nonce_len;
  cl->resume = al;
  cl->peer_resume_nonce = offer.nonce;
  cl->peer_resume_nonce_len = offer.nonce_len;
}

// exchange - whole-buffer delivery both ways until neither session has
// output (4 rounds; segmentation is covered elsewhere). Every byte sent
// must be taken: a receive that stops taking bytes fails the test.
inline void exchange(tcpinc::tcpcrypt::Session* x, tcpinc::tcpcrypt::Session* y) {
  using namespace tcpinc;
  using namespace tcpinc::tcpcrypt;
  Bytes buf(kMaxFrameLen);
  for (int round = 0; round < 4; round++) {
    for (auto [from, to] : {std::pair{x, y}, std::pair{y, x}}) {
      usize n = 0;
      ASSERT_EQ(from->poll_output(buf.data(), buf.size(), &n), Status::kOk);
      usize off = 0;
      for (int guard = 0; off < n && guard < 16; guard++) {
        usize used = 0;
        RecvEvent ev{};
        Status st = to->receive(buf.data() + off, n - off, &used, &ev);
        ASSERT_TRUE(st == Status::kOk || st == Status::kNeedMore) << int(st);
        off += used;
      }
      ASSERT_EQ(off, n);
    }
  }
}

}  // namespace tcpinc_test
