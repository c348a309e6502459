// SPDX-License-Identifier: GPL-2.0
// Batched key derivations (cprf_many and the three derivations built on
// it): the same bytes as one CPRF per value, with a provider that has
// hmac_sha256_many and with one that has not, the number of provider calls
// they cost, and what a provider failure leaves behind.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "crypto_openssl.h"
#include "session_fixture.h"
#include "tcpcrypt_key_schedule.h"

using namespace tcpinc;
using namespace tcpinc::tcpcrypt;
using tcpinc_test::ops;

namespace {

// The provider as given, and the same without hmac_sha256_many (the core
// then calls hmac_sha256 once per message).
tcpinc_core_crypto_ops with_many() { return *ops(); }
tcpinc_core_crypto_ops without_many() {
  tcpinc_core_crypto_ops o = *ops();
  o.hmac_sha256_many = nullptr;
  return o;
}

const u8 kKey[kKeyLen] = {0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87, 0x98, 0xa9, 0xba,
                          0xcb, 0xdc, 0xed, 0xfe, 0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69,
                          0x78, 0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0, 0x01};

int g_single, g_many, g_msgs;
tcpinc_core_crypto_ops counting() {
  tcpinc_core_crypto_ops o = *ops();
  o.hmac_sha256 = [](void* c, const tcpinc_u8* k, tcpinc_usize kl, const tcpinc_core_seg* s,
                     tcpinc_usize n, tcpinc_u8* out) {
    g_single++;
    return ops()->hmac_sha256(c, k, kl, s, n, out);
  };
  o.hmac_sha256_many = [](void* c, const tcpinc_u8* k, tcpinc_usize kl,
                          const tcpinc_core_hmac_msg* m, tcpinc_usize n) {
    g_many++;
    g_msgs += static_cast<int>(n);
    return ops()->hmac_sha256_many(c, k, kl, m, n);
  };
  g_single = g_many = g_msgs = 0;
  return o;
}

bool all_zero(const u8* p, usize n) {
  for (usize i = 0; i < n; i++)
    if (p[i]) return false;
  return true;
}

}  // namespace

// Every count of outputs and a spread of lengths (one block, a block and a
// byte, several blocks, outputs of different lengths in one call): each
// output is the CPRF of its own info, with and without the provider's
// batch call.
TEST(TcpcryptKeyBatch, CprfManyEqualsCprfPerOutput) {
  const usize lens[] = {1, 18, 32, 33, 44, 64, 100};
  const u8 infos[4][5] = {{0x01}, {0x02, 0xaa, 0xbb}, {0x06}, {0x03, 1, 2, 3, 4}};
  const usize info_lens[4] = {1, 3, 1, 5};
  for (const tcpinc_core_crypto_ops& o : {with_many(), without_many()}) {
    for (usize n = 1; n <= TCPINC_CORE_HMAC_MANY_MAX; n++) {
      for (usize li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        std::vector<std::vector<u8>> got(n), want(n);
        CprfReq reqs[TCPINC_CORE_HMAC_MANY_MAX];
        for (usize i = 0; i < n; i++) {
          usize len = lens[(li + i) % (sizeof lens / sizeof lens[0])];
          got[i].assign(len, 0xee);
          want[i].assign(len, 0);
          reqs[i] = {infos[i], info_lens[i], got[i].data(), len};
          ASSERT_EQ(cprf(*ops(), kKey, infos[i], info_lens[i], want[i].data(), len), Status::kOk);
        }
        ASSERT_EQ(cprf_many(o, kKey, reqs, n), Status::kOk);
        for (usize i = 0; i < n; i++) EXPECT_EQ(got[i], want[i]) << "n=" << n << " output " << i;
      }
    }
  }
}

