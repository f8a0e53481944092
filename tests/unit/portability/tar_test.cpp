// TarWriter and TarReader: round trips, byte layout, and every refusal the
// header comment promises (GNU tar interoperability: tar_gnu_test.cpp).
#include "lrs/portability/tar.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

#include "tests/unit/portability/tar_test_util.h"

namespace lrs::portability {
namespace {

using namespace tar_test;

// Overwrites bytes of the header at `header` and makes its checksum right
// again, so only the change itself is under test.
void PatchHeader(std::string* archive, size_t header, size_t field, std::string_view bytes) {
  archive->replace(header + field, bytes.size(), bytes);
  std::fill_n(archive->begin() + header + 148, 8, ' ');
  unsigned sum = 0;
  for (size_t i = 0; i < kBlock; ++i) sum += static_cast<uint8_t>((*archive)[header + i]);
  char chk[8];
  std::snprintf(chk, sizeof chk, "%06o", sum);
  archive->replace(header + 148, 7, std::string_view(chk, 7));  // six digits and NUL
}

// The Status of reading `archive` to its end; fails the test if it is ok.
Status ReadError(const std::string& archive) {
  auto r = ReadArchive(archive);
  EXPECT_FALSE(r.ok()) << "read succeeded";
  return r.ok() ? Status::Ok() : r.status();
}

bool Contains(const Status& s, std::string_view text) {
  return s.message().find(text) != std::string::npos;
}

// ---------------------------------------------------------------------------
// Writing and reading back

TEST(TarTest, RoundTripsSeveralMembers) {
  const Members members = SampleMembers();
  const std::string archive = WriteArchive(members);
  EXPECT_EQ(archive.size() % kBlock, 0u);
  EXPECT_EQ(archive.substr(archive.size() - 2 * kBlock), std::string(2 * kBlock, '\0'));

  auto back = ReadArchive(archive);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, members);
}

TEST(TarTest, LaysOutBlocksExactly) {
  // Header, 512 bytes of content without padding, header of an empty
  // member with no content block, header, 1 byte padded to a block, marker.
  const std::string archive =
      WriteArchive({{"exact", std::string(512, 'e')}, {"empty", ""}, {"one", "1"}});
  ASSERT_EQ(archive.size(), 7 * kBlock);
  EXPECT_EQ(archive.substr(kBlock, kBlock), std::string(kBlock, 'e'));
  EXPECT_EQ(archive.substr(2 * kBlock, 5), "empty");
  EXPECT_EQ(archive.substr(3 * kBlock, 3), "one");
  EXPECT_EQ(archive.substr(4 * kBlock, kBlock), "1" + std::string(kBlock - 1, '\0'));

  // The fixed header fields: mode, owner, size, mtime, type, magic, version,
  // NUL-terminated octal and the "\0 " checksum ending.
  std::string_view h(archive.data(), kBlock);
  EXPECT_EQ(h.substr(100, 8), std::string_view("0000644\0", 8));
  EXPECT_EQ(h.substr(108, 8), std::string_view("0000000\0", 8));
  EXPECT_EQ(h.substr(116, 8), std::string_view("0000000\0", 8));
  EXPECT_EQ(h.substr(124, 12), std::string_view("00000001000\0", 12));
  EXPECT_EQ(h.substr(136, 12), std::string_view("14735102600\0", 12));
  EXPECT_EQ(h.substr(154, 2), std::string_view("\0 ", 2));
  EXPECT_EQ(h[156], '0');
  EXPECT_EQ(h.substr(257, 8), std::string_view("ustar\0"
                                               "00",
                                               8));
}

TEST(TarTest, SameMembersGiveSameBytes) {
  EXPECT_EQ(WriteArchive(SampleMembers()), WriteArchive(SampleMembers()));
}

TEST(TarTest, SplitsLongNamesIntoPrefixAndName) {
  const std::string archive = WriteArchive({{LongName(), "x"}});
  EXPECT_EQ(archive.substr(0, 100), std::string(84, 'n') + std::string(16, '\0'));
  EXPECT_EQ(archive.substr(345, 155), std::string(120, 'p') + std::string(35, '\0'));

  // The longest names: 155 bytes of prefix, '/', 100 bytes of name; and the
  // split chooses the shortest prefix that leaves a name field of 100.
  const std::string longest = std::string(155, 'a') + "/" + std::string(100, 'b');
  const std::string many = "a/" + std::string(97, 'b') + "/c/" + std::string(96, 'd');
  auto back = ReadArchive(WriteArchive({{longest, "1"}, {many, "2"}}));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, (Members{{longest, "1"}, {many, "2"}}));
}

