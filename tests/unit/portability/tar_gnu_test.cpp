// TarWriter and TarReader against GNU tar, both ways: what TarWriter writes
// lists and extracts with /usr/bin/tar, what GNU tar writes in ustar format
// reads back, and GNU's own formats (pax, GNU long names) are refused.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

#include "lrs/portability/tar.h"
#include "tests/common/temp_dir.h"
#include "tests/unit/portability/tar_test_util.h"

namespace lrs::portability {
namespace {

using lrs::test::TempDir;
using namespace tar_test;

// ---------------------------------------------------------------------------
// GNU tar, both ways

using lrs::test::TempDir;

constexpr char kGnuTar[] = "/usr/bin/tar";

// Runs `command` with stderr folded into stdout; the exit status and output.
std::pair<int, std::string> RunShell(const std::string& command) {
  std::FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return {-1, ""};
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  return {pclose(p), out};
}

void WriteFile(const std::string& path, std::string_view content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

TEST(TarGnuTest, GnuTarListsAndExtractsWhatTarWriterWrote) {
  if (!std::filesystem::exists(kGnuTar)) GTEST_SKIP() << "no " << kGnuTar;
  TempDir dir("lrs_tar");
  ASSERT_FALSE(dir.path().empty()) << "mkdtemp failed";
  const std::string path = dir.path() + "/out.tar";
  const Members members = SampleMembers();
  {
    auto file = FileSink::Create(path);
    ASSERT_TRUE(file.ok()) << file.status().message();
    TarWriter w(file->get(), kMtime);
    for (const auto& [name, content] : members) ASSERT_TRUE(w.Add(name, content).ok());
    ASSERT_TRUE(w.Finish().ok());
    ASSERT_TRUE((*file)->Finish(true).ok());
  }

  // "-rw-r--r-- 0/0 <size> 2025-01-01 00:00 <name>", one line a member,
  // and not a word on stderr.
  auto [status, listing] = RunShell(std::string("TZ=UTC ") + kGnuTar + " -tvf " + path);
  ASSERT_EQ(status, 0) << listing;
  std::istringstream lines(listing);
  std::string line;
  for (const auto& [name, content] : members) {
    ASSERT_TRUE(std::getline(lines, line)) << listing;
    std::istringstream words(line);
    std::string mode, owner, size, date, time, listed;
    words >> mode >> owner >> size >> date >> time >> listed;
    EXPECT_EQ(mode, "-rw-r--r--") << line;
    EXPECT_EQ(owner, "0/0") << line;
    EXPECT_EQ(size, std::to_string(content.size())) << line;
    EXPECT_EQ(date + " " + time, "2025-01-01 00:00") << line;
    EXPECT_EQ(listed, name) << line;
  }
  EXPECT_FALSE(std::getline(lines, line)) << "extra output: " << line;

  for (const auto& [name, content] : members) {
    auto [rc, extracted] = RunShell(std::string(kGnuTar) + " -xOf " + path + " " + name);
    EXPECT_EQ(rc, 0) << name << ": " << extracted;
    EXPECT_TRUE(extracted == content) << name;
  }
}

TEST(TarGnuTest, TarReaderReadsWhatGnuTarWrote) {
  if (!std::filesystem::exists(kGnuTar)) GTEST_SKIP() << "no " << kGnuTar;
  TempDir dir("lrs_tar");
  ASSERT_FALSE(dir.path().empty()) << "mkdtemp failed";
  const std::string deep = std::string(70, 'd') + "/" + std::string(70, 'e') + "/file.json";
  const Members members = {{"hello.txt", "hello\n"},
                           {"empty", ""},
                           {"exact512", Pseudorandom(512, 4)},
                           {"data/big.bin", Pseudorandom(20000, 5)},
                           {deep, "{\"deep\":true}\n"}};
  std::string names;
  for (const auto& [name, content] : members) {
    WriteFile(dir.path() + "/src/" + name, content);
    names += " " + name;
  }
  auto [status, out] = RunShell("cd " + dir.path() + "/src && " + kGnuTar +
                                " --format=ustar -cf ../gnu.tar" + names);
  ASSERT_EQ(status, 0) << out;

  auto file = FileSource::Open(dir.path() + "/gnu.tar");
  ASSERT_TRUE(file.ok()) << file.status().message();
  TarReader r(file->get());
  Members back;
  while (true) {
    auto m = r.Next();
    ASSERT_TRUE(m.ok()) << m.status().message();
    if (!*m) break;
    auto content = r.ReadAll(1 << 20);
    ASSERT_TRUE(content.ok()) << content.status().message();
    back.emplace_back((*m)->name, std::move(*content));
  }
  EXPECT_EQ(back, members);
}

TEST(TarGnuTest, RefusesGnuTarPaxAndGnuFormats) {
  if (!std::filesystem::exists(kGnuTar)) GTEST_SKIP() << "no " << kGnuTar;
  TempDir dir("lrs_tar");
  ASSERT_FALSE(dir.path().empty()) << "mkdtemp failed";
  const std::string long_name = std::string(110, 'l');  // GNU needs 'L' for it
  WriteFile(dir.path() + "/src/" + long_name, "x");
  WriteFile(dir.path() + "/src/short", "y");
  struct Case {
    std::string args;
    std::string expected;
  } cases[] = {
      {"--format=pax -cf ../a.tar short", "tar: pax extended header at offset 0 refused"},
      {"--format=gnu -cf ../a.tar " + long_name, "tar: GNU long name header at offset 0 refused"},
      {"--format=gnu -cf ../a.tar short", "tar: not a POSIX ustar header at offset 0"},
  };
  for (const auto& c : cases) {
    auto [status, out] = RunShell("cd " + dir.path() + "/src && " + kGnuTar + " " + c.args);
    ASSERT_EQ(status, 0) << out;
    auto file = FileSource::Open(dir.path() + "/a.tar");
    ASSERT_TRUE(file.ok()) << file.status().message();
    TarReader r(file->get());
    auto m = r.Next();
    ASSERT_FALSE(m.ok()) << c.args;
    EXPECT_EQ(m.status().message(), c.expected) << c.args;
  }
}

}  // namespace
}  // namespace lrs::portability
