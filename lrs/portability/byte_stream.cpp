#include "lrs/portability/byte_stream.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "lrs/base/encoding.h"

namespace lrs::portability {

namespace {

// errno is read at once: anything called later (even building the message)
// may overwrite it.
Status IoFailure(std::string_view what, const std::string& path) {
  int err = errno;
  return Status::IoError(std::string(what) + " " + path + ": " + std::strerror(err));
}

}  // namespace

Result<std::unique_ptr<FileSink>> FileSink::Create(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return IoFailure("cannot create", path);
  return std::unique_ptr<FileSink>(new FileSink(f, path));
}

FileSink::~FileSink() {
  if (file_ != nullptr) std::fclose(file_);
}

Status FileSink::Write(std::string_view bytes) {
  if (file_ == nullptr) return Status::IoError("write to closed file " + path_);
  if (bytes.empty()) return Status::Ok();
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    Status s = IoFailure("cannot write", path_);
    // Part of `bytes` may be in the file: the sink must not take more.
    std::fclose(file_);
    file_ = nullptr;
    return s;
  }
  written_ += bytes.size();
  return Status::Ok();
}

Status FileSink::Finish(bool fsync) {
  if (file_ == nullptr) return Status::IoError("finish of closed file " + path_);
  std::FILE* f = file_;
  file_ = nullptr;
  // fflush only hands the bytes to the kernel; fsync is what makes them
  // survive a crash, so a bundle is not reported written before it is.
  if (std::fflush(f) != 0 || (fsync && ::fsync(fileno(f)) != 0)) {
    Status s = IoFailure("cannot flush", path_);
    std::fclose(f);
    return s;
  }
  // fclose can still report a write error of the kernel (NFS, quota).
  if (std::fclose(f) != 0) return IoFailure("cannot close", path_);
  return Status::Ok();
}

Result<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return IoFailure("cannot open", path);
  return std::unique_ptr<FileSource>(new FileSource(f, path));
}

FileSource::~FileSource() { std::fclose(file_); }

Result<size_t> FileSource::Read(char* buf, size_t n) {
  // fread returns fewer than n only at the end of the file or on an error,
  // which is exactly the ByteSource contract once the two are told apart.
  size_t got = std::fread(buf, 1, n, file_);
  if (got < n && std::ferror(file_)) return IoFailure("cannot read", path_);
  return got;
}

Result<size_t> StringSource::Read(char* buf, size_t n) {
  size_t got = std::min(n, data_.size() - pos_);
  if (got == 0) return size_t{0};  // `buf` may be null when `n` is 0
  std::memcpy(buf, data_.data() + pos_, got);
  pos_ += got;
  return got;
}

struct Sha256Stream::Ctx {
  EVP_MD_CTX* md = nullptr;
  ~Ctx() { EVP_MD_CTX_free(md); }
  void Init() {
    // Fails only when OpenSSL is misconfigured; as in lrs/base/encoding.cpp
    // there is nothing a caller could do about it.
    if (EVP_DigestInit_ex(md, EVP_sha256(), nullptr) != 1) {
      throw std::runtime_error("EVP_DigestInit_ex(sha256) failed");
    }
  }
};

Sha256Stream::Sha256Stream() : ctx_(std::make_unique<Ctx>()) {
  ctx_->md = EVP_MD_CTX_new();
  if (ctx_->md == nullptr) throw std::runtime_error("EVP_MD_CTX_new failed");
  ctx_->Init();
}

Sha256Stream::~Sha256Stream() = default;

void Sha256Stream::Update(std::string_view bytes) {
  if (bytes.empty()) return;
  if (EVP_DigestUpdate(ctx_->md, bytes.data(), bytes.size()) != 1) {
    throw std::runtime_error("EVP_DigestUpdate failed");
  }
}

std::string Sha256Stream::FinishHex() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_->md, out, &len) != 1) {
    throw std::runtime_error("EVP_DigestFinal_ex failed");
  }
  ctx_->Init();
  return HexEncode(std::string_view(reinterpret_cast<char*>(out), len));
}

}  // namespace lrs::portability
