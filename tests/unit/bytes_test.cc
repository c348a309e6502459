// SPDX-License-Identifier: GPL-2.0
// The core's byte helpers (bytes.h) that every parser and builder rests on.
//
// There is no ABI version test here: the core's tcpinc_core_abi_version()
// returns TCPINC_CORE_ABI_VERSION from the same header this file would
// compare it with, and both are compiled in the same build, so such a test
// cannot fail. The check that can fail (a core object from another build)
// is the module's refusal to load in tcpinc_main.c.
#include <gtest/gtest.h>

#include "bytes.h"

TEST(Bytes, ReaderRefusesToOverrun) {
  const tcpinc::u8 buf[3] = {0x12, 0x34, 0x56};
  tcpinc::Reader r(buf, sizeof buf);
  tcpinc::u16 v16 = 0;
  ASSERT_TRUE(r.read_u16(&v16));
  EXPECT_EQ(v16, 0x1234);
  tcpinc::u16 again = 0xffff;
  EXPECT_FALSE(r.read_u16(&again));  // one byte left
  EXPECT_EQ(again, 0xffff);          // untouched on failure
  EXPECT_EQ(r.remaining(), 1u);
  tcpinc::u8 v8 = 0;
  ASSERT_TRUE(r.read_u8(&v8));
  EXPECT_EQ(v8, 0x56);
  EXPECT_TRUE(r.empty());
}

TEST(Bytes, WriterFailsStickyAndWritesNothingPastCapacity) {
  tcpinc::u8 buf[4] = {0xaa, 0xaa, 0xaa, 0xaa};
  tcpinc::Writer w(buf, 3);
  EXPECT_TRUE(w.put_u16(0x0102));
  EXPECT_FALSE(w.put_u16(0x0304));  // needs 2, has 1
  EXPECT_FALSE(w.ok());
  EXPECT_FALSE(w.put_u8(0x05));     // sticky
  EXPECT_EQ(w.len(), 2u);
  EXPECT_EQ(buf[2], 0xaa);
  EXPECT_EQ(buf[3], 0xaa);
}

TEST(Bytes, WipeAndConstantTimeCompare) {
  tcpinc::u8 secret[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  tcpinc::u8 same[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_TRUE(tcpinc::equal_secret(secret, same, 8));
  same[7] ^= 1;
  EXPECT_FALSE(tcpinc::equal_secret(secret, same, 8));
  tcpinc::wipe(secret, sizeof secret);
  for (auto b : secret) EXPECT_EQ(b, 0);
}
