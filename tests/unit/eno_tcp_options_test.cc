// SPDX-License-Identifier: GPL-2.0
// Scanning a TCP option area for ENO (RFC 8547 4.1, 11) and Fast Open (4.7).
#include <gtest/gtest.h>

#include <vector>

#include "eno_tcp_options.h"

using namespace tcpinc;
using Bytes = std::vector<u8>;

namespace {
EnoScan scan(const Bytes& b) {
  EnoScan s;
  eno_scan_tcp_options(b.data(), b.size(), &s);
  return s;
}
}  // namespace

TEST(EnoTcpOptions, FindsTheEnoOptionAmongOthers) {
  // MSS, NOP, NOP, SACK-permitted, ENO<b=1,X>, wscale
  EnoScan s = scan({0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02, 0x45, 0x04, 0x01, 0x21, 0x03, 0x03, 0x07});
  EXPECT_FALSE(s.malformed);
  EXPECT_EQ(s.eno_count, 1);
  EXPECT_EQ(s.legacy_eno_count, 0);
  EXPECT_EQ(s.eno_off, 8);
  EXPECT_EQ(s.eno_len, 4);
  EXPECT_FALSE(s.tfo_nonempty);
}

TEST(EnoTcpOptions, EmptyAreaAndEndOfList) {
  EnoScan s = scan({});
  EXPECT_EQ(s.eno_count, 0);
  EXPECT_FALSE(s.malformed);
  // Nothing after EOL counts.
  s = scan({0x00, 0x45, 0x02});
  EXPECT_EQ(s.eno_count, 0);
  EXPECT_FALSE(s.malformed);
}

TEST(EnoTcpOptions, CountsEveryEnoOptionAndKeepsTheFirst) {
  EnoScan s = scan({0x45, 0x03, 0x21, 0x45, 0x02, 0x01});
  EXPECT_EQ(s.eno_count, 2);
  EXPECT_EQ(s.eno_off, 0);
  EXPECT_EQ(s.eno_len, 3);
}

TEST(EnoTcpOptions, LegacyExperimentalEno) {
  EnoScan s = scan({0xfd, 0x04, 0x45, 0x4e, 0xfd, 0x04, 0x12, 0x34, 0xfd, 0x02});
  EXPECT_EQ(s.eno_count, 0);
  EXPECT_EQ(s.legacy_eno_count, 1);  // only ExID 0x454E; a bare 253 has no ExID
}

TEST(EnoTcpOptions, FastOpenCookieVersusCookieRequest) {
  EXPECT_FALSE(scan({0x22, 0x02}).tfo_nonempty);  // request: empty
  EXPECT_TRUE(scan({0x22, 0x0a, 1, 2, 3, 4, 5, 6, 7, 8}).tfo_nonempty);
  EXPECT_FALSE(scan({0xfe, 0x04, 0xf9, 0x89}).tfo_nonempty);  // experimental, empty
  EXPECT_TRUE(scan({0xfe, 0x06, 0xf9, 0x89, 1, 2}).tfo_nonempty);
  EXPECT_FALSE(scan({0xfe, 0x06, 0x12, 0x34, 1, 2}).tfo_nonempty);
}

TEST(EnoTcpOptions, MalformedAreaStopsTheScan) {
  EXPECT_TRUE(scan({0x45}).malformed);              // no length byte
  EXPECT_TRUE(scan({0x45, 0x01}).malformed);        // length < 2
  EXPECT_TRUE(scan({0x45, 0x05, 0x21}).malformed);  // overruns the area
  EnoScan s = scan({0x45, 0x03, 0x21, 0x02, 0x09});
  EXPECT_TRUE(s.malformed);
  EXPECT_EQ(s.eno_count, 1);
  EXPECT_TRUE(scan(Bytes(41, 0x01)).malformed);  // longer than any TCP header allows
}