TEST(TarTest, RefusesNamesThatCannotBeSplit) {
  const std::string cases[] = {
      std::string(101, 'a'),                               // no '/' at all
      "dir/" + std::string(101, 'a'),                      // last segment over 100
      std::string(156, 'a') + "/" + std::string(99, 'b'),  // prefix over 155
      std::string(100, 'a') + "/" + std::string(100, 'b') + "/" + std::string(60, 'c'),
  };
  for (const auto& name : cases) {
    StringSink sink;
    TarWriter w(&sink, kMtime);
    Status s = w.Add(name, "x");
    EXPECT_TRUE(s.Is(Status::Code::kInvalidArgument)) << name;
    EXPECT_TRUE(Contains(s, "cannot be split")) << s.message();
    EXPECT_TRUE(sink.data().empty());
  }
}

TEST(TarTest, WritesAMemberInPieces) {
  const std::string content = Pseudorandom(1300, 9);
  StringSink sink;
  TarWriter w(&sink, kMtime);
  ASSERT_TRUE(w.Begin("pieces", content.size()).ok());
  ASSERT_TRUE(w.Append(std::string_view(content).substr(0, 1)).ok());
  ASSERT_TRUE(w.Append("").ok());
  ASSERT_TRUE(w.Append(std::string_view(content).substr(1, 700)).ok());
  ASSERT_TRUE(w.Append(std::string_view(content).substr(701)).ok());
  ASSERT_TRUE(w.End().ok());
  ASSERT_TRUE(w.Add("after", "a").ok());
  ASSERT_TRUE(w.Finish().ok());
  EXPECT_EQ(sink.data(), WriteArchive({{"pieces", content}, {"after", "a"}}));
}

TEST(TarTest, WriterRefusesPiecesThatDoNotAddUp) {
  StringSink sink;
  TarWriter w(&sink, kMtime);
  EXPECT_TRUE(w.Append("x").Is(Status::Code::kInvalidArgument));  // no member
  EXPECT_TRUE(w.End().Is(Status::Code::kInvalidArgument));
  ASSERT_TRUE(w.Begin("m", 4).ok());
  EXPECT_TRUE(w.Begin("other", 1).Is(Status::Code::kInvalidArgument));
  ASSERT_TRUE(w.Append("abc").ok());
  EXPECT_TRUE(w.Append("de").Is(Status::Code::kInvalidArgument));  // 5 > 4
  EXPECT_TRUE(w.End().Is(Status::Code::kInvalidArgument));         // 3 < 4
  EXPECT_TRUE(w.Finish().Is(Status::Code::kInvalidArgument));      // inside a member
  ASSERT_TRUE(w.Append("d").ok());
  ASSERT_TRUE(w.End().ok());
  EXPECT_TRUE(w.Begin("huge", uint64_t{1} << 33).Is(Status::Code::kInvalidArgument));
  ASSERT_TRUE(w.Finish().ok());
  EXPECT_TRUE(w.Add("late", "x").Is(Status::Code::kInvalidArgument));
  EXPECT_TRUE(w.Finish().Is(Status::Code::kInvalidArgument));

  auto back = ReadArchive(sink.data());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, (Members{{"m", "abcd"}}));
}

TEST(TarTest, WriterRefusesUnsafeNames) {
  const std::string cases[] = {"",    "../x", "a/../b", "/abs", "a//b",
                               "./a", "a/.",  "dir/",   "a\\b", std::string("a\0b", 3)};
  for (const auto& name : cases) {
    StringSink sink;
    TarWriter w(&sink, kMtime);
    EXPECT_TRUE(w.Add(name, "x").Is(Status::Code::kInvalidArgument)) << name;
    EXPECT_TRUE(sink.data().empty()) << name;
  }
}

TEST(TarTest, WriterRefusesMtimeOutsideUstar) {
  StringSink sink;
  TarWriter before_epoch(&sink, -1);
  EXPECT_TRUE(before_epoch.Add("a", "x").Is(Status::Code::kInvalidArgument));
  TarWriter too_late(&sink, int64_t{1} << 33);
  EXPECT_TRUE(too_late.Add("a", "x").Is(Status::Code::kInvalidArgument));
}

// A sink that fails after `limit` bytes.
class FailingSink : public ByteSink {
 public:
  explicit FailingSink(size_t limit) : limit_(limit) {}
  Status Write(std::string_view bytes) override {
    if (taken_ + bytes.size() > limit_) return Status::IoError("disk full");
    taken_ += bytes.size();
    return Status::Ok();
  }

