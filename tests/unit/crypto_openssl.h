// SPDX-License-Identifier: GPL-2.0
// crypto_openssl.h - the userspace crypto provider (OpenSSL 3) for the
// tcpcrypt core, used by the unit tests and the benchmark.
#ifndef TCPINC_TESTS_CRYPTO_OPENSSL_H
#define TCPINC_TESTS_CRYPTO_OPENSSL_H

#include "tcpinc/core_api.h"

namespace tcpinc_test {

// openssl_crypto_ops - a complete provider table. Its ctx is unused (the
// provider's state is process-wide), so one table serves every session.
const tcpinc_core_crypto_ops* openssl_crypto_ops();

// openssl_live_aead_contexts - AEAD contexts created and not yet freed,
// for leak checks in tests.
long openssl_live_aead_contexts();
// Receive buffers the core holds now (mem_alloc minus mem_free), and their bytes.
long openssl_live_rx_buffers();
long openssl_rx_buffer_bytes();

}  // namespace tcpinc_test

#endif  // TCPINC_TESTS_CRYPTO_OPENSSL_H
