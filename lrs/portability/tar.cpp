#include "lrs/portability/tar.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace lrs::portability {

namespace {

constexpr size_t kBlock = 512;
// Sizes and mtimes are 11 octal digits followed by a NUL.
constexpr uint64_t kMaxOctal11 = uint64_t{1} << 33;  // 8 GiB

// Field offsets and lengths of the POSIX ustar header.
struct Field {
  size_t offset;
  size_t length;
};
constexpr Field kName{0, 100};
constexpr Field kMode{100, 8};
constexpr Field kUid{108, 8};
constexpr Field kGid{116, 8};
constexpr Field kSize{124, 12};
constexpr Field kMtime{136, 12};
constexpr Field kChksum{148, 8};
constexpr Field kTypeflag{156, 1};
constexpr Field kMagic{257, 6};
constexpr Field kVersion{263, 2};
constexpr Field kDevMajor{329, 8};
constexpr Field kDevMinor{337, 8};
constexpr Field kPrefix{345, 155};

constexpr std::string_view kUstarMagic("ustar\0", 6);
constexpr std::string_view kUstarVersion("00", 2);

using Block = std::array<char, kBlock>;

uint64_t PaddingFor(uint64_t size) { return (kBlock - size % kBlock) % kBlock; }

std::string_view FieldOf(const Block& b, Field f) { return {b.data() + f.offset, f.length}; }

void PutBytes(Block* b, Field f, std::string_view bytes) {
  if (bytes.empty()) return;  // its data() may be null, which memcpy may not get
  std::memcpy(b->data() + f.offset, bytes.data(), std::min(bytes.size(), f.length));
}

// `value` as length-1 zero-padded octal digits and a NUL; the caller has
// checked that it fits.
void PutOctal(Block* b, Field f, uint64_t value) {
  char* p = b->data() + f.offset;
  p[f.length - 1] = '\0';
  for (size_t i = f.length - 1; i-- > 0; value >>= 3) p[i] = static_cast<char>('0' + (value & 7));
}

// The unsigned byte sum of the header with its chksum field read as spaces,
// as POSIX defines it.
uint64_t Checksum(const Block& b) {
  uint64_t sum = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    bool in_chksum = i >= kChksum.offset && i < kChksum.offset + kChksum.length;
    sum += in_chksum ? uint8_t{' '} : static_cast<uint8_t>(b[i]);
  }
  return sum;
}

// An octal numeric field: at least one digit from its start, then only NULs
// or spaces (GNU tar ends chksum with "\0 ", others end fields with a space).
std::optional<uint64_t> ParseOctal(std::string_view field) {
  uint64_t value = 0;
  size_t i = 0;
  for (; i < field.size() && field[i] >= '0' && field[i] <= '7'; ++i) {
    value = value * 8 + static_cast<uint64_t>(field[i] - '0');
  }
  if (i == 0 || i == field.size()) return std::nullopt;
  for (; i < field.size(); ++i) {
    if (field[i] != '\0' && field[i] != ' ') return std::nullopt;
  }
  return value;
}

// A text field: up to its first NUL, or all of it. A non-NUL byte after the
// NUL means a NUL inside the text, which is refused rather than cut off.
std::optional<std::string_view> ParseText(std::string_view field) {
  size_t end = field.find('\0');
  if (end == std::string_view::npos) return field;
  if (field.find_first_not_of('\0', end) != std::string_view::npos) return std::nullopt;
  return field.substr(0, end);
}

// Why `name` may not be a member name, or empty when it may: it must be a
// relative path whose segments are non-empty, not "." or "..", and free of
// backslashes and NULs, so that no reader extracts it outside its directory.
std::string UnsafeReason(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name.front() == '/') return "is absolute";
  if (name.find('\0') != std::string_view::npos) return "holds a NUL";
  if (name.find('\\') != std::string_view::npos) return "holds a backslash";
  size_t start = 0;
  while (true) {
    size_t slash = name.find('/', start);
    std::string_view segment = name.substr(start, slash - start);
    if (segment.empty()) return "has an empty segment";
    if (segment == "." || segment == "..") return "has a \"" + std::string(segment) + "\" segment";
    if (slash == std::string_view::npos) return "";
    start = slash + 1;
  }
}

