// Must be rejected: a global with a dynamic initialiser needs .init_array.
int tcpinc_gate_sample_value();
namespace tcpinc { int g = tcpinc_gate_sample_value(); }
