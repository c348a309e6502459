// SPDX-License-Identifier: GPL-2.0
// crypto_openssl.cc - tcpinc_core_crypto_ops backed by OpenSSL 3.
//
// HMAC through EVP_MAC, AEADs through EVP_CIPHER (one encrypt and one
// decrypt context per key so the key schedule is expanded once), X25519 and X448
// through EVP_PKEY raw keys, P-256 through EC_GROUP/EC_POINT arithmetic
// (ECSVDP-DH: the shared secret is the x-coordinate; points travel
// compressed and are validated on decode).
#include "crypto_openssl.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace tcpinc_test {
namespace {

std::atomic<long> g_live_aead{0};

struct AeadCtx {
  EVP_CIPHER_CTX* enc;
  EVP_CIPHER_CTX* dec;
};

const EVP_CIPHER* cipher_for(tcpinc_u16 id, size_t key_len) {
  switch (id) {
    case TCPINC_CORE_AEAD_AES_128_GCM:
      return key_len == 16 ? EVP_aes_128_gcm() : nullptr;
    case TCPINC_CORE_AEAD_AES_256_GCM:
      return key_len == 32 ? EVP_aes_256_gcm() : nullptr;
    case TCPINC_CORE_AEAD_CHACHA20_POLY1305:
      return key_len == 32 ? EVP_chacha20_poly1305() : nullptr;
    default:
      return nullptr;
  }
}

EVP_MAC* hmac_alg() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

const EC_GROUP* p256() {
  static EC_GROUP* g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  return g;
}

// keyed_mac - an HMAC-SHA256 context keyed with key, or nullptr.
EVP_MAC_CTX* keyed_mac(const tcpinc_u8* key, tcpinc_usize key_len) {
  EVP_MAC_CTX* c = EVP_MAC_CTX_new(hmac_alg());
  if (!c) return nullptr;
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  // EVP_MAC_init refuses a NULL key even for length 0.
  static const tcpinc_u8 empty = 0;
  if (!EVP_MAC_init(c, key_len ? key : &empty, key_len, params)) {
    EVP_MAC_CTX_free(c);
    return nullptr;
  }
  return c;
}

// mac_segs - out[32] = the MAC of c's key over the segments; frees c.
bool mac_segs(EVP_MAC_CTX* c, const tcpinc_core_seg* segs, tcpinc_usize nsegs, tcpinc_u8* out) {
  bool ok = c != nullptr;
  for (tcpinc_usize i = 0; ok && i < nsegs; i++)
    if (segs[i].len) ok = EVP_MAC_update(c, segs[i].data, segs[i].len);
  size_t outl = 0;
  if (ok) ok = EVP_MAC_final(c, out, &outl, 32) && outl == 32;
  EVP_MAC_CTX_free(c);
  return ok;
}

int hmac_sha256(void*, const tcpinc_u8* key, tcpinc_usize key_len, const tcpinc_core_seg* segs,
                tcpinc_usize nsegs, tcpinc_u8* out) {
  return mac_segs(keyed_mac(key, key_len), segs, nsegs, out) ? TCPINC_CORE_CRYPTO_OK
                                                             : TCPINC_CORE_CRYPTO_ERR;
}

// Several messages under one key: the keyed MAC context is set up once
// and duplicated per message, as a kernel provider reuses its pad states.
int hmac_sha256_many(void*, const tcpinc_u8* key, tcpinc_usize key_len,
                     const tcpinc_core_hmac_msg* msgs, tcpinc_usize n) {
  EVP_MAC_CTX* base = n <= TCPINC_CORE_HMAC_MANY_MAX ? keyed_mac(key, key_len) : nullptr;
  bool ok = base != nullptr;
  for (tcpinc_usize i = 0; ok && i < n; i++)
    ok = mac_segs(EVP_MAC_CTX_dup(base), msgs[i].segs, msgs[i].nsegs, msgs[i].out);
  EVP_MAC_CTX_free(base);
  if (!ok)
    for (tcpinc_usize i = 0; i < n; i++) memset(msgs[i].out, 0, 32);
  return ok ? TCPINC_CORE_CRYPTO_OK : TCPINC_CORE_CRYPTO_ERR;
}

void aead_free(void*, void* handle) {
  if (!handle) return;
  auto* a = static_cast<AeadCtx*>(handle);
  EVP_CIPHER_CTX_free(a->enc);  // also cleanses the key schedule
  EVP_CIPHER_CTX_free(a->dec);
  delete a;
  g_live_aead--;
}

int aead_new(void*, tcpinc_u16 id, const tcpinc_u8* key, tcpinc_usize key_len, void** out) {
  const EVP_CIPHER* cipher = cipher_for(id, key_len);
  if (!cipher) return TCPINC_CORE_CRYPTO_EUNSUPP;
  auto* a = new AeadCtx{EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_new()};
  g_live_aead++;
  bool ok = a->enc && a->dec && EVP_EncryptInit_ex(a->enc, cipher, nullptr, key, nullptr) &&
            EVP_DecryptInit_ex(a->dec, cipher, nullptr, key, nullptr);
  if (!ok) {
    aead_free(nullptr, a);
    return TCPINC_CORE_CRYPTO_ERR;
  }
  *out = a;
  return TCPINC_CORE_CRYPTO_OK;
}

int aead_seal(void*, void* handle, const tcpinc_u8* nonce, const tcpinc_u8* ad,
              tcpinc_usize ad_len, const tcpinc_core_seg* in, tcpinc_usize nin, tcpinc_u8* out) {
  EVP_CIPHER_CTX* c = static_cast<AeadCtx*>(handle)->enc;
  int outl = 0;
  size_t pos = 0;
  if (!EVP_EncryptInit_ex(c, nullptr, nullptr, nullptr, nonce)) return TCPINC_CORE_CRYPTO_ERR;
  if (ad_len && !EVP_EncryptUpdate(c, nullptr, &outl, ad, static_cast<int>(ad_len)))
    return TCPINC_CORE_CRYPTO_ERR;
  for (tcpinc_usize i = 0; i < nin; i++) {
    if (!in[i].len) continue;
    if (!EVP_EncryptUpdate(c, out + pos, &outl, in[i].data, static_cast<int>(in[i].len)))
      return TCPINC_CORE_CRYPTO_ERR;
    pos += static_cast<size_t>(outl);
  }
  if (!EVP_EncryptFinal_ex(c, out + pos, &outl)) return TCPINC_CORE_CRYPTO_ERR;
  pos += static_cast<size_t>(outl);
  if (!EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, TCPINC_CORE_AEAD_TAG_LEN, out + pos))
    return TCPINC_CORE_CRYPTO_ERR;
  return TCPINC_CORE_CRYPTO_OK;
}

