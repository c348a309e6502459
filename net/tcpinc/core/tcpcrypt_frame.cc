// SPDX-License-Identifier: GPL-2.0
// tcpcrypt_frame.cc - build and open encryption frames.
#include "tcpcrypt_frame.h"

#include "bytes.h"
#include "memory.h"

namespace tcpinc::tcpcrypt {

void frame_nonce(const u8* nr, u64 offset, u8* out) {
  // frame ID = (ae_nonce_len - 8) zero bytes | offset (big-endian).
  copy_bytes(out, nr, kAeadNonceLen);
  for (usize i = 0; i < 8; i++) out[kAeadNonceLen - 1 - i] ^= static_cast<u8>(offset >> (8 * i));
}

Status parse_frame_header(const u8* p, usize avail, FrameHeader* out) {
  Reader r(p, avail);
  u8 control = 0;
  u16 clen = 0;
  if (!r.read_u8(&control) || !r.read_u16(&clen)) return Status::kNeedMore;
  if (clen < kMinClen) return Status::kBadFrame;
  out->rekey = (control & kControlRekey) != 0;  // cres bits are ignored
  out->clen = clen;
  return Status::kOk;
}

Status seal_frame(const CryptoOps& ops, const FrameKey& key, u64 offset, const SealFlags& f,
                  const u8* data, usize data_len, u8* out, usize cap, usize* out_len) {
  if (data_len > (f.urgp ? kMaxUrgentDataLen : kMaxDataLen)) return Status::kFrameTooLarge;
  usize total = sealed_frame_len(data_len, f.urgp);
  if (cap < total) return Status::kBufferTooSmall;
  usize clen = total - kFrameHeaderLen;
  Writer hdr(out, kFrameHeaderLen);
  hdr.put_u8(f.rekey ? kControlRekey : 0);
  hdr.put_u16(static_cast<u16>(clen));
  u8 prefix[3];
  Writer pw(prefix, sizeof prefix);
  pw.put_u8(static_cast<u8>((f.finp ? kFlagFinp : 0) | (f.urgp ? kFlagUrgp : 0)));
  if (f.urgp) pw.put_u16(f.urgent);
  // The flags prefix and the caller's data are sealed as two segments so
  // that the data is never copied (the benchmark's 5% budget).
  const Seg in[2] = {{prefix, pw.len()}, {data, data_len}};
  u8 nonce[kAeadNonceLen];
  frame_nonce(key.nr, offset, nonce);
  int rc = ops.aead_seal(ops.ctx, key.aead, nonce, out, kFrameHeaderLen, in, 2,
                         out + kFrameHeaderLen);
  wipe(nonce, sizeof nonce);
  if (rc != TCPINC_CORE_CRYPTO_OK) {
    wipe(out, total);
    return Status::kCryptoFailure;
  }
  *out_len = total;
  return Status::kOk;
}

// The plaintext of an authentic frame: flags, the urgent field, the data.
static Status parse_plaintext(const FrameHeader& h, int rc, u8* plain, usize plen,
                              OpenedFrame* out) {
  if (rc != TCPINC_CORE_CRYPTO_OK) {
    // Belt and braces: the provider promises zeros, the core makes sure.
    wipe(plain, plen);
    return rc == TCPINC_CORE_CRYPTO_EAUTH ? Status::kAuthFailure : Status::kCryptoFailure;
  }
  Reader r(plain, plen);
  u8 flags = 0;
  OpenedFrame o{};
  o.rekey = h.rekey;
  (void)r.read_u8(&flags);  // cannot fail: clen >= 17 leaves >= 1 byte
  o.finp = (flags & kFlagFinp) != 0;  // fres bits are ignored
  o.urgp = (flags & kFlagUrgp) != 0;
  if (o.urgp && !r.read_u16(&o.urgent)) {
    // Authentic but unusable: the urgent field is missing. Release nothing.
    wipe(plain, plen);
    return Status::kBadFrame;
  }
  o.data = r.data();
  o.data_len = r.remaining();
  *out = o;
  return Status::kOk;
}

Status open_frame(const CryptoOps& ops, const FrameKey& key, u64 offset, const u8* frame,
                  usize frame_len, u8* plain, OpenedFrame* out) {
  FrameHeader h{};
  Status st = parse_frame_header(frame, frame_len, &h);
  if (st == Status::kNeedMore) return Status::kBadFrame;
  if (st != Status::kOk) return st;
  if (frame_len != kFrameHeaderLen + usize{h.clen}) return Status::kBadFrame;
  u8 nonce[kAeadNonceLen];
  frame_nonce(key.nr, offset, nonce);
  int rc = ops.aead_open(ops.ctx, key.aead, nonce, frame, kFrameHeaderLen,
                         frame + kFrameHeaderLen, h.clen, plain);
  wipe(nonce, sizeof nonce);
  return parse_plaintext(h, rc, plain, h.clen - kAeadTagLen, out);
}

Status open_frame_segs(const CryptoOps& ops, const FrameKey& key, u64 offset, const u8* hdr,
                       const Seg* segs, usize nsegs, u8* plain, OpenedFrame* out) {
  FrameHeader h{};
  Status st = parse_frame_header(hdr, kFrameHeaderLen, &h);
  if (st != Status::kOk) return st == Status::kNeedMore ? Status::kBadFrame : st;
  usize total = 0;
  for (usize i = 0; i < nsegs; i++) total += segs[i].len;
  if (total != h.clen || !ops.aead_open_segs) return Status::kBadArgument;
  u8 nonce[kAeadNonceLen];
  frame_nonce(key.nr, offset, nonce);
  int rc = ops.aead_open_segs(ops.ctx, key.aead, nonce, hdr, kFrameHeaderLen, segs, nsegs, plain);
  wipe(nonce, sizeof nonce);
  return parse_plaintext(h, rc, plain, h.clen - kAeadTagLen, out);
}

}  // namespace tcpinc::tcpcrypt
