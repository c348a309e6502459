// Must be rejected: a global C symbol outside the tcpinc_core_ prefix.
extern "C" int helper_without_prefix(int x) { return x + 1; }