 private:
  size_t limit_;
  size_t taken_ = 0;
};

TEST(TarTest, WriterStopsAfterASinkError) {
  FailingSink sink(kBlock + 10);
  TarWriter w(&sink, kMtime);
  ASSERT_TRUE(w.Begin("m", 100).ok());
  ASSERT_TRUE(w.Append(std::string(10, 'a')).ok());
  EXPECT_TRUE(w.Append(std::string(10, 'a')).Is(Status::Code::kIoError));
  EXPECT_FALSE(w.Append(std::string(1, 'a')).ok());
  EXPECT_FALSE(w.Add("n", "").ok());
  EXPECT_FALSE(w.Finish().ok());
}

// ---------------------------------------------------------------------------
// Reading

TEST(TarTest, NextSkipsWhatWasNotRead) {
  const Members members = SampleMembers();
  StringSource source(WriteArchive(members));
  TarReader r(&source);
  for (size_t i = 0; i < members.size(); ++i) {
    auto m = r.Next();
    ASSERT_TRUE(m.ok()) << m.status().message();
    ASSERT_TRUE(m->has_value());
    EXPECT_EQ((*m)->name, members[i].first);
    EXPECT_EQ((*m)->size, members[i].second.size());
    if (i % 2 == 1) continue;  // not read at all
    // Read a little, or everything in small pieces for the exact block.
    char buf[7];
    auto n = r.Read(buf, sizeof buf);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(std::string(buf, *n), members[i].second.substr(0, sizeof buf));
    if (members[i].first == "dir/exact512") {
      std::string rest(buf, *n);
      while (true) {
        auto k = r.Read(buf, sizeof buf);
        ASSERT_TRUE(k.ok());
        if (*k == 0) break;
        rest.append(buf, *k);
      }
      EXPECT_EQ(rest, members[i].second);
    }
  }
  // The end marker, then the end for good.
  for (int i = 0; i < 3; ++i) {
    auto m = r.Next();
    ASSERT_TRUE(m.ok()) << m.status().message();
    EXPECT_FALSE(m->has_value());
  }
  char buf[4];
  auto n = r.Read(buf, sizeof buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
  EXPECT_EQ(r.offset(), WriteArchive(members).size());
}

TEST(TarTest, IgnoresWhatFollowsTheEndMarker) {
  // GNU tar pads archives to 10 KiB records; nothing past the marker is read.
  std::string archive = WriteArchive({{"a", "1"}}) + std::string(8 * kBlock, '\0') + "junk";
  auto back = ReadArchive(archive);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, (Members{{"a", "1"}}));
}

TEST(TarTest, ReadAllRefusesMembersOverTheLimit) {
  StringSource source(WriteArchive({{"data/big", std::string(100, 'b')}}));
  TarReader r(&source);
  ASSERT_TRUE(r.Next().ok());
  auto all = r.ReadAll(99);
  ASSERT_FALSE(all.ok());
  EXPECT_TRUE(all.status().Is(Status::Code::kInvalidArgument));
  EXPECT_TRUE(Contains(all.status(), "data/big")) << all.status().message();
  auto exact = r.ReadAll(100);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(*exact, std::string(100, 'b'));
}

// Counts the reads that reach the source.
class CountingSource : public ByteSource {
 public:
  explicit CountingSource(std::string data) : inner_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    ++calls;
    return inner_.Read(buf, n);
  }
  size_t calls = 0;

 private:
  StringSource inner_;
};

TEST(TarTest, DoesNotReadTheSourceByteByByte) {
  Members members;
  for (int i = 0; i < 20; ++i) members.emplace_back("m" + std::to_string(i), Pseudorandom(3000, i));
  const std::string archive = WriteArchive(members);
  CountingSource source(archive);
  TarReader r(&source);
  while (true) {
    auto m = r.Next();
    ASSERT_TRUE(m.ok()) << m.status().message();
    if (!*m) break;
  }
  EXPECT_LT(source.calls, archive.size() / 100) << source.calls << " reads";
}

// ---------------------------------------------------------------------------
// Refusals

