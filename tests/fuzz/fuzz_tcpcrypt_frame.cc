// SPDX-License-Identifier: GPL-2.0
// fuzz_tcpcrypt_frame - the frame opener and the receive state machine
// (reassembly, rekey generations, FINp/URGp, data after FINp) on an
// established (resumed) session.
//
// Input: byte 0 = piece size selector, byte 1 bit 0 = call on_peer_fin at
// the end; the rest is the peer's stream. The fake AEAD is the identity
// with an all-zero tag, so the fuzzer can forge "authentic" frames and reach
// the logic behind authentication; any nonzero tag byte is a tag failure.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tcpcrypt_frame.h"
#include "fake_crypto.h"
#include "tcpcrypt_session.h"

using namespace tcpinc;
using namespace tcpinc::tcpcrypt;

namespace {

int fake_keygen(void*, u8, u8* priv, u8* pub) {
  memset(priv, 7, 32);
  memset(pub, 9, 32);
  return 0;
}
int fake_validate(void*, u8, const u8*, usize) { return 0; }
int fake_shared(void*, u8, const u8*, const u8*, usize, u8* out) {
  memset(out, 1, 32);
  return 0;
}
const tcpinc_core_crypto_ops kFake = fake_crypto::fake_crypto_ops(fake_keygen, fake_validate, fake_shared);

Session g_session;  // 64 KiB: static storage, zero-initialised

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  usize piece = 1 + usize{data[0]} * 263u;
  bool fin_at_end = data[1] & 1;
  const u8* in = data + 2;
  usize len = size - 2;

  // Stand-alone opener on the whole input as one frame.
  u8 plain[kMaxFrameLen];
  FrameKey key{&fake_crypto::g_dummy_aead, {}};
  OpenedFrame of;
  if (open_frame(kFake, key, 0, in, len, plain, &of) == Status::kOk) {
    if (of.data + of.data_len > plain + len) __builtin_trap();
  }

  ResumeAttempt a{};
  a.valid = true;
  a.kex = TCPINC_CORE_KEX_X25519;
  a.aead = TCPINC_CORE_AEAD_AES_128_GCM;
  a.original_role = Role::kB;
  SessionConfig cfg{};
  cfg.hs.role = Role::kB;
  cfg.tep_byte = 0xa3;
  cfg.resume = &a;
  if (g_session.start(&kFake, cfg) != Status::kOk) __builtin_trap();
  usize off = 0;
  bool eof = false;
  u8 out[128];
  while (off < len) {
    usize chunk = len - off < piece ? len - off : piece;
    usize used = 0;
    RecvEvent ev;
    Status st = g_session.receive(in + off, chunk, &used, &ev);
    if (is_abort(st)) {
      // Nothing of a failing frame may be released.
      if (ev.frame || ev.data_len) __builtin_trap();
      break;
    }
    if (used == 0 || used > chunk) __builtin_trap();
    if (ev.frame && eof) __builtin_trap();  // nothing after EOF
    eof |= ev.eof;
    off += used;
    usize n = 0;
    (void)g_session.poll_output(out, sizeof out, &n);
    if (ev.data_len) (void)g_session.seal(ev.data, ev.data_len > 64 ? 64 : ev.data_len, {}, out, sizeof out, &n);
  }
  if (fin_at_end) {
    Status st = g_session.on_peer_fin();
    if (st == Status::kOk && !eof) __builtin_trap();  // EOF only after FINp
  }
  g_session.destroy();
  return 0;
}
