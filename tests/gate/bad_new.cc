// Must be rejected: operator new is not on the undefined-symbol allowlist.
namespace tcpinc { int* make() { return new int(3); } }