int aead_open(void*, void* handle, const tcpinc_u8* nonce, const tcpinc_u8* ad,
              tcpinc_usize ad_len, const tcpinc_u8* in, tcpinc_usize in_len, tcpinc_u8* out) {
  if (in_len < TCPINC_CORE_AEAD_TAG_LEN) return TCPINC_CORE_CRYPTO_EAUTH;
  EVP_CIPHER_CTX* c = static_cast<AeadCtx*>(handle)->dec;
  size_t ct_len = in_len - TCPINC_CORE_AEAD_TAG_LEN;
  tcpinc_u8 tag[TCPINC_CORE_AEAD_TAG_LEN];
  memcpy(tag, in + ct_len, sizeof tag);
  int outl = 0, fin = 0;
  bool ok = EVP_DecryptInit_ex(c, nullptr, nullptr, nullptr, nonce) &&
            (!ad_len || EVP_DecryptUpdate(c, nullptr, &outl, ad, static_cast<int>(ad_len))) &&
            (!ct_len || EVP_DecryptUpdate(c, out, &outl, in, static_cast<int>(ct_len))) &&
            EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, sizeof tag, tag);
  if (ok) fin = EVP_DecryptFinal_ex(c, out + (ct_len ? outl : 0), &outl);
  if (!ok || fin <= 0) {
    // The contract: nothing unauthenticated survives a failed open.
    if (ct_len) memset(out, 0, ct_len);
    return ok ? TCPINC_CORE_CRYPTO_EAUTH : TCPINC_CORE_CRYPTO_ERR;
  }
  return TCPINC_CORE_CRYPTO_OK;
}

// Gathers the pieces, then opens: the provider's contract, not its speed.
int aead_open_segs(void* ctx, void* handle, const tcpinc_u8* nonce, const tcpinc_u8* ad,
                   tcpinc_usize ad_len, const tcpinc_core_seg* in, tcpinc_usize nin,
                   tcpinc_u8* out) {
  std::vector<tcpinc_u8> all;
  for (tcpinc_usize i = 0; i < nin; i++) all.insert(all.end(), in[i].data, in[i].data + in[i].len);
  int rc = aead_open(ctx, handle, nonce, ad, ad_len, all.data(), all.size(), out);
  OPENSSL_cleanse(all.data(), all.size());
  return rc;
}