TEST(TarTest, EveryFlippedHeaderByteIsRefused) {
  const std::string good = WriteArchive({{"a", "1"}, {"dir/b", "22"}});
  for (size_t header : {size_t{0}, 2 * kBlock}) {
    for (size_t i = 0; i < kBlock; ++i) {
      std::string bad = good;
      bad[header + i] ^= 1;
      Status s = ReadError(bad);
      EXPECT_TRUE(s.Is(Status::Code::kInvalidArgument)) << "byte " << i;
      EXPECT_EQ(s.message(), "tar: bad header checksum at offset " + std::to_string(header))
          << "byte " << i;
    }
  }
}

TEST(TarTest, TruncationAtEveryOffsetIsRefused) {
  const std::string archive = WriteArchive({{"data/x", std::string(700, 'x')}, {"e", ""}});
  for (size_t len = 0; len < archive.size(); ++len) {
    Status s = ReadError(archive.substr(0, len));
    EXPECT_TRUE(s.Is(Status::Code::kInvalidArgument)) << len;
    EXPECT_TRUE(s.message().starts_with("tar: truncated")) << len << ": " << s.message();
  }
  EXPECT_EQ(ReadError(archive.substr(0, 600)).message(), "tar: truncated inside member data/x");
  EXPECT_EQ(ReadError(archive.substr(0, 1300)).message(),
            "tar: truncated inside the padding of member data/x");
  EXPECT_EQ(ReadError(archive.substr(0, 1600)).message(),
            "tar: truncated inside the header block at offset 1536");
  // One zero block and then nothing: half a marker.
  EXPECT_EQ(ReadError(archive.substr(0, archive.size() - kBlock)).message(),
            "tar: truncated: input ends at offset " + std::to_string(archive.size() - kBlock) +
                " before the end-of-archive marker");
}

TEST(TarTest, TruncationIsReportedByReadToo) {
  const std::string archive = WriteArchive({{"data/x", std::string(700, 'x')}});
  StringSource source(archive.substr(0, 600));
  TarReader r(&source);
  ASSERT_TRUE(r.Next().ok());
  auto all = r.ReadAll(1000);
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.status().message(), "tar: truncated inside member data/x");
}

// Records the largest read asked of the source.
class LargestReadSource : public ByteSource {
 public:
  explicit LargestReadSource(std::string data) : inner_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    largest = std::max(largest, n);
    return inner_.Read(buf, n);
  }
  size_t largest = 0;

 private:
  StringSource inner_;
};

// Found by tests/fuzz (bundle): ReadAll sized its buffer from the header, so
// a few kilobytes claiming a 200 MB member allocated 200 MB.
TEST(TarTest, ReadAllOfATruncatedHugeMemberDoesNotTrustTheHeaderSize) {
  StringSink sink;
  TarWriter w(&sink, kMtime);
  ASSERT_TRUE(w.Begin("data/huge", uint64_t{200} << 20).ok());
  ASSERT_TRUE(w.Append(std::string(100, 'h')).ok());
  LargestReadSource source(sink.data());
  TarReader r(&source);
  ASSERT_TRUE(r.Next().ok());
  auto all = r.ReadAll(size_t{256} << 20);
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.status().message(), "tar: truncated inside member data/huge");
  EXPECT_LE(source.largest, size_t{1} << 20);
}

TEST(TarTest, ReadAllReadsMembersLargerThanItsStep) {
  const std::string content = Pseudorandom((size_t{5} << 20) / 2, 7);
  StringSource source(WriteArchive({{"data/big", content}}));
  TarReader r(&source);
  ASSERT_TRUE(r.Next().ok());
  auto all = r.ReadAll(content.size());
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(*all, content);
}

TEST(TarTest, PaddingThatIsNotZeroIsRefused) {
  // Padding is under no checksum: letting it vary would give one member
  // many archives.
  const std::string good = WriteArchive({{"data/x", "abc"}, {"y", "z"}});
  for (size_t i = kBlock + 3; i < 2 * kBlock; ++i) {
    std::string bad = good;
    bad[i] = 'p';
    EXPECT_EQ(ReadError(bad).message(), "tar: padding of member data/x is not zero") << i;
  }
}

TEST(TarTest, LoneZeroBlockBeforeAHeaderIsRefused) {
  const std::string one = WriteArchive({{"a", "1"}});
  const std::string member = one.substr(0, 2 * kBlock);
  Status s = ReadError(member + std::string(kBlock, '\0') + member + std::string(2 * kBlock, '\0'));
  EXPECT_EQ(s.message(), "tar: lone zero block at offset 1024");
}

