// Must pass: boundary symbol, namespaced symbols, allowed memcpy.
namespace tcpinc {
struct Blob { unsigned char b[200]; };
void copy(Blob* d, const Blob* s) { *d = *s; }
}
extern "C" int tcpinc_core_gate_sample(int x) { return x * 2; }
