// Byte streams for bundles that do not fit in memory: a ByteSink takes bytes
// in order (an HTTP response being sent, a file being written), a
// ByteSource gives them back (a spooled request body, a file on disk).
// Files are the one concrete kind here; the HTTP sink lives with the server.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "lrs/base/status.h"

namespace lrs::portability {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Takes all of `bytes` or fails (the sink is then unusable).
  virtual Status Write(std::string_view bytes) = 0;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `buf`. Fewer than `n` only at the end of the
  // input; 0 means the end.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
};

// A new file (truncated if it exists). Finish() flushes, fsyncs when asked,
// and closes; a FileSink destroyed without Finish() just closes.
class FileSink : public ByteSink {
 public:
  static Result<std::unique_ptr<FileSink>> Create(const std::string& path);
  ~FileSink() override;
  Status Write(std::string_view bytes) override;
  Status Finish(bool fsync);
  uint64_t bytes_written() const { return written_; }

 private:
  FileSink(std::FILE* f, std::string path) : file_(f), path_(std::move(path)) {}
  std::FILE* file_;
  std::string path_;
  uint64_t written_ = 0;
};

class FileSource : public ByteSource {
 public:
  static Result<std::unique_ptr<FileSource>> Open(const std::string& path);
  ~FileSource() override;
  Result<size_t> Read(char* buf, size_t n) override;

 private:
  FileSource(std::FILE* f, std::string path) : file_(f), path_(std::move(path)) {}
  std::FILE* file_;
  std::string path_;
};

// A source over bytes in memory (tests, small bundles).
class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override;

 private:
  std::string data_;
  size_t pos_ = 0;
};

// A sink appending to a string (tests, small bundles).
class StringSink : public ByteSink {
 public:
  Status Write(std::string_view bytes) override {
    data_.append(bytes);
    return Status::Ok();
  }
  const std::string& data() const { return data_; }
  std::string& data() { return data_; }

 private:
  std::string data_;
};

// Incremental SHA-256 (OpenSSL EVP), for hashing members as they stream.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(std::string_view bytes);
  // The lowercase hex digest; the stream is reset for reuse.
  std::string FinishHex();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

}  // namespace lrs::portability