bool IsZero(const Block& b) {
  return std::all_of(b.begin(), b.end(), [](char c) { return c == '\0'; });
}

// Reads until `n` bytes came or the input ended; returns how many came.
Result<size_t> ReadFull(ByteSource* source, char* buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    auto r = source->Read(buf + got, n - got);
    if (!r.ok()) return r.status();
    if (*r == 0) break;
    got += *r;
  }
  return got;
}

std::string Quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

// Writes `bytes` to the sink. A failed write leaves the archive half written
// and the sink unusable, so it sets `*broken` and the writer refuses more.
Status Emit(ByteSink* sink, std::string_view bytes, uint64_t* written, bool* broken) {
  if (bytes.empty()) return Status::Ok();
  Status s = sink->Write(bytes);
  if (!s.ok()) {
    *broken = true;
    return s;
  }
  *written += bytes.size();
  return Status::Ok();
}

// Reads one header block starting at `*offset`. Input that ends exactly
// there ends before the end-of-archive marker; input that ends inside the
// block ends inside a header. Both are truncation.
Status ReadBlock(ByteSource* source, uint64_t* offset, Block* block) {
  const uint64_t start = *offset;
  auto got = ReadFull(source, block->data(), block->size());
  if (!got.ok()) return got.status();
  *offset += *got;
  if (*got == block->size()) return Status::Ok();
  if (*got == 0) {
    return Status::InvalidArgument("tar: truncated: input ends at offset " + std::to_string(start) +
                                   " before the end-of-archive marker");
  }
  return Status::InvalidArgument("tar: truncated inside the header block at offset " +
                                 std::to_string(start));
}

// Reads and drops `n` bytes through a buffer of its own, so a member nobody
// read costs a few large source reads; `truncated` is the error when the
// input ends first. With `zeros` (padding) a byte that is not NUL is
// `not_zero`: padding is covered by no checksum or digest, so a reader that
// let it vary would accept two different archives as the same one.
Status Skip(ByteSource* source, uint64_t* offset, uint64_t n, bool zeros,
            const std::string& truncated, const std::string& not_zero) {
  char buf[16 * 1024];
  while (n > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(n, sizeof buf));
    auto got = ReadFull(source, buf, want);
    if (!got.ok()) return got.status();
    *offset += *got;
    n -= *got;
    if (zeros && std::any_of(buf, buf + *got, [](char c) { return c != '\0'; })) {
      return Status::InvalidArgument(not_zero);
    }
    if (*got < want) return Status::InvalidArgument(truncated);
  }
  return Status::Ok();
}

}  // namespace

// ---------------------------------------------------------------------------
// TarWriter

Status TarWriter::Add(std::string_view name, std::string_view content) {
  LRS_RETURN_IF_ERROR(Begin(name, content.size()));
  LRS_RETURN_IF_ERROR(Append(content));
  return End();
}

