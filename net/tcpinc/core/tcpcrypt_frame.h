// SPDX-License-Identifier: GPL-2.0
// tcpcrypt_frame.h - encryption frames (RFC 8548 section 4.2).
//
//   frame     = control(1) | clen(2) | ciphertext(clen)
//   control   = cres(7 bits, 0 sent, ignored) | rekey(1 bit)
//   plaintext = flags(1) | [urgent(2) if URGp] | data
//   AD        = control | clen
//   nonce     = (4 zero bytes | offset as 8 bytes) XOR NR
//
// offset is the frame's position in the sender's TCP byte stream, counting
// the Init1/Init2 bytes before it (project digest Part E.1).
#ifndef TCPINC_CORE_TCPCRYPT_FRAME_H
#define TCPINC_CORE_TCPCRYPT_FRAME_H

#include "crypto.h"
#include "tcpcrypt_status.h"
#include "types.h"

namespace tcpinc::tcpcrypt {

constexpr usize kFrameHeaderLen = 3;
constexpr usize kMaxClen = 65535;
constexpr usize kMaxFrameLen = kFrameHeaderLen + kMaxClen;
constexpr usize kMinClen = 1 + kAeadTagLen;  // flags byte + tag
constexpr usize kMaxPlaintextLen = kMaxClen - kAeadTagLen;
constexpr usize kMaxDataLen = kMaxPlaintextLen - 1;        // without urgent
constexpr usize kMaxUrgentDataLen = kMaxPlaintextLen - 3;  // with urgent
constexpr usize kFrameOverhead = kFrameHeaderLen + 1 + kAeadTagLen;

constexpr u8 kControlRekey = 0x01;
constexpr u8 kFlagFinp = 0x01;
constexpr u8 kFlagUrgp = 0x02;

// FrameKey - one generation's key in one direction: the provider's keyed
// AEAD context and the nonce randomizer.
struct FrameKey {
  void* aead;
  u8 nr[kAeadNonceLen];
};

// FrameHeader - control and clen of a frame.
struct FrameHeader {
  bool rekey;
  u16 clen;
};

// OpenedFrame - an authenticated frame's plaintext fields; data points into
// the plaintext buffer passed to open_frame.
struct OpenedFrame {
  bool rekey;
  bool finp;
  bool urgp;
  u16 urgent;
  const u8* data;
  usize data_len;
};

// SealFlags - what the sender wants in the frame besides data.
struct SealFlags {
  bool rekey;
  bool finp;
  bool urgp;
  u16 urgent;
};

// frame_nonce - out[12] = frame ID XOR NR for the frame starting at offset.
void frame_nonce(const u8* nr, u64 offset, u8* out);

// parse_frame_header - kNeedMore below 3 bytes; kBadFrame if clen cannot
// hold the flags byte and the tag.
Status parse_frame_header(const u8* p, usize avail, FrameHeader* out);

// sealed_frame_len - bytes of the frame that seal_frame builds.
constexpr usize sealed_frame_len(usize data_len, bool urgp) {
  return kFrameOverhead + (urgp ? 2 : 0) + data_len;
}

// seal_frame - build a whole frame into out (cap bytes). data must not
// overlap out, except that it may already sit exactly where the frame
// carries it (out + 4 without urgent): the kernel provider then seals it in
// place instead of copying it.
Status seal_frame(const CryptoOps& ops, const FrameKey& key, u64 offset, const SealFlags& f,
                  const u8* data, usize data_len, u8* out, usize cap, usize* out_len);

// open_frame - authenticate and decrypt a whole frame (header included) of
// frame_len bytes into plain (room for clen - 16 bytes; may equal
// frame + 3 for in-place). On failure plain holds zeros only.
Status open_frame(const CryptoOps& ops, const FrameKey& key, u64 offset, const u8* frame,
                  usize frame_len, u8* plain, OpenedFrame* out);

// open_frame_segs - open_frame of a frame whose 3 header bytes are hdr and
// whose clen ciphertext and tag bytes are the concatenated segs, read where
// they lie (ops.aead_open_segs) into plain (clen - 16 bytes).
Status open_frame_segs(const CryptoOps& ops, const FrameKey& key, u64 offset, const u8* hdr,
                       const Seg* segs, usize nsegs, u8* plain, OpenedFrame* out);

}  // namespace tcpinc::tcpcrypt

#endif  // TCPINC_CORE_TCPCRYPT_FRAME_H
