// SPDX-License-Identifier: GPL-2.0
// tcpcrypt_frame_bench - seal + open of 16 KiB frames through the core
// (two established sessions, AES-128-GCM, OpenSSL provider) against raw
// OpenSSL AES-128-GCM seal + open of the same 16 KiB in the same run.
// Prints core/raw throughput; the target is >= 0.95 (framing costs <= 5%).
// Never asserts: a shared machine is too noisy for a pass/fail threshold.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "crypto_openssl.h"
#include "tcpcrypt_session.h"

using namespace tcpinc;
using namespace tcpinc::tcpcrypt;

namespace {

constexpr size_t kFrameData = 16384;

void BM_RawOpenSslAes128Gcm(benchmark::State& state) {
  unsigned char key[16] = {1}, iv[12] = {2}, ad[3] = {0, 0x40, 0x11}, tag[16];
  std::vector<unsigned char> data(kFrameData, 0x5a), ct(kFrameData), pt(kFrameData);
  EVP_CIPHER_CTX* enc = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX* dec = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(enc, EVP_aes_128_gcm(), nullptr, key, nullptr);
  EVP_DecryptInit_ex(dec, EVP_aes_128_gcm(), nullptr, key, nullptr);
  for (auto _ : state) {
    int l = 0;
    iv[11]++;
    EVP_EncryptInit_ex(enc, nullptr, nullptr, nullptr, iv);
    EVP_EncryptUpdate(enc, nullptr, &l, ad, 3);
    EVP_EncryptUpdate(enc, ct.data(), &l, data.data(), kFrameData);
    EVP_EncryptFinal_ex(enc, ct.data() + l, &l);
    EVP_CIPHER_CTX_ctrl(enc, EVP_CTRL_AEAD_GET_TAG, 16, tag);
    EVP_DecryptInit_ex(dec, nullptr, nullptr, nullptr, iv);
    EVP_DecryptUpdate(dec, nullptr, &l, ad, 3);
    EVP_DecryptUpdate(dec, pt.data(), &l, ct.data(), kFrameData);
    EVP_CIPHER_CTX_ctrl(dec, EVP_CTRL_AEAD_SET_TAG, 16, tag);
    if (EVP_DecryptFinal_ex(dec, pt.data() + l, &l) <= 0) state.SkipWithError("raw open failed");
    benchmark::DoNotOptimize(pt.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kFrameData);
  EVP_CIPHER_CTX_free(enc);
  EVP_CIPHER_CTX_free(dec);
}

struct SessionDeleter {
  void operator()(Session* s) const {
    s->destroy();
    delete s;
  }
};

void BM_CoreFrameSealOpen(benchmark::State& state) {
  const CryptoOps* ops = tcpinc_test::openssl_crypto_ops();
  // A resumed pair is established without Init messages: keys only.
  ResumeAttempt a{}, b{};
  for (ResumeAttempt* x : {&a, &b}) {
    memset(x->ss, 0x11, sizeof x->ss);
    x->valid = true;
    x->kex = TCPINC_CORE_KEX_X25519;
    x->aead = TCPINC_CORE_AEAD_AES_128_GCM;
  }
  a.original_role = Role::kA;
  b.original_role = Role::kB;
  std::unique_ptr<Session, SessionDeleter> sa(new Session()), sb(new Session());
  SessionConfig ca{}, cb{};
  ca.hs.role = Role::kA;
  cb.hs.role = Role::kB;
  ca.tep_byte = cb.tep_byte = 0xa3;
  ca.resume = &a;
  cb.resume = &b;
  if (sa->start(ops, ca) != Status::kOk || sb->start(ops, cb) != Status::kOk) {
    state.SkipWithError("session start failed");
    return;
  }
  std::vector<u8> data(kFrameData, 0x5a), wire(kMaxFrameLen);
  for (auto _ : state) {
    usize n = 0, used = 0;
    RecvEvent ev;
    if (sa->seal(data.data(), kFrameData, {}, wire.data(), wire.size(), &n) != Status::kOk ||
        sb->receive(wire.data(), n, &used, &ev) != Status::kOk || ev.data_len != kFrameData) {
      state.SkipWithError("core seal/open failed");
      break;
    }
    benchmark::DoNotOptimize(ev.data);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kFrameData);
}

BENCHMARK(BM_RawOpenSslAes128Gcm)->Repetitions(7)->MinTime(0.2);
BENCHMARK(BM_CoreFrameSealOpen)->Repetitions(7)->MinTime(0.2);

// BestTimeReporter - the console output plus the best (lowest) CPU time per
// iteration of each benchmark over its repetitions, for the ratio.
class BestTimeReporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> best;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.error_occurred) continue;
      std::string name = r.run_name.function_name;
      double t = r.GetAdjustedCPUTime();
      auto it = best.find(name);
      if (it == best.end() || t < it->second) best[name] = t;
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

int main(int argc, char** argv) {
  // Interleave the repetitions of both benchmarks so that load from other
  // processes on a shared machine hits both alike.
  std::vector<char*> args(argv, argv + argc);
  static char interleave[] = "--benchmark_enable_random_interleaving=true";
  args.push_back(interleave);
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  BestTimeReporter rep;
  benchmark::RunSpecifiedBenchmarks(&rep);
  auto raw = rep.best.find("BM_RawOpenSslAes128Gcm");
  auto core = rep.best.find("BM_CoreFrameSealOpen");
  if (raw != rep.best.end() && core != rep.best.end() && core->second > 0) {
    double ratio = raw->second / core->second;
    printf("\ntcpcrypt 16 KiB frame seal+open vs raw OpenSSL AES-128-GCM: %.3fx throughput (target >= 0.95x)\n",
           ratio);
  }
  benchmark::Shutdown();
  return 0;
}