Status TarWriter::Begin(std::string_view name, uint64_t size) {
  if (finished_) {
    return Status::InvalidArgument("tar: member " + Quoted(name) +
                                   " after the end (or a failed write) of the archive");
  }
  if (in_member_) {
    return Status::InvalidArgument("tar: member " + Quoted(name) +
                                   " begun before the previous one ended");
  }
  std::string why = UnsafeReason(name);
  if (!why.empty()) return Status::InvalidArgument("tar: member name " + Quoted(name) + " " + why);
  if (size >= kMaxOctal11) {
    return Status::InvalidArgument("tar: member " + Quoted(name) + " is 8 GiB or larger");
  }
  if (mtime_ < 0 || static_cast<uint64_t>(mtime_) >= kMaxOctal11) {
    return Status::InvalidArgument("tar: mtime " + std::to_string(mtime_) + " does not fit ustar");
  }

  // ustar keeps up to 100 bytes in name and up to 155 more in prefix, joined
  // by a '/' that is not stored; the split takes the first '/' that leaves
  // at most 100 bytes after it, so prefix is as short as it can be.
  std::string_view prefix, rest = name;
  if (name.size() > kName.length) {
    size_t split = name.find('/', name.size() - kName.length - 1);
    if (split == std::string_view::npos || split > kPrefix.length) {
      return Status::InvalidArgument("tar: member name " + Quoted(name) +
                                     " cannot be split into ustar prefix and name");
    }
    prefix = name.substr(0, split);
    rest = name.substr(split + 1);
  }

  Block h{};
  PutBytes(&h, kName, rest);
  PutOctal(&h, kMode, 0644);
  PutOctal(&h, kUid, 0);
  PutOctal(&h, kGid, 0);
  PutOctal(&h, kSize, size);
  PutOctal(&h, kMtime, static_cast<uint64_t>(mtime_));
  h[kTypeflag.offset] = '0';
  PutBytes(&h, kMagic, kUstarMagic);
  PutBytes(&h, kVersion, kUstarVersion);
  PutOctal(&h, kDevMajor, 0);
  PutOctal(&h, kDevMinor, 0);
  PutBytes(&h, kPrefix, prefix);
  // Six digits, NUL, space: the form every tar writes and reads.
  PutOctal(&h, Field{kChksum.offset, 7}, Checksum(h));
  h[kChksum.offset + 7] = ' ';

  LRS_RETURN_IF_ERROR(Emit(sink_, {h.data(), h.size()}, &written_, &finished_));
  in_member_ = true;
  member_size_ = size;
  remaining_ = size;
  return Status::Ok();
}

Status TarWriter::Append(std::string_view bytes) {
  if (finished_ || !in_member_) return Status::InvalidArgument("tar: Append outside a member");
  if (bytes.size() > remaining_) {
    return Status::InvalidArgument("tar: " + std::to_string(bytes.size()) +
                                   " bytes appended where " + std::to_string(remaining_) +
                                   " of the member's " + std::to_string(member_size_) + " remain");
  }
  LRS_RETURN_IF_ERROR(Emit(sink_, bytes, &written_, &finished_));
  remaining_ -= bytes.size();
  return Status::Ok();
}

Status TarWriter::End() {
  if (finished_ || !in_member_) return Status::InvalidArgument("tar: End outside a member");
  if (remaining_ != 0) {
    return Status::InvalidArgument("tar: member ended " + std::to_string(remaining_) +
                                   " bytes short of its size " + std::to_string(member_size_));
  }
  static constexpr Block kZeros{};
  LRS_RETURN_IF_ERROR(
      Emit(sink_, {kZeros.data(), PaddingFor(member_size_)}, &written_, &finished_));
  in_member_ = false;
  return Status::Ok();
}

