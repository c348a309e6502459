// SPDX-License-Identifier: GPL-2.0
// vectors.h - reader for tests/vectors/*.vec (records of `key = hex`).
#ifndef TCPINC_TESTS_VECTORS_H
#define TCPINC_TESTS_VECTORS_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tcpinc_test {

using Bytes = std::vector<uint8_t>;

struct VectorRecord {
  std::string name;
  std::map<std::string, Bytes> fields;
  // at - the field's bytes; fails the current test (and returns empty) if absent.
  const Bytes& at(const std::string& key) const;
  uint64_t num(const std::string& key) const;  // big-endian value of a field
};

// load_vectors - every record of a file below tests/vectors/.
std::vector<VectorRecord> load_vectors(const std::string& file);

// find_vector - the record named name (fails the test if missing).
const VectorRecord& find_vector(const std::vector<VectorRecord>& all, const std::string& name);

}  // namespace tcpinc_test

#endif  // TCPINC_TESTS_VECTORS_H
