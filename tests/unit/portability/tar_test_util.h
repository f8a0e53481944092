// Shared by the tar tests (and byte_stream_test for Pseudorandom): a sample of members covering the
// layout's edge cases (empty, exactly one block, a long name split into prefix and name), and
// writing and reading whole archives in memory.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "lrs/portability/tar.h"

namespace lrs::portability::tar_test {

inline constexpr int64_t kMtime = 1735689600;  // 2025-01-01T00:00:00Z
inline constexpr size_t kBlock = 512;

using Members = std::vector<std::pair<std::string, std::string>>;

inline std::string Pseudorandom(size_t n, uint32_t seed) {
  std::string out(n, '\0');
  uint32_t x = seed;
  for (auto& c : out) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return out;
}

// A name of 205 bytes that only fits ustar split at its one '/'.
inline const std::string& LongName() {
  static const std::string name = std::string(120, 'p') + "/" + std::string(84, 'n');
  return name;
}

inline Members SampleMembers() {
  return {{"a.txt", "hello\n"},
          {"empty", ""},
          {"dir/exact512", Pseudorandom(512, 1)},
          {"dir/big.bin", Pseudorandom(5000, 2)},
          {LongName(), "long\n"},
          {std::string(100, 'x'), "a name filling the whole name field"}};
}

inline std::string WriteArchive(const Members& members) {
  StringSink sink;
  TarWriter w(&sink, kMtime);
  for (const auto& [name, content] : members) EXPECT_TRUE(w.Add(name, content).ok()) << name;
  EXPECT_TRUE(w.Finish().ok());
  EXPECT_EQ(w.bytes_written(), sink.data().size());
  return sink.data();
}

// Every member of `archive`, or the first error.
inline Result<Members> ReadArchive(std::string archive) {
  StringSource source(std::move(archive));
  TarReader r(&source);
  Members out;
  while (true) {
    auto m = r.Next();
    if (!m.ok()) return m.status();
    if (!*m) return out;
    auto content = r.ReadAll(1 << 20);
    if (!content.ok()) return content.status();
    if (content->size() != (*m)->size) return Status::Internal("size mismatch");
    out.emplace_back((*m)->name, std::move(*content));
  }
}

}  // namespace lrs::portability::tar_test
