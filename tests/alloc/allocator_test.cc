// Which malloc each program really runs on, asked of the running process: jemalloc
// reads MALLOC_CONF when its malloc first serves a call, and "stats_print:true" makes it
// print its statistics at exit; glibc's malloc ignores the variable. So a program linked
// with jemalloc whose calls still reach glibc (or the reverse) fails here, whatever
// its NEEDED list says. Expectations come from CMake (FRS_EXPECTED_ALLOCATORS, see
// tests/alloc/CMakeLists.txt): "program=1," for jemalloc, "program=0," for glibc.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

/// (program, runs on jemalloc) pairs parsed from FRS_EXPECTED_ALLOCATORS.
std::vector<std::pair<std::string, bool>> expected_allocators() {
  std::vector<std::pair<std::string, bool>> out;
  std::istringstream in(FRS_EXPECTED_ALLOCATORS);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) continue;
    out.emplace_back(item.substr(0, eq), item.substr(eq + 1) == "1");
  }
  return out;
}

/// What FRS_BIN_DIR/@p program, run without arguments (a usage error) and with
/// MALLOC_CONF=stats_print:true, writes on stderr. LD_PRELOAD (a jemalloc
/// preloaded by whoever runs the tests) and the caller's MALLOC_CONF are unset:
/// the program's own malloc is what is asked about.
std::string stderr_with_stats(const std::string& program) {
  const std::string command = "env -u LD_PRELOAD -u MALLOC_CONF MALLOC_CONF=stats_print:true '" +
                              std::string(FRS_BIN_DIR) + "/" + program +
                              "' 2>&1 >/dev/null </dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string text;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
  const int status = pclose(pipe);
  // A usage error exits 2; a crash or a missing binary must not pass for "glibc".
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2)
      << program << ": status " << status << "\n"
      << text.substr(0, 2000);
  return text;
}

bool printed_jemalloc_stats(const std::string& text) {
  return text.find("Begin jemalloc statistics") != std::string::npos;
}

TEST(AllocatorTest, ExpectationsCoverThePrograms) {
  EXPECT_EQ(expected_allocators().size(), 3u) << FRS_EXPECTED_ALLOCATORS;
}

TEST(AllocatorTest, EachProgramRunsOnTheMallocItWasBuiltWith) {
  for (const auto& [program, jemalloc] : expected_allocators()) {
    const std::string err = stderr_with_stats(program);
    EXPECT_EQ(printed_jemalloc_stats(err), jemalloc)
        << program << " should run on " << (jemalloc ? "jemalloc" : "glibc's malloc")
        << "; stderr starts with:\n"
        << err.substr(0, 600);
  }
}

}  // namespace