int random_bytes(void*, tcpinc_u8* out, tcpinc_usize len) {
  return RAND_bytes(out, static_cast<int>(len)) == 1 ? TCPINC_CORE_CRYPTO_OK
                                                      : TCPINC_CORE_CRYPTO_ERR;
}

// --- X25519 and X448 (type EVP_PKEY_X25519/X448, n = 32/56 bytes) ----------

int xdh_public(int type, size_t n, const tcpinc_u8* priv, tcpinc_u8* out_pub) {
  EVP_PKEY* k = EVP_PKEY_new_raw_private_key(type, nullptr, priv, n);
  size_t len = n;
  bool ok = k && EVP_PKEY_get_raw_public_key(k, out_pub, &len) && len == n;
  EVP_PKEY_free(k);
  return ok ? TCPINC_CORE_CRYPTO_OK : TCPINC_CORE_CRYPTO_ERR;
}

int xdh_shared(int type, size_t n, const tcpinc_u8* priv, const tcpinc_u8* pub, tcpinc_u8* out) {
  EVP_PKEY* k = EVP_PKEY_new_raw_private_key(type, nullptr, priv, n);
  EVP_PKEY* peer = EVP_PKEY_new_raw_public_key(type, nullptr, pub, n);
  EVP_PKEY_CTX* c = k ? EVP_PKEY_CTX_new(k, nullptr) : nullptr;
  int rc = TCPINC_CORE_CRYPTO_ERR;
  if (c && peer && EVP_PKEY_derive_init(c) > 0 && EVP_PKEY_derive_set_peer(c, peer) > 0) {
    size_t len = n;
    if (EVP_PKEY_derive(c, out, &len) > 0 && len == n) {
      rc = TCPINC_CORE_CRYPTO_OK;
    } else {
      // OpenSSL refuses an all-zero X25519/X448 result instead of returning
      // it; report it as the zero secret so that the core can name the abort.
      memset(out, 0, n);
      rc = TCPINC_CORE_CRYPTO_OK;
    }
  }
  EVP_PKEY_CTX_free(c);
  EVP_PKEY_free(peer);
  EVP_PKEY_free(k);
  return rc;
}

// --- P-256 ----------------------------------------------------------------

EC_POINT* p256_decode(const tcpinc_u8* pub, size_t len) {
  if (len != TCPINC_CORE_P256_POINT_LEN || (pub[0] != 2 && pub[0] != 3)) return nullptr;
  EC_POINT* p = EC_POINT_new(p256());
  // oct2point decompresses, which fails unless x gives a point on the curve.
  if (!p || !EC_POINT_oct2point(p256(), p, pub, len, nullptr) ||
      EC_POINT_is_at_infinity(p256(), p) || EC_POINT_is_on_curve(p256(), p, nullptr) != 1) {
    EC_POINT_free(p);
    return nullptr;
  }
  return p;
}

int p256_keygen(tcpinc_u8* out_priv, tcpinc_u8* out_pub) {
  BIGNUM* k = BN_secure_new();
  EC_POINT* q = EC_POINT_new(p256());
  const BIGNUM* n = EC_GROUP_get0_order(p256());
  bool ok = k && q;
  do {
    ok = ok && BN_priv_rand_range(k, n);
  } while (ok && BN_is_zero(k));
  ok = ok && EC_POINT_mul(p256(), q, k, nullptr, nullptr, nullptr) &&
       EC_POINT_point2oct(p256(), q, POINT_CONVERSION_COMPRESSED, out_pub,
                          TCPINC_CORE_P256_POINT_LEN, nullptr) == TCPINC_CORE_P256_POINT_LEN &&
       BN_bn2binpad(k, out_priv, 32) == 32;
  BN_clear_free(k);
  EC_POINT_free(q);
  return ok ? TCPINC_CORE_CRYPTO_OK : TCPINC_CORE_CRYPTO_ERR;
}

int p256_shared(const tcpinc_u8* priv, const tcpinc_u8* pub, size_t pub_len, tcpinc_u8* out) {
  EC_POINT* q = p256_decode(pub, pub_len);
  if (!q) return TCPINC_CORE_CRYPTO_EBADKEY;
  BIGNUM* k = BN_bin2bn(priv, 32, BN_secure_new());
  EC_POINT* r = EC_POINT_new(p256());
  BIGNUM* x = BN_new();
  int rc = TCPINC_CORE_CRYPTO_ERR;
  if (k && r && x && EC_POINT_mul(p256(), r, nullptr, q, k, nullptr)) {
    if (EC_POINT_is_at_infinity(p256(), r))
      rc = TCPINC_CORE_CRYPTO_EBADKEY;
    else if (EC_POINT_get_affine_coordinates(p256(), r, x, nullptr, nullptr) &&
             BN_bn2binpad(x, out, 32) == 32)
      rc = TCPINC_CORE_CRYPTO_OK;
  }
  BN_clear_free(k);
  BN_clear_free(x);
  EC_POINT_clear_free(r);
  EC_POINT_free(q);
  return rc;
}