TEST(TarTest, RefusesTypesOtherThanRegularFiles) {
  const std::string good = WriteArchive({{"dir", ""}});
  struct Case {
    char type;
    std::string expected;
  } cases[] = {
      {'5', "tar: member type '5' at offset 0 is not a regular file"},
      {'1', "tar: member type '1' at offset 0 is not a regular file"},
      {'2', "tar: member type '2' at offset 0 is not a regular file"},
      {'x', "tar: pax extended header at offset 0 refused"},
      {'g', "tar: pax extended header at offset 0 refused"},
      {'L', "tar: GNU long name header at offset 0 refused"},
      {'\x80', "tar: member type byte 128 at offset 0 is not a regular file"},
  };
  for (const auto& c : cases) {
    std::string bad = good;
    PatchHeader(&bad, 0, 156, std::string(1, c.type));
    EXPECT_EQ(ReadError(bad).message(), c.expected);
  }
  // The old '\0' type of a regular file is still one.
  std::string old = WriteArchive({{"f", "content"}});
  PatchHeader(&old, 0, 156, std::string(1, '\0'));
  auto back = ReadArchive(old);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, (Members{{"f", "content"}}));
}

TEST(TarTest, RefusesSizesThatAreNotOctal) {
  const std::string good = WriteArchive({{"f", "content"}});
  const std::string_view cases[] = {
      std::string_view("0000000001x\0", 12),
      std::string_view("00000000008\0", 12),
      std::string_view("           \0", 12),
      std::string_view(" 0000000007\0", 12),
      std::string_view("\x80\0\0\0\0\0\0\0\0\0\0\x07", 12),  // GNU base-256
      std::string_view("000000000007", 12),                  // no terminator
  };
  for (size_t i = 0; i < std::size(cases); ++i) {
    std::string bad = good;
    PatchHeader(&bad, 0, 124, cases[i]);
    EXPECT_EQ(ReadError(bad).message(), "tar: size field is not octal at offset 0") << i;
  }
  // The same size ended by a space instead of a NUL is fine.
  std::string spaced = good;
  PatchHeader(&spaced, 0, 124, "00000000007 ");
  EXPECT_TRUE(ReadArchive(spaced).ok());
}

TEST(TarTest, RefusesUnsafeNames) {
  const std::string good = WriteArchive({{"f", "content"}});
  const std::string_view cases[] = {
      "../x", "a/../b", "..", "/abs", "a//b", "./a", "a/.", "dir/", "a\\b",
  };
  for (std::string_view name : cases) {
    std::string bad = good;
    std::string field(name);
    field.resize(100, '\0');
    PatchHeader(&bad, 0, 0, field);
    Status s = ReadError(bad);
    EXPECT_TRUE(s.Is(Status::Code::kInvalidArgument)) << name;
    EXPECT_TRUE(
        s.message().starts_with("tar: member name \"" + std::string(name) + "\" at offset 0"))
        << s.message();
  }

  // An empty name, a NUL inside the name, and ".." smuggled in the prefix.
  std::string empty = good;
  PatchHeader(&empty, 0, 0, std::string(100, '\0'));
  EXPECT_TRUE(Contains(ReadError(empty), "is empty"));
  std::string nul = good;
  PatchHeader(&nul, 0, 0, std::string_view("f\0x", 3));
  EXPECT_EQ(ReadError(nul).message(), "tar: member name holds a NUL at offset 0");
  std::string prefix = good;
  PatchHeader(&prefix, 0, 345, "..");
  EXPECT_TRUE(Contains(ReadError(prefix), "\"../f\"")) << ReadError(prefix).message();
  std::string absolute_prefix = good;
  PatchHeader(&absolute_prefix, 0, 345, "/etc");
  EXPECT_TRUE(Contains(ReadError(absolute_prefix), "is absolute"));
}

TEST(TarTest, RefusesHeadersThatAreNotUstar) {
  const std::string good = WriteArchive({{"f", "content"}});
  std::string gnu = good;  // the old GNU magic "ustar  \0"
  PatchHeader(&gnu, 0, 257, std::string_view("ustar  \0", 8));
  EXPECT_EQ(ReadError(gnu).message(), "tar: not a POSIX ustar header at offset 0");
  std::string v7 = good;  // no magic at all
  PatchHeader(&v7, 0, 257, std::string(8, '\0'));
  EXPECT_EQ(ReadError(v7).message(), "tar: not a POSIX ustar header at offset 0");
  // Not a tar archive at all.
  EXPECT_EQ(ReadError(std::string(4 * kBlock, 'z')).message(),
            "tar: bad header checksum at offset 0");
}

}  // namespace
}  // namespace lrs::portability
