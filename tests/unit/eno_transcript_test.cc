// SPDX-License-Identifier: GPL-2.0
// The negotiation transcript (RFC 8547 4.8): A's option, then B's, raw.
#include <gtest/gtest.h>

#include <vector>

#include "eno_transcript.h"

using namespace tcpinc;
using Bytes = std::vector<u8>;

TEST(EnoTranscript, ConcatenatesAThenB) {
  const u8 a[] = {0x45, 0x04, 0x21, 0x23};
  const u8 b[] = {0x45, 0x04, 0x01, 0x23};
  EnoTranscript t;
  ASSERT_EQ(eno_transcript_build(a, sizeof a, b, sizeof b, &t), EnoTranscriptStatus::kOk);
  EXPECT_EQ(Bytes(t.bytes, t.bytes + t.len), (Bytes{0x45, 0x04, 0x21, 0x23, 0x45, 0x04, 0x01, 0x23}));
}

TEST(EnoTranscript, HoldsTwoMaximalOptions) {
  u8 a[40], b[40];
  for (int i = 0; i < 40; i++) {
    a[i] = 0xaa;
    b[i] = 0xbb;
  }
  a[0] = b[0] = 0x45;
  a[1] = b[1] = 40;
  EnoTranscript t;
  ASSERT_EQ(eno_transcript_build(a, 40, b, 40, &t), EnoTranscriptStatus::kOk);
  EXPECT_EQ(t.len, 80);
  EXPECT_EQ(t.bytes[40], 0x45);
  EXPECT_EQ(t.bytes[79], 0xbb);
}

TEST(EnoTranscript, RefusesUnframedInput) {
  const u8 good[] = {0x45, 0x02};
  const u8 wrong_len[] = {0x45, 0x03};
  const u8 wrong_kind[] = {0x44, 0x02};
  EnoTranscript t;
  EXPECT_EQ(eno_transcript_build(wrong_len, 2, good, 2, &t), EnoTranscriptStatus::kBadOption);
  EXPECT_EQ(eno_transcript_build(good, 2, wrong_kind, 2, &t), EnoTranscriptStatus::kBadOption);
}
