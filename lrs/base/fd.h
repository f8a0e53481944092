// Fd: owns a POSIX file descriptor and closes it on every way out of a
// scope. For the few places that need fsync and exclusive creation, which
// the standard streams cannot give (store-key.pem, backups).
#pragma once

#include <unistd.h>

namespace lrs {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now: close(2) can report a write error nothing before it did.
  bool Close() {
    int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

}  // namespace lrs
