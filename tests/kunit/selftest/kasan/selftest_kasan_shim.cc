// SPDX-License-Identifier: GPL-2.0
// selftest_kasan_shim.cc - one byte past an exactly sized buffer, read by
// the core's own Reader: must be a KASAN report (see ../README).
#include "bytes.h"
#include "kt.h"

using namespace tcpinc;

extern "C" void tcpinc_kt_selftest_oob(tcpinc_kt* t) {
  u8* b = static_cast<u8*>(tcpinc_kt_alloc(t, 8));
  if (!b) return;
  // A Reader that is lied to about the length: reads b[8].
  Reader r(b, 9);
  u8 v = 0;
  KT_EXPECT(t, r.skip(8));
  KT_EXPECT(t, r.read_u8(&v) && v != 0x5a);  // the value is used: the load stays
}