TEST(TcpcryptKeyBatch, DerivationsEqualTheirSingleForms) {
  const u8 sn[16] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};
  for (const tcpinc_core_crypto_ops& o : {with_many(), without_many()}) {
    for (usize sn_len : {usize{0}, usize{8}, usize{16}}) {
      u8 mk0[kKeyLen], sid[kSessionIdLen], next[kKeyLen];
      u8 mk0_1[kKeyLen], sid_1[kSessionIdLen], next_1[kKeyLen];
      ASSERT_EQ(session_keys(o, kKey, sn, sn_len, 0xa3, mk0, sid, next), Status::kOk);
      ASSERT_EQ(first_mk(*ops(), kKey, sn, sn_len, mk0_1), Status::kOk);
      ASSERT_EQ(session_id(*ops(), kKey, sn, sn_len, 0xa3, sid_1), Status::kOk);
      ASSERT_EQ(next_ss(*ops(), kKey, next_1), Status::kOk);
      EXPECT_EQ(memcmp(mk0, mk0_1, sizeof mk0), 0);
      EXPECT_EQ(memcmp(sid, sid_1, sizeof sid), 0);
      EXPECT_EQ(sid[0], 0xa3);
      EXPECT_EQ(memcmp(next, next_1, sizeof next), 0);
      // Without next (a resumed session, whose cache entry already moved on).
      u8 mk0_2[kKeyLen], sid_2[kSessionIdLen];
      ASSERT_EQ(session_keys(o, kKey, sn, sn_len, 0xa3, mk0_2, sid_2, nullptr), Status::kOk);
      EXPECT_EQ(memcmp(mk0_2, mk0_1, sizeof mk0), 0);
      EXPECT_EQ(memcmp(sid_2, sid_1, sizeof sid), 0);
    }
    for (u16 aead : {TCPINC_CORE_AEAD_AES_128_GCM, TCPINC_CORE_AEAD_AES_256_GCM,
                     TCPINC_CORE_AEAD_CHACHA20_POLY1305}) {
      TrafficKey ab, ba, ab1, ba1;
      ASSERT_EQ(traffic_keys(o, kKey, aead, &ab, &ba), Status::kOk);
      ASSERT_EQ(traffic_key(*ops(), kKey, kConstKeyA, aead, &ab1), Status::kOk);
      ASSERT_EQ(traffic_key(*ops(), kKey, kConstKeyB, aead, &ba1), Status::kOk);
      EXPECT_EQ(ab.key_len, aead_params(aead)->key_len);
      EXPECT_EQ(memcmp(&ab, &ab1, sizeof ab), 0) << aead;
      EXPECT_EQ(memcmp(&ba, &ba1, sizeof ba), 0) << aead;
      EXPECT_NE(memcmp(ab.key, ba.key, ab.key_len), 0);
    }
    u8 resume[kResumeLen], next[kKeyLen], resume1[kResumeLen], next1[kKeyLen];
    ASSERT_EQ(resume_and_next(o, kKey, resume, next), Status::kOk);
    ASSERT_EQ(resume_id(*ops(), kKey, resume1), Status::kOk);
    ASSERT_EQ(next_ss(*ops(), kKey, next1), Status::kOk);
    EXPECT_EQ(memcmp(resume, resume1, sizeof resume), 0);
    EXPECT_EQ(memcmp(next, next1, sizeof next), 0);
  }
}

// What the batching is for: one provider call per round of blocks.
TEST(TcpcryptKeyBatch, ProviderCallsPerDerivation) {
  tcpinc_core_crypto_ops o = counting();
  u8 mk0[kKeyLen], sid[kSessionIdLen], next[kKeyLen];
  ASSERT_EQ(session_keys(o, kKey, nullptr, 0, 0x23, mk0, sid, next), Status::kOk);
  EXPECT_EQ(g_many, 1);
  EXPECT_EQ(g_msgs, 3);
  EXPECT_EQ(g_single, 0);

  o = counting();
  TrafficKey ab, ba;
  ASSERT_EQ(traffic_keys(o, kKey, TCPINC_CORE_AEAD_AES_128_GCM, &ab, &ba), Status::kOk);
  EXPECT_EQ(g_many, 1);  // 28 bytes each: one block
  EXPECT_EQ(g_msgs, 2);
  o = counting();
  ASSERT_EQ(traffic_keys(o, kKey, TCPINC_CORE_AEAD_AES_256_GCM, &ab, &ba), Status::kOk);
  EXPECT_EQ(g_many, 2);  // 44 bytes each: two rounds of two
  EXPECT_EQ(g_msgs, 4);

  o = counting();
  u8 resume[kResumeLen];
  ASSERT_EQ(resume_and_next(o, kKey, resume, next), Status::kOk);
  EXPECT_EQ(g_many, 1);
  EXPECT_EQ(g_msgs, 2);
  EXPECT_EQ(g_single, 0);

  // Without the batch call: one hmac_sha256 per message.
  o = counting();
  o.hmac_sha256_many = nullptr;
  ASSERT_EQ(session_keys(o, kKey, nullptr, 0, 0x23, mk0, sid, next), Status::kOk);
  EXPECT_EQ(g_single, 3);
}

