// TarWriter and TarReader: the POSIX ustar archive a bundle travels in
// (docs/PORTABILITY.md), streamed member by member so neither side ever
// holds the archive in memory.
//
// Only what bundles need: regular files with relative names of at most 255
// bytes (split into ustar's prefix and name fields at a '/'), sizes below
// 8 GiB (11 octal digits), mode 0644, owner 0/0, one fixed mtime for every
// member so the same record exports to the same bytes. The archive ends with
// two zero blocks.
//
// The reader is strict, because a bundle comes from outside: a bad header
// checksum, a type other than a regular file, a name that is absolute, holds
// "..", "." or an empty segment, a backslash or a NUL inside it, a size field
// that is not octal, or input that ends before the end-of-archive marker
// (anywhere: inside a header, inside content or its padding) is
// InvalidArgument with a message saying which ("tar: truncated inside
// member data/x", "tar: bad header checksum at offset N", ...). The pax and
// GNU extension headers are refused too: this writer never emits them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lrs/base/status.h"
#include "lrs/portability/byte_stream.h"

namespace lrs::portability {

class TarWriter {
 public:
  // `sink` must outlive the writer. `mtime` (Unix seconds) is every member's.
  TarWriter(ByteSink* sink, int64_t mtime) : sink_(sink), mtime_(mtime) {}

  // A whole member.
  Status Add(std::string_view name, std::string_view content);
  // A member written in pieces: Begin with its exact size, Append until that
  // many bytes were given, then End (which pads the last block).
  // InvalidArgument when the pieces do not add up to `size`.
  Status Begin(std::string_view name, uint64_t size);
  Status Append(std::string_view bytes);
  Status End();
  // The end-of-archive marker. Nothing may be added after.
  Status Finish();

  uint64_t bytes_written() const { return written_; }

 private:
  ByteSink* sink_;
  int64_t mtime_;
  uint64_t written_ = 0;
  uint64_t remaining_ = 0;  // of the member begun
  uint64_t member_size_ = 0;
  bool in_member_ = false;
  bool finished_ = false;
};

struct TarMember {
  std::string name;
  uint64_t size = 0;
};

class TarReader {
 public:
  // `source` must outlive the reader.
  explicit TarReader(ByteSource* source) : source_(source) {}

  // The next member, skipping whatever of the current one was not read;
  // nullopt at the end-of-archive marker (two zero blocks).
  Result<std::optional<TarMember>> Next();
  // Up to `n` bytes of the current member's content; 0 at its end.
  Result<size_t> Read(char* buf, size_t n);
  // The rest of the current member; InvalidArgument naming the member when
  // it is larger than `max_bytes`.
  Result<std::string> ReadAll(size_t max_bytes);

  // Bytes consumed from the source so far.
  uint64_t offset() const { return offset_; }

 private:
  ByteSource* source_;
  uint64_t offset_ = 0;
  std::string current_;     // name of the current member
  uint64_t remaining_ = 0;  // content bytes of it not yet read
  uint64_t padding_ = 0;    // padding after its content
  bool ended_ = false;
};

}  // namespace lrs::portability
