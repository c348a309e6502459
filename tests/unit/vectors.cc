// SPDX-License-Identifier: GPL-2.0
// vectors.cc - the .vec parser: blank lines separate records, `#` lines are
// comments, `test = name` opens a record, every other value is hex.
#include "vectors.h"

#include <gtest/gtest.h>

#include <fstream>


namespace tcpinc_test {

static Bytes from_hex(const std::string& s) {
  Bytes b;
  for (size_t i = 0; i + 1 < s.size(); i += 2) b.push_back(static_cast<uint8_t>(std::stoul(s.substr(i, 2), nullptr, 16)));
  return b;
}

static std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r"), z = s.find_last_not_of(" \t\r");
  return a == std::string::npos ? "" : s.substr(a, z - a + 1);
}

std::vector<VectorRecord> load_vectors(const std::string& file) {
  // The unit Makefile compiles with absolute paths: tests/unit/vectors.cc.
  std::string here = __FILE__;
  std::string path = here.substr(0, here.rfind('/')) + "/../vectors/" + file;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::vector<VectorRecord> out;
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(line.substr(0, eq)), val = trim(line.substr(eq + 1));
    if (key == "test") {
      out.push_back(VectorRecord{val, {}});
    } else if (!out.empty()) {
      out.back().fields[key] = from_hex(val);
    }
  }
  return out;
}

const Bytes& VectorRecord::at(const std::string& key) const {
  static const Bytes empty;
  auto it = fields.find(key);
  EXPECT_NE(it, fields.end()) << name << ": no field " << key;
  return it == fields.end() ? empty : it->second;
}

uint64_t VectorRecord::num(const std::string& key) const {
  uint64_t v = 0;
  for (uint8_t b : at(key)) v = (v << 8) | b;
  return v;
}

const VectorRecord& find_vector(const std::vector<VectorRecord>& all, const std::string& name) {
  for (const auto& r : all)
    if (r.name == name) return r;
  ADD_FAILURE() << "no vector " << name;
  static const VectorRecord none;
  return none;
}

}  // namespace tcpinc_test