Status TarWriter::Finish() {
  if (finished_) return Status::InvalidArgument("tar: archive already finished");
  if (in_member_) return Status::InvalidArgument("tar: archive finished inside a member");
  static constexpr std::array<char, 2 * kBlock> kMarker{};
  LRS_RETURN_IF_ERROR(Emit(sink_, {kMarker.data(), kMarker.size()}, &written_, &finished_));
  finished_ = true;
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// TarReader

Result<std::optional<TarMember>> TarReader::Next() {
  if (ended_) return std::optional<TarMember>();
  LRS_RETURN_IF_ERROR(Skip(source_, &offset_, remaining_, /*zeros=*/false,
                           "tar: truncated inside member " + current_, ""));
  remaining_ = 0;
  LRS_RETURN_IF_ERROR(Skip(source_, &offset_, padding_, /*zeros=*/true,
                           "tar: truncated inside the padding of member " + current_,
                           "tar: padding of member " + current_ + " is not zero"));
  padding_ = 0;

  const uint64_t at = offset_;
  const std::string where = " at offset " + std::to_string(at);
  Block h;
  LRS_RETURN_IF_ERROR(ReadBlock(source_, &offset_, &h));
  if (IsZero(h)) {
    // One zero block is half the end marker; the other must follow.
    Block second;
    LRS_RETURN_IF_ERROR(ReadBlock(source_, &offset_, &second));
    if (!IsZero(second)) return Status::InvalidArgument("tar: lone zero block" + where);
    ended_ = true;
    current_.clear();
    return std::optional<TarMember>();
  }

  auto chksum = ParseOctal(FieldOf(h, kChksum));
  if (!chksum || *chksum != Checksum(h)) {
    return Status::InvalidArgument("tar: bad header checksum" + where);
  }
  // The extension headers are named before the magic is checked: GNU's
  // carry GNU's magic, and "GNU long name header" says more than "not ustar".
  const char type = h[kTypeflag.offset];
  if (type == 'x' || type == 'g') {
    return Status::InvalidArgument("tar: pax extended header" + where + " refused");
  }
  if (type == 'L' || type == 'K') {
    return Status::InvalidArgument("tar: GNU long name header" + where + " refused");
  }
  if (FieldOf(h, kMagic) != kUstarMagic || FieldOf(h, kVersion) != kUstarVersion) {
    return Status::InvalidArgument("tar: not a POSIX ustar header" + where);
  }
  if (type != '0' && type != '\0') {
    std::string shown = type >= 0x20 && type < 0x7f
                            ? std::string("'") + type + "'"
                            : "byte " + std::to_string(static_cast<uint8_t>(type));
    return Status::InvalidArgument("tar: member type " + shown + where + " is not a regular file");
  }

  auto size = ParseOctal(FieldOf(h, kSize));
  if (!size) return Status::InvalidArgument("tar: size field is not octal" + where);

  auto name = ParseText(FieldOf(h, kName));
  auto prefix = ParseText(FieldOf(h, kPrefix));
  if (!name || !prefix) return Status::InvalidArgument("tar: member name holds a NUL" + where);
  std::string full =
      prefix->empty() ? std::string(*name) : std::string(*prefix) + "/" + std::string(*name);
  std::string why = UnsafeReason(full);
  if (!why.empty()) {
    return Status::InvalidArgument("tar: member name " + Quoted(full) + where + " " + why);
  }

  current_ = full;
  remaining_ = *size;
  padding_ = PaddingFor(*size);
  return std::optional<TarMember>(TarMember{std::move(full), *size});
}

Result<size_t> TarReader::Read(char* buf, size_t n) {
  size_t want = static_cast<size_t>(std::min<uint64_t>(n, remaining_));
  if (want == 0) return size_t{0};
  // Content goes straight into the caller's buffer: one source read for
  // however much the caller asked, never a byte at a time.
  auto got = ReadFull(source_, buf, want);
  if (!got.ok()) return got.status();
  offset_ += *got;
  remaining_ -= *got;
  if (*got < want) return Status::InvalidArgument("tar: truncated inside member " + current_);
  return want;
}

Result<std::string> TarReader::ReadAll(size_t max_bytes) {
  if (remaining_ > max_bytes) {
    return Status::InvalidArgument("tar: member " + current_ + " is larger than " +
                                   std::to_string(max_bytes) + " bytes");
  }
  // Grown as the bytes arrive, not sized from the header: a header may claim
  // far more than the input holds, and a few kilobytes of archive must not
  // cost hundreds of megabytes before the truncation shows.
  constexpr size_t kStep = 1u << 20;
  std::string out;
  while (remaining_ > 0) {
    size_t at = out.size();
    out.resize(at + static_cast<size_t>(std::min<uint64_t>(remaining_, kStep)));
    auto got = Read(out.data() + at, out.size() - at);
    if (!got.ok()) return got.status();
  }
  return out;
}

}  // namespace lrs::portability