// --- table entries ----------------------------------------------------------

int kex_keygen(void*, tcpinc_u8 kex, tcpinc_u8* out_priv, tcpinc_u8* out_pub) {
  if (kex == TCPINC_CORE_KEX_X25519) {
    if (RAND_priv_bytes(out_priv, 32) != 1) return TCPINC_CORE_CRYPTO_ERR;
    return xdh_public(EVP_PKEY_X25519, 32, out_priv, out_pub);
  }
  if (kex == TCPINC_CORE_KEX_X448) {
    if (RAND_priv_bytes(out_priv, 56) != 1) return TCPINC_CORE_CRYPTO_ERR;
    return xdh_public(EVP_PKEY_X448, 56, out_priv, out_pub);
  }
  if (kex == TCPINC_CORE_KEX_P256) return p256_keygen(out_priv, out_pub);
  return TCPINC_CORE_CRYPTO_EUNSUPP;
}

int kex_validate(void*, tcpinc_u8 kex, const tcpinc_u8* pub, tcpinc_usize len) {
  if (kex == TCPINC_CORE_KEX_X25519)
    // Every 32-byte string is an X25519 public key (RFC 7748); small-order
    // inputs are caught by the all-zero check on the result.
    return len == 32 ? TCPINC_CORE_CRYPTO_OK : TCPINC_CORE_CRYPTO_EBADKEY;
  if (kex == TCPINC_CORE_KEX_X448)  // likewise (RFC 7748 section 6.2)
    return len == 56 ? TCPINC_CORE_CRYPTO_OK : TCPINC_CORE_CRYPTO_EBADKEY;
  if (kex == TCPINC_CORE_KEX_P256) {
    EC_POINT* p = p256_decode(pub, len);
    EC_POINT_free(p);
    return p ? TCPINC_CORE_CRYPTO_OK : TCPINC_CORE_CRYPTO_EBADKEY;
  }
  return TCPINC_CORE_CRYPTO_EUNSUPP;
}

int kex_shared(void*, tcpinc_u8 kex, const tcpinc_u8* priv, const tcpinc_u8* pub,
               tcpinc_usize len, tcpinc_u8* out) {
  if (kex == TCPINC_CORE_KEX_X25519) {
    if (len != 32) return TCPINC_CORE_CRYPTO_EBADKEY;
    return xdh_shared(EVP_PKEY_X25519, 32, priv, pub, out);
  }
  if (kex == TCPINC_CORE_KEX_X448) {
    if (len != 56) return TCPINC_CORE_CRYPTO_EBADKEY;
    return xdh_shared(EVP_PKEY_X448, 56, priv, pub, out);
  }
  if (kex == TCPINC_CORE_KEX_P256) return p256_shared(priv, pub, len, out);
  return TCPINC_CORE_CRYPTO_EUNSUPP;
}

// Receive buffers: counted, so that tests can check that an idle session
// holds none and that every one is given back.
std::atomic<long> g_live_buffers{0};
std::atomic<long> g_buffer_bytes{0};

void* mem_alloc(void*, tcpinc_usize len) {
  void* p = malloc(len);
  if (p) {
    g_live_buffers++;
    g_buffer_bytes += static_cast<long>(len);
  }
  return p;
}

void mem_free(void*, void* p, tcpinc_usize len) {
  if (!p) return;
  g_live_buffers--;
  g_buffer_bytes -= static_cast<long>(len);
  free(p);
}

const tcpinc_core_crypto_ops kOps = {
    nullptr,   hmac_sha256,
    aead_new,  aead_free,
    aead_seal, aead_open,
    aead_open_segs,
    kex_keygen, kex_validate,
    kex_shared, random_bytes,
    mem_alloc, mem_free,
    hmac_sha256_many,
};

}  // namespace

const tcpinc_core_crypto_ops* openssl_crypto_ops() { return &kOps; }
long openssl_live_aead_contexts() { return g_live_aead.load(); }
long openssl_live_rx_buffers() { return g_live_buffers.load(); }
long openssl_rx_buffer_bytes() { return g_buffer_bytes.load(); }

}  // namespace tcpinc_test
