// What the fuzz targets share: reading their input a line at a time, and
// aborting (which libFuzzer records as a crash) when a promise the code
// makes does not hold.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace lrs_fuzz {

// Aborts with "invariant failed: `what`" unless `ok`.
inline void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "invariant failed: %s\n", what);
  std::abort();
}

// The text before the first '\n' of `rest` (all of it when there is none);
// `rest` keeps what follows that '\n'.
inline std::string_view NextLine(std::string_view& rest) {
  size_t nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return line;
}

}  // namespace lrs_fuzz
