// Must be rejected: exceptions need the C++ runtime and unwind tables.
namespace tcpinc { int f(int x) { if (x) throw x; return 0; } }