TEST(TcpcryptKeyBatch, BadArguments) {
  u8 a[32], b[32];
  CprfReq reqs[TCPINC_CORE_HMAC_MANY_MAX + 1];
  for (CprfReq& r : reqs) r = {nullptr, 0, a, sizeof a};
  EXPECT_EQ(cprf_many(*ops(), kKey, reqs, 0), Status::kBadArgument);
  EXPECT_EQ(cprf_many(*ops(), kKey, reqs, TCPINC_CORE_HMAC_MANY_MAX + 1), Status::kBadArgument);
  reqs[1] = {nullptr, 0, b, 255 * 32 + 1};
  EXPECT_EQ(cprf_many(*ops(), kKey, reqs, 2), Status::kBadArgument);
  u8 sn[17] = {};
  u8 sid[kSessionIdLen];
  EXPECT_EQ(session_keys(*ops(), kKey, sn, sizeof sn, 0x23, a, sid, nullptr), Status::kBadArgument);
  TrafficKey ab, ba;
  EXPECT_EQ(traffic_keys(*ops(), kKey, 0x07, &ab, &ba), Status::kBadArgument);
}

// A failing provider leaves no partial key behind: every output is zeroed,
// including those a per-message fallback had already written.
TEST(TcpcryptKeyBatch, ProviderFailureZeroesEveryOutput) {
  tcpinc_core_crypto_ops broken = *ops();
  broken.hmac_sha256_many = [](void*, const tcpinc_u8*, tcpinc_usize, const tcpinc_core_hmac_msg*,
                               tcpinc_usize) { return TCPINC_CORE_CRYPTO_ERR; };
  u8 mk0[kKeyLen], sid[kSessionIdLen], next[kKeyLen];
  memset(mk0, 0xee, sizeof mk0);
  memset(sid, 0xee, sizeof sid);
  memset(next, 0xee, sizeof next);
  EXPECT_EQ(session_keys(broken, kKey, nullptr, 0, 0x23, mk0, sid, next), Status::kCryptoFailure);
  EXPECT_TRUE(all_zero(mk0, sizeof mk0));
  EXPECT_TRUE(all_zero(sid + 1, kKeyLen));
  EXPECT_TRUE(all_zero(next, sizeof next));

  // The fallback fails on its second message, after the first was written.
  static int calls;
  calls = 0;
  broken = *ops();
  broken.hmac_sha256_many = nullptr;
  broken.hmac_sha256 = [](void* c, const tcpinc_u8* k, tcpinc_usize kl, const tcpinc_core_seg* s,
                          tcpinc_usize n, tcpinc_u8* out) {
    if (++calls == 2) return TCPINC_CORE_CRYPTO_ERR;
    return ops()->hmac_sha256(c, k, kl, s, n, out);
  };
  u8 resume[kResumeLen];
  memset(resume, 0xee, sizeof resume);
  memset(next, 0xee, sizeof next);
  EXPECT_EQ(resume_and_next(broken, kKey, resume, next), Status::kCryptoFailure);
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(all_zero(resume, sizeof resume));
  EXPECT_TRUE(all_zero(next, sizeof next));

  broken.hmac_sha256_many = [](void*, const tcpinc_u8*, tcpinc_usize, const tcpinc_core_hmac_msg*,
                               tcpinc_usize) { return TCPINC_CORE_CRYPTO_ERR; };
  TrafficKey ab, ba;
  EXPECT_EQ(traffic_keys(broken, kKey, TCPINC_CORE_AEAD_AES_256_GCM, &ab, &ba),
            Status::kCryptoFailure);
}
