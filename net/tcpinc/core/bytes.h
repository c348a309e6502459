// SPDX-License-Identifier: GPL-2.0
// bytes.h - bounds-checked reader and writer for every parse and build.
//
// Modelled on BoringSSL's CBS/CBB: a Reader is a view that only shrinks from
// the front, a Writer appends into caller-provided storage. Every accessor
// reports failure instead of reading or writing past the end, and a failed
// read leaves the Reader unchanged. Integers are big-endian (network order)
// as in both RFCs.
#ifndef TCPINC_CORE_BYTES_H
#define TCPINC_CORE_BYTES_H

#include "memory.h"
#include "types.h"

namespace tcpinc {

class Reader {
 public:
  constexpr Reader() : p_(nullptr), len_(0) {}
  constexpr Reader(const u8* data, usize len) : p_(data), len_(len) {}

  const u8* data() const { return p_; }
  usize remaining() const { return len_; }
  bool empty() const { return len_ == 0; }

  [[nodiscard]] bool peek_u8(u8* out) const {
    if (len_ < 1) return false;
    *out = p_[0];
    return true;
  }
  [[nodiscard]] bool read_u8(u8* out) { return read_be(out, 1); }
  [[nodiscard]] bool read_u16(u16* out) { return read_be(out, 2); }
  [[nodiscard]] bool read_u32(u32* out) { return read_be(out, 4); }
  [[nodiscard]] bool read_u64(u64* out) { return read_be(out, 8); }

  // read_view - take the next n bytes as a sub-reader.
  [[nodiscard]] bool read_view(usize n, Reader* out) {
    if (len_ < n) return false;
    *out = Reader(p_, n);
    advance(n);
    return true;
  }
  // read_bytes - point *out at the next n bytes (no copy).
  [[nodiscard]] bool read_bytes(usize n, const u8** out) {
    if (len_ < n) return false;
    *out = p_;
    advance(n);
    return true;
  }
  // copy_out - copy the next n bytes into out.
  [[nodiscard]] bool copy_out(u8* out, usize n) {
    if (len_ < n) return false;
    copy_bytes(out, p_, n);
    advance(n);
    return true;
  }
  [[nodiscard]] bool skip(usize n) {
    if (len_ < n) return false;
    advance(n);
    return true;
  }

 private:
  template <typename T>
  bool read_be(T* out, usize n) {
    if (len_ < n) return false;
    T v = 0;
    for (usize i = 0; i < n; i++) v = static_cast<T>((v << 8) | p_[i]);
    *out = v;
    advance(n);
    return true;
  }
  void advance(usize n) {
    p_ += n;
    len_ -= n;
  }

  const u8* p_;
  usize len_;
};

// Writer - appends into [buf, buf + cap). The first failed append makes the
// writer fail for good (ok() == false) so that a build can be checked once
// at the end; a failed append writes nothing.
class Writer {
 public:
  constexpr Writer(u8* buf, usize cap) : buf_(buf), cap_(cap), len_(0), ok_(true) {}

  usize len() const { return len_; }
  usize capacity() const { return cap_; }
  usize room() const { return cap_ - len_; }
  bool ok() const { return ok_; }
  u8* data() const { return buf_; }

  bool put_u8(u8 v) { return put_be(v, 1); }
  bool put_u16(u16 v) { return put_be(v, 2); }
  bool put_u32(u32 v) { return put_be(v, 4); }
  bool put_u64(u64 v) { return put_be(v, 8); }
  bool put_bytes(const u8* src, usize n) {
    if (!reserve(n)) return false;
    copy_bytes(buf_ + len_, src, n);
    len_ += n;
    return true;
  }
  bool put_zeros(usize n) {
    if (!reserve(n)) return false;
    zero_bytes(buf_ + len_, n);
    len_ += n;
    return true;
  }
  // put_at_u8 - overwrite an already written byte (e.g. a length field).
  bool put_at_u8(usize pos, u8 v) {
    if (!ok_ || pos >= len_) return fail();
    buf_[pos] = v;
    return true;
  }

 private:
  bool fail() {
    ok_ = false;
    return false;
  }
  bool reserve(usize n) {
    if (!ok_ || n > cap_ - len_) return fail();
    return true;
  }
  template <typename T>
  bool put_be(T v, usize n) {
    if (!reserve(n)) return false;
    for (usize i = 0; i < n; i++)
      buf_[len_ + i] = static_cast<u8>(v >> (8 * (n - 1 - i)));
    len_ += n;
    return true;
  }

  u8* buf_;
  usize cap_;
  usize len_;
  bool ok_;
};

}  // namespace tcpinc

#endif  // TCPINC_CORE_BYTES_H
