#include "lrs/store/durable_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "lrs/base/fd.h"

namespace lrs::store::files {

namespace fs = std::filesystem;

namespace {

Status Errno(const std::string& what, const std::string& path) {
  int e = errno;
  std::string message = what + " " + path + ": " + std::strerror(e);
  if (e == EEXIST) return Status::Conflict(message);
  if (e == ENOENT) return Status::NotFound(message);
  return Status::IoError(message);
}

Status WriteAll(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("write", path);
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

// fsync and close a file written through `fd`.
Status Finish(Fd& fd, const std::string& path) {
  if (::fsync(fd.get()) != 0) return Errno("fsync", path);
  if (!fd.Close()) return Errno("close", path);
  return Status::Ok();
}

}  // namespace

Status Sync(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return Errno("open", path);
  if (::fsync(fd.get()) != 0) return Errno("fsync", path);
  return Status::Ok();
}

Status CopySynced(const std::string& from, const std::string& to, mode_t mode) {
  Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return Errno("open", from);
  Fd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (out.get() < 0) return Errno("create", to);
  std::vector<char> buffer(1u << 20);
  for (;;) {
    ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("read", from);
    if (n == 0) break;
    LRS_RETURN_IF_ERROR(WriteAll(out.get(), buffer.data(), static_cast<size_t>(n), to));
  }
  return Finish(out, to);
}

Status WriteNewSynced(const std::string& path, const std::string& contents, mode_t mode) {
  Fd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (out.get() < 0) return Errno("create", path);
  LRS_RETURN_IF_ERROR(WriteAll(out.get(), contents.data(), contents.size(), path));
  return Finish(out, path);
}

Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes) {
  Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return Errno("open", path);
  std::string text;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(in.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("read", path);
    if (n == 0) return text;
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > max_bytes) {
      return Status::InvalidArgument(path + ": over " + std::to_string(max_bytes) + " bytes");
    }
  }
}

Result<PathState> Inspect(const std::string& path) {
  std::error_code ec;
  fs::file_status st = fs::symlink_status(path, ec);
  if (st.type() == fs::file_type::not_found) return PathState::kAbsent;
  if (ec) return Status::IoError("inspect " + path + ": " + ec.message());
  if (st.type() != fs::file_type::directory) return PathState::kOccupied;
  fs::directory_iterator it(path, ec);
  if (ec) return Status::IoError("list " + path + ": " + ec.message());
  return it == fs::directory_iterator() ? PathState::kEmptyDirectory : PathState::kOccupied;
}

Status MakeDirectoryExclusive(const std::string& path) {
  fs::path target(path);
  std::vector<fs::path> missing;
  for (fs::path p = target.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
    std::error_code ec;
    if (fs::exists(p, ec)) break;
    missing.push_back(p);
  }
  std::reverse(missing.begin(), missing.end());
  for (const fs::path& p : missing) {
    if (::mkdir(p.c_str(), 0700) != 0 && errno != EEXIST) {
      return Errno("create directory", p.string());
    }
  }
  if (::mkdir(path.c_str(), 0700) != 0) return Errno("create directory", path);
  // The new entries are durable only once the directories naming them are.
  fs::path top = missing.empty() ? target : missing.front();
  fs::path parent = top.has_parent_path() ? top.parent_path() : fs::path(".");
  return Sync(parent.string());
}

Result<std::vector<FileEntry>> ListFiles(const std::string& dir) {
  std::vector<FileEntry> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    fs::file_status st = it->symlink_status(ec);
    if (ec) break;
    if (st.type() == fs::file_type::directory) continue;
    std::string name = it->path().lexically_relative(dir).generic_string();
    if (st.type() != fs::file_type::regular) {
      return Status::IoError(dir + "/" + name + ": not a regular file");
    }
    uint64_t bytes = it->file_size(ec);
    if (ec) break;
    out.push_back({std::move(name), bytes});
  }
  if (ec) return Status::IoError("list " + dir + ": " + ec.message());
  std::sort(out.begin(), out.end(),
            [](const FileEntry& a, const FileEntry& b) { return a.name < b.name; });
  return out;
}

}  // namespace lrs::store::files
