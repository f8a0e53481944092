// Replays saved fuzz inputs without libFuzzer: the main() of the
// fuzz_<name>_replay test binaries (CMakeLists.txt here). Usage:
//   fuzz_<name>_replay CORPUS_DIR [REGRESSIONS_DIR]
// Runs LLVMFuzzerTestOneInput once per regular file. Fails when the corpus
// directory is missing or empty, so the test cannot pass by checking nothing;
// the regressions directory may be absent (a target with no findings yet).
// A crash or sanitizer report in an input fails the test with it.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

// Sorted, so a failing run names the same first input every time.
std::vector<fs::path> FilesIn(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool Replay(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", file.c_str());
    return false;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Names the input before running it: a crash gives no second chance.
  std::fprintf(stderr, "replay: %s\n", file.c_str());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return true;
}

// Replays every file of `dir`; the count, or -1 when one could not be read.
long ReplayDir(const fs::path& dir) {
  long count = 0;
  for (const auto& file : FilesIn(dir)) {
    if (!Replay(file)) return -1;
    ++count;
  }
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR [REGRESSIONS_DIR]\n", argv[0]);
    return 2;
  }
  std::error_code ec;
  if (!fs::is_directory(argv[1], ec)) {
    std::fprintf(stderr, "replay: corpus directory %s is missing\n", argv[1]);
    return 1;
  }
  long corpus = ReplayDir(argv[1]);
  if (corpus <= 0) {
    std::fprintf(stderr, "replay: corpus directory %s is empty or unreadable\n", argv[1]);
    return 1;
  }
  long regressions = 0;
  if (argc == 3 && fs::is_directory(argv[2], ec)) regressions = ReplayDir(argv[2]);
  if (regressions < 0) return 1;
  std::printf("replayed %ld corpus and %ld regression inputs\n", corpus, regressions);
  return 0;
}
