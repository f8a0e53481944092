// TempDir: a fresh directory under /tmp for one test, removed with all it
// holds when the test ends. Shared by the unit tests of every layer.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace lrs::test {

class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "lrs_test") {
    std::string tmpl = "/tmp/" + std::string(prefix) + "_XXXXXX";
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Empty when mkdtemp failed.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace lrs::test
