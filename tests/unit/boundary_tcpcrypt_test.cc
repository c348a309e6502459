// SPDX-License-Identifier: GPL-2.0
// The extern "C" tcpcrypt boundary, driven the way the kernel glue will:
// zeroed session storage behind its handle, status ints, a fresh session, then a resumed one.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "crypto_openssl.h"
#include "tcpinc/core_api.h"

namespace {

using Bytes = std::vector<tcpinc_u8>;
const tcpinc_core_crypto_ops* ops() { return tcpinc_test::openssl_crypto_ops(); }

struct CSession {
  tcpinc_core_tc_session* p;
  CSession() : p(static_cast<tcpinc_core_tc_session*>(calloc(1, tcpinc_core_tc_session_size()))) {}
  ~CSession() {
    tcpinc_core_tc_session_destroy(p);
    free(p);
  }
};

// move - all pending output of from into to; returns data delivered to `to`.
Bytes move(CSession& from, CSession& to, int* eof = nullptr) {
  Bytes out(TCPINC_CORE_TC_MAX_FRAME_LEN), got;
  tcpinc_usize n = 0;
  EXPECT_EQ(tcpinc_core_tc_poll_output(from.p, out.data(), out.size(), &n), TCPINC_CORE_TC_OK);
  tcpinc_usize off = 0;
  while (off < n) {
    tcpinc_usize used = 0;
    tcpinc_core_tc_event ev{};
    int st = tcpinc_core_tc_receive(to.p, out.data() + off, n - off, &used, &ev);
    EXPECT_TRUE(st == TCPINC_CORE_TC_OK || st == TCPINC_CORE_TC_NEED_MORE) << st;
    if (ev.data_len) got.insert(got.end(), ev.data, ev.data + ev.data_len);
    if (eof && ev.eof) *eof = 1;
    off += used;
  }
  return got;
}

Bytes seal(CSession& s, const char* text, tcpinc_u32 flags = 0) {
  Bytes out(256);
  tcpinc_usize n = 0;
  EXPECT_EQ(tcpinc_core_tc_seal(s.p, reinterpret_cast<const tcpinc_u8*>(text), strlen(text), flags, 0, out.data(),
                                out.size(), &n),
            TCPINC_CORE_TC_OK);
  out.resize(n);
  return out;
}

Bytes open_all(CSession& s, const Bytes& wire, int* eof = nullptr) {
  Bytes got;
  tcpinc_usize off = 0;
  while (off < wire.size()) {
    tcpinc_usize used = 0;
    tcpinc_core_tc_event ev{};
    EXPECT_EQ(tcpinc_core_tc_receive(s.p, wire.data() + off, wire.size() - off, &used, &ev), TCPINC_CORE_TC_OK);
    got.insert(got.end(), ev.data, ev.data + ev.data_len);
    if (eof && ev.eof) *eof = 1;
    off += used;
  }
  return got;
}

}  // namespace

