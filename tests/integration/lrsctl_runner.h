// Runs the built lrsctl (LRSCTL_PATH, set by CMake for the integration
// tests) the way an operator would, for the tests of its commands.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace lrs_it {

// Runs `lrsctl args`; returns its exit code (-1 when it did not exit
// normally) and appends what it wrote to both streams to *output.
inline int Lrsctl(const std::string& args, std::string* output) {
  std::string command = std::string(LRSCTL_PATH) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return -1;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) output->append(buf, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace lrs_it
