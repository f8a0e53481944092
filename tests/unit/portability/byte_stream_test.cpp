// FileSink/FileSource against each other on a file of a few MB, the string
// streams, and Sha256Stream against the one-shot digest of lrs/base.
#include "lrs/portability/byte_stream.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "lrs/base/encoding.h"
#include "tests/common/temp_dir.h"
#include "tests/unit/portability/tar_test_util.h"

namespace lrs::portability {
namespace {

using lrs::test::TempDir;
using tar_test::Pseudorandom;

TEST(ByteStreamTest, FileSinkAndSourceRoundTripSeveralMegabytes) {
  TempDir dir("lrs_byte_stream");
  ASSERT_FALSE(dir.path().empty()) << "mkdtemp failed";
  const std::string path = dir.path() + "/big.bin";
  const std::string data = Pseudorandom(3 * 1024 * 1024 + 123, 7);

  auto sink = FileSink::Create(path);
  ASSERT_TRUE(sink.ok()) << sink.status().message();
  // Uneven chunk sizes, including empty writes.
  size_t pos = 0;
  for (size_t chunk = 0; pos < data.size(); chunk = (chunk * 7 + 4093) % 70001) {
    size_t n = std::min(chunk, data.size() - pos);
    ASSERT_TRUE((*sink)->Write(std::string_view(data).substr(pos, n)).ok());
    pos += n;
  }
  EXPECT_EQ((*sink)->bytes_written(), data.size());
  ASSERT_TRUE((*sink)->Finish(/*fsync=*/true).ok());
  EXPECT_EQ(std::filesystem::file_size(path), data.size());

  auto source = FileSource::Open(path);
  ASSERT_TRUE(source.ok()) << source.status().message();
  std::string back;
  std::vector<char> buf(65521);
  while (true) {
    auto n = (*source)->Read(buf.data(), buf.size());
    ASSERT_TRUE(n.ok()) << n.status().message();
    if (*n == 0) break;
    back.append(buf.data(), *n);
  }
  EXPECT_TRUE(back == data);
  // The end stays the end.
  auto again = (*source)->Read(buf.data(), buf.size());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
}

TEST(ByteStreamTest, FileSinkTruncatesAndFinishesWithoutFsync) {
  TempDir dir("lrs_byte_stream");
  ASSERT_FALSE(dir.path().empty()) << "mkdtemp failed";
  const std::string path = dir.path() + "/f";
  {
    auto sink = FileSink::Create(path);
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Write("a longer first version").ok());
    ASSERT_TRUE((*sink)->Finish(false).ok());
  }
  auto sink = FileSink::Create(path);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Write("short").ok());
  ASSERT_TRUE((*sink)->Finish(false).ok());
  EXPECT_EQ(std::filesystem::file_size(path), 5u);

  // Finished means closed.
  Status late = (*sink)->Write("more");
  EXPECT_TRUE(late.Is(Status::Code::kIoError));
  EXPECT_TRUE((*sink)->Finish(true).Is(Status::Code::kIoError));
}

TEST(ByteStreamTest, FileSinkDestroyedWithoutFinishCloses) {
  TempDir dir("lrs_byte_stream");
  ASSERT_FALSE(dir.path().empty()) << "mkdtemp failed";
  const std::string path = dir.path() + "/g";
  {
    auto sink = FileSink::Create(path);
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Write("kept").ok());
  }
  auto source = FileSource::Open(path);
  ASSERT_TRUE(source.ok());
  char buf[16];
  auto n = (*source)->Read(buf, sizeof buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "kept");
}

TEST(ByteStreamTest, OpenErrorsNameThePathAndTheReason) {
  TempDir dir("lrs_byte_stream");
  ASSERT_FALSE(dir.path().empty()) << "mkdtemp failed";
  const std::string missing = dir.path() + "/no/such/file";

  auto source = FileSource::Open(missing);
  ASSERT_FALSE(source.ok());
  EXPECT_TRUE(source.status().Is(Status::Code::kIoError));
  EXPECT_NE(source.status().message().find(missing), std::string::npos);
  EXPECT_NE(source.status().message().find(std::strerror(ENOENT)), std::string::npos);

  auto sink = FileSink::Create(missing);
  ASSERT_FALSE(sink.ok());
  EXPECT_TRUE(sink.status().Is(Status::Code::kIoError));
  EXPECT_NE(sink.status().message().find(missing), std::string::npos);
  EXPECT_NE(sink.status().message().find(std::strerror(ENOENT)), std::string::npos);
}

TEST(ByteStreamTest, StringSourceAndSink) {
  StringSource source("hello, world");
  char buf[5];
  std::string back;
  while (true) {
    auto n = source.Read(buf, sizeof buf);
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;
    back.append(buf, *n);
  }
  EXPECT_EQ(back, "hello, world");

  StringSink sink;
  ASSERT_TRUE(sink.Write("ab").ok());
  ASSERT_TRUE(sink.Write("").ok());
  ASSERT_TRUE(sink.Write("c").ok());
  EXPECT_EQ(sink.data(), "abc");

  StringSource empty("");
  auto n = empty.Read(buf, sizeof buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
}

TEST(ByteStreamTest, Sha256StreamMatchesOneShotDigest) {
  Sha256Stream sha;
  EXPECT_EQ(sha.FinishHex(), Sha256Hex(""));
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  sha.Update("abc");
  EXPECT_EQ(sha.FinishHex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  // In uneven pieces, and the stream reset after each FinishHex.
  const std::string data = Pseudorandom(1 << 20, 3);
  for (size_t piece : {1u, 63u, 64u, 65u, 4096u, 100000u}) {
    for (size_t pos = 0; pos < data.size(); pos += piece) {
      sha.Update(std::string_view(data).substr(pos, piece));
    }
    EXPECT_EQ(sha.FinishHex(), Sha256Hex(data)) << "pieces of " << piece;
  }
}

}  // namespace
}  // namespace lrs::portability