TEST(BoundaryTcpcrypt, FreshThenResumed) {
  const tcpinc_u8 tr[] = {0x45, 0x04, 0x21, 0x23, 0x45, 0x04, 0x01, 0x23};
  const tcpinc_u16 aeads[] = {TCPINC_CORE_AEAD_AES_128_GCM, TCPINC_CORE_AEAD_CHACHA20_POLY1305};
  tcpinc_core_tc_resume_secret ca{}, cb{};
  {
    CSession a, b;
    tcpinc_core_tc_config cfg{};
    cfg.role = TCPINC_CORE_TC_ROLE_A;
    cfg.kex = TCPINC_CORE_KEX_X25519;
    cfg.tep_byte = 0x23;
    cfg.transcript = tr;
    cfg.transcript_len = sizeof tr;
    cfg.aeads = aeads;
    cfg.naeads = 2;
    ASSERT_EQ(tcpinc_core_tc_session_start(a.p, ops(), &cfg), TCPINC_CORE_TC_OK);
    cfg.role = TCPINC_CORE_TC_ROLE_B;
    ASSERT_EQ(tcpinc_core_tc_session_start(b.p, ops(), &cfg), TCPINC_CORE_TC_OK);
    move(a, b);
    move(b, a);
    tcpinc_u8 sa[40], sb[40];
    tcpinc_usize na = 0, nb = 0;
    ASSERT_EQ(tcpinc_core_tc_session_id(a.p, sa, sizeof sa, &na), TCPINC_CORE_TC_OK);
    ASSERT_EQ(tcpinc_core_tc_session_id(b.p, sb, sizeof sb, &nb), TCPINC_CORE_TC_OK);
    ASSERT_EQ(na, static_cast<tcpinc_usize>(TCPINC_CORE_TC_SESSION_ID_LEN));
    EXPECT_EQ(0, memcmp(sa, sb, na));
    Bytes w = seal(a, "ping");
    EXPECT_EQ(open_all(b, w), (Bytes{'p', 'i', 'n', 'g'}));
    ASSERT_EQ(tcpinc_core_tc_initiate_rekey(b.p), TCPINC_CORE_TC_OK);
    int eof = 0;
    w = seal(b, "bye", TCPINC_CORE_TC_SEAL_FIN);
    EXPECT_EQ(open_all(a, w, &eof), (Bytes{'b', 'y', 'e'}));
    EXPECT_EQ(eof, 1);
    EXPECT_EQ(tcpinc_core_tc_on_peer_fin(a.p), TCPINC_CORE_TC_OK);
    move(a, b);  // A answers the rekey
    Bytes k(64);
    tcpinc_usize n = 0;
    EXPECT_EQ(tcpinc_core_tc_keepalive(b.p, k.data(), k.size(), &n), TCPINC_CORE_TC_SEND_AFTER_FIN);
    ASSERT_EQ(tcpinc_core_tc_keepalive(a.p, k.data(), k.size(), &n), TCPINC_CORE_TC_OK);
    ASSERT_EQ(tcpinc_core_tc_export_resumption(a.p, &ca), TCPINC_CORE_TC_OK);
    ASSERT_EQ(tcpinc_core_tc_export_resumption(b.p, &cb), TCPINC_CORE_TC_OK);
    tcpinc_core_tc_flush_resumption(a.p);
    EXPECT_EQ(tcpinc_core_tc_on_peer_fin(b.p), TCPINC_CORE_TC_FIN_WITHOUT_FINP);
    EXPECT_EQ(tcpinc_core_tc_failure(b.p), TCPINC_CORE_TC_FIN_WITHOUT_FINP);
  }
  // The originally-B host opens the resumed connection (current role A).
  tcpinc_core_tc_resume_policy pol{0, 0, 8};
  tcpinc_core_tc_resume_attempt ab{}, aa{};
  ASSERT_EQ(tcpinc_core_tc_resume_take(ops(), &pol, &cb, &ab), TCPINC_CORE_TC_OK);
  tcpinc_u8 sub[TCPINC_CORE_TC_MAX_RESUME_SUBOPT_LEN], ans[TCPINC_CORE_TC_MAX_RESUME_SUBOPT_LEN];
  tcpinc_usize sub_len = 0, ans_len = 0;
  ASSERT_EQ(tcpinc_core_tc_resume_build(&ab, sub, sizeof sub, &sub_len), TCPINC_CORE_TC_OK);
  tcpinc_u8 half[TCPINC_CORE_TC_RESUME_HALF_LEN];
  ASSERT_EQ(tcpinc_core_tc_resume_peer_half(ops(), &ca, half), TCPINC_CORE_TC_OK);
  EXPECT_EQ(0, memcmp(half, sub + 1, sizeof half));  // what the cache is indexed by
  ASSERT_EQ(tcpinc_core_tc_resume_accept(ops(), &pol, &ca, sub, sub_len, &aa), TCPINC_CORE_TC_OK);
  ASSERT_EQ(tcpinc_core_tc_resume_build(&aa, ans, sizeof ans, &ans_len), TCPINC_CORE_TC_OK);
  tcpinc_u8 expect[TCPINC_CORE_TC_RESUME_HALF_LEN];
  ASSERT_EQ(tcpinc_core_tc_resume_answer_half(&ab, expect), TCPINC_CORE_TC_OK);
  EXPECT_EQ(0, memcmp(expect, ans + 1, sizeof expect));
  const tcpinc_u8* peer_nonce = nullptr;
  tcpinc_usize peer_nonce_len = 0;
  ASSERT_EQ(tcpinc_core_tc_resume_check_answer(&ab, ans, ans_len, &peer_nonce, &peer_nonce_len), TCPINC_CORE_TC_OK);
  EXPECT_EQ(peer_nonce_len, 8u);
  EXPECT_EQ(tcpinc_core_tc_resume_check_answer(&ab, sub, 5, &peer_nonce, &peer_nonce_len),
            TCPINC_CORE_TC_NOT_RESUMPTION);
  EXPECT_EQ(tcpinc_core_tc_resume_accept(ops(), &pol, &ca, sub, 5, &aa), TCPINC_CORE_TC_NOT_RESUMPTION);
  CSession o, l;
  tcpinc_core_tc_config co{}, cl{};
  co.role = TCPINC_CORE_TC_ROLE_A;
  co.tep_byte = 0xa3;
  co.resume = &ab;
  co.peer_resume_nonce = peer_nonce;
  co.peer_resume_nonce_len = peer_nonce_len;
  cl.role = TCPINC_CORE_TC_ROLE_B;
  cl.tep_byte = 0xa3;
  cl.resume = &aa;
  cl.peer_resume_nonce = sub + 1 + TCPINC_CORE_TC_RESUME_HALF_LEN;
  cl.peer_resume_nonce_len = sub_len - 1 - TCPINC_CORE_TC_RESUME_HALF_LEN;
  ASSERT_EQ(tcpinc_core_tc_session_start(o.p, ops(), &co), TCPINC_CORE_TC_OK);
  ASSERT_EQ(tcpinc_core_tc_session_start(l.p, ops(), &cl), TCPINC_CORE_TC_OK);
  EXPECT_EQ(open_all(l, seal(o, "again")), (Bytes{'a', 'g', 'a', 'i', 'n'}));
  EXPECT_EQ(open_all(o, seal(l, "ok")), (Bytes{'o', 'k'}));
  tcpinc_core_tc_resume_wipe_secret(&ca);
  tcpinc_core_tc_resume_wipe_secret(&cb);
  tcpinc_core_tc_resume_wipe_attempt(&ab);
  tcpinc_core_tc_config bad{};
  bad.role = 7;
  CSession z;
  EXPECT_EQ(tcpinc_core_tc_session_start(z.p, ops(), &bad), TCPINC_CORE_TC_BAD_ARGUMENT);
}
