// SPDX-License-Identifier: GPL-2.0
// core_bytes_shim.cc - drives the core's Reader, Writer and wipe (bytes.h,
// memory.h) for core_bytes_test.c. Buffers come from tcpinc_kt_alloc with
// their exact size, so an access past the end is a KASAN report, not luck.
#include "bytes.h"
#include "kt.h"
#include "memory.h"

using namespace tcpinc;

namespace {

u8* bytes(tcpinc_kt* t, usize n, u8 first) {
  u8* p = static_cast<u8*>(tcpinc_kt_alloc(t, n));
  if (p)
    for (usize i = 0; i < n; i++) p[i] = static_cast<u8>(first + i);
  return p;
}

}  // namespace

extern "C" void tcpinc_kt_reader_reads_big_endian(tcpinc_kt* t) {
  u8* b = bytes(t, 15, 1);  // 01 02 ... 0f
  if (!b) return;
  Reader r(b, 15);
  u8 v8 = 0;
  u16 v16 = 0;
  u32 v32 = 0;
  u64 v64 = 0;
  KT_EXPECT(t, r.read_u8(&v8) && v8 == 0x01);
  KT_EXPECT(t, r.read_u16(&v16) && v16 == 0x0203);
  KT_EXPECT(t, r.read_u32(&v32) && v32 == 0x04050607u);
  KT_EXPECT(t, r.read_u64(&v64) && v64 == 0x08090a0b0c0d0e0full);
  KT_EXPECT(t, r.empty());
}

extern "C" void tcpinc_kt_reader_refuses_past_end(tcpinc_kt* t) {
  u8* b = bytes(t, 3, 0xa0);
  if (!b) return;
  Reader r(b, 3);
  u32 v32 = 0xdeadbeef;
  u16 v16 = 0;
  u8 out[4] = {0, 0, 0, 0};
  const u8* p = nullptr;
  Reader sub;
  // Each failed read leaves the reader (and the output) unchanged.
  KT_EXPECT(t, !r.read_u32(&v32));
  KT_EXPECT(t, v32 == 0xdeadbeef);
  KT_EXPECT(t, r.remaining() == 3);
  KT_EXPECT(t, !r.read_view(4, &sub));
  KT_EXPECT(t, !r.read_bytes(4, &p) && p == nullptr);
  KT_EXPECT(t, !r.copy_out(out, 4) && out[0] == 0);
  KT_EXPECT(t, !r.skip(4));
  KT_EXPECT(t, r.remaining() == 3 && r.data() == b);
  KT_EXPECT(t, r.read_u16(&v16) && v16 == 0xa0a1);
  KT_EXPECT(t, !r.read_u16(&v16) && r.remaining() == 1);
  u8 last = 0;
  KT_EXPECT(t, r.peek_u8(&last) && last == 0xa2 && r.remaining() == 1);
  KT_EXPECT(t, r.copy_out(out, 1) && out[0] == 0xa2);
  KT_EXPECT(t, r.empty() && !r.peek_u8(&last) && !r.read_u8(&last));
  KT_EXPECT(t, r.skip(0) && r.read_view(0, &sub) && sub.empty());
}

extern "C" void tcpinc_kt_reader_views_stay_inside(tcpinc_kt* t) {
  u8* b = bytes(t, 6, 0);
  if (!b) return;
  Reader r(b, 6);
  Reader sub;
  u8 v = 0;
  KT_EXPECT(t, r.skip(1) && r.read_view(3, &sub));
  KT_EXPECT(t, sub.remaining() == 3 && sub.data() == b + 1 && r.remaining() == 2);
  KT_EXPECT(t, sub.skip(2) && sub.read_u8(&v) && v == 3);
  KT_EXPECT(t, !sub.read_u8(&v));  // a view never reads its parent's bytes
  const u8* p = nullptr;
  KT_EXPECT(t, r.read_bytes(2, &p) && p == b + 4 && r.empty());
}

extern "C" void tcpinc_kt_writer_refuses_overflow(tcpinc_kt* t) {
  u8* b = static_cast<u8*>(tcpinc_kt_alloc(t, 5));
  if (!b) return;
  Writer w(b, 5);
  KT_EXPECT(t, w.put_u16(0x0102) && w.put_u8(0x03));
  KT_EXPECT(t, w.len() == 3 && w.room() == 2 && w.ok());
  KT_EXPECT(t, !w.put_u32(0xa0a1a2a3));  // 4 > 2: nothing is written
  KT_EXPECT(t, !w.ok() && w.len() == 3);
  KT_EXPECT(t, b[3] == 0 && b[4] == 0);
  KT_EXPECT(t, !w.put_u8(0x04));  // the failure is sticky
  KT_EXPECT(t, !w.put_zeros(1) && !w.put_bytes(b, 1) && w.len() == 3);
  KT_EXPECT(t, b[0] == 1 && b[1] == 2 && b[2] == 3 && b[3] == 0);
}

extern "C" void tcpinc_kt_writer_fills_exactly(tcpinc_kt* t) {
  u8* b = static_cast<u8*>(tcpinc_kt_alloc(t, 16));
  u8* src = bytes(t, 3, 0x10);
  if (!b || !src) return;
  Writer w(b, 16);
  KT_EXPECT(t, w.put_u64(0x0102030405060708ull) && w.put_u32(0x090a0b0c));
  KT_EXPECT(t, w.put_bytes(src, 3) && w.put_zeros(1));
  KT_EXPECT(t, w.ok() && w.len() == 16 && w.room() == 0);
  KT_EXPECT(t, b[0] == 1 && b[7] == 8 && b[11] == 0x0c && b[12] == 0x10 && b[14] == 0x12);
  KT_EXPECT(t, b[15] == 0);
  KT_EXPECT(t, w.put_at_u8(0, 0xff) && b[0] == 0xff);
  KT_EXPECT(t, !w.put_at_u8(16, 0xff));  // past what was written
  KT_EXPECT(t, !w.put_u8(0) && !w.ok());
}

extern "C" void tcpinc_kt_wipe_clears_only_its_range(tcpinc_kt* t) {
  u8* b = static_cast<u8*>(tcpinc_kt_alloc(t, 64));
  if (!b) return;
  for (usize i = 0; i < 64; i++) b[i] = 0xaa;
  wipe(b + 1, 62);
  bool inside = true;
  for (usize i = 1; i < 63; i++) inside = inside && b[i] == 0;
  KT_EXPECT(t, inside);
  KT_EXPECT(t, b[0] == 0xaa && b[63] == 0xaa);
  wipe(b, 0);  // no-op
  KT_EXPECT(t, b[0] == 0xaa);
}

extern "C" void tcpinc_kt_compare_bytes(tcpinc_kt* t) {
  u8* a = bytes(t, 32, 7);
  u8* b = bytes(t, 32, 7);
  if (!a || !b) return;
  KT_EXPECT(t, equal_secret(a, b, 32) && equal_bytes(a, b, 32));
  b[31] ^= 1;
  KT_EXPECT(t, !equal_secret(a, b, 32) && !equal_bytes(a, b, 32));
  KT_EXPECT(t, equal_secret(a, b, 31) && equal_bytes(a, b, 0));
}
