// Hostile input through real HTTP: searchd on a free loopback port over the
// sample corpus, raw requests (nothing normalised by a client library). Each
// answer must be a clear 4xx JSON error, or a normal answer where the input is
// legal, within a bounded time; never a 500, and the daemon keeps answering.

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support.h"
#include "tests/corpus/test_util.h"

namespace frsearch::reliability {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using corpus::testing::TempDir;

/// Generous: the suite also runs under ASan+UBSan on a loaded machine.
constexpr double kBoundSeconds = 10;

class HostileInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    const std::string index = dir_->path().string() + "/index";
    ASSERT_EQ(run({indexer_path(), "build", "--index", index, sample_corpus()},
                  dir_->path().string() + "/build.log"),
              0);
    daemon_ = new Daemon({index}, dir_->path().string() + "/searchd.log");
  }
  static void TearDownTestSuite() {
    delete daemon_;
    delete dir_;
  }
  void SetUp() override { ASSERT_TRUE(daemon_->ok()) << "searchd did not start"; }
  void TearDown() override {
    // Whatever came before, the daemon still serves.
    ASSERT_TRUE(daemon_->process().running()) << daemon_->process().stderr_text();
    EXPECT_EQ(request(daemon_->port(), "GET", "/health").status, 200);
  }

  /// Sends the request; checks the status is one of @p allowed, the time is
  /// bounded, and a 4xx carries {"error": {"code", "message"}}. Returns the answer.
  static Answer expect(const std::string& method, const std::string& target,
                       const std::vector<int>& allowed, const std::string& body = "",
                       const std::string& content_type = "") {
    const std::string label =
        method + " " + target.substr(0, 80) +
        (target.size() > 80 ? "... (" + std::to_string(target.size()) + " bytes)" : "");
    Answer answer = request(daemon_->port(), method, target, body, content_type, 30s);
    EXPECT_NE(answer.status, 0) << label << ": no answer";
    EXPECT_NE(std::find(allowed.begin(), allowed.end(), answer.status), allowed.end())
        << label << ": status " << answer.status << " " << answer.body.substr(0, 300);
    EXPECT_LT(answer.seconds, kBoundSeconds) << label;
    if (answer.status >= 400) {
      const json error = json::parse(answer.body, nullptr, false);
      EXPECT_TRUE(error.is_object() && error["error"].is_object() &&
                  error["error"]["code"].is_string() && error["error"]["message"].is_string())
          << label << ": " << answer.body.substr(0, 300);
      EXPECT_EQ(answer.header("content-type"), "application/json; charset=utf-8") << label;
    } else if (answer.status == 200 && target.rfind("/api/export", 0) == 0) {
      std::istringstream lines(answer.body);  // NDJSON: one object a line
      for (std::string line; std::getline(lines, line);) {
        EXPECT_TRUE(json::parse(line, nullptr, false).is_object()) << label << ": " << line;
      }
    } else if (answer.status == 200 && target.rfind("/api/", 0) == 0) {
      EXPECT_FALSE(json::parse(answer.body, nullptr, false).is_discarded())
          << label << ": " << answer.body.substr(0, 300);
    }
    return answer;
  }

  /// A JSON body to POST /api/related.
  static Answer post(const std::string& body, const std::vector<int>& allowed) {
    return expect("POST", "/api/related", allowed, body, "application/json");
  }

  static inline TempDir* dir_ = nullptr;
  static inline Daemon* daemon_ = nullptr;
};

const std::vector<int> kOkOr400 = {200, 400};

TEST_F(HostileInputTest, HugeQueryStrings) {
  // 1 MB: over the request-line limit.
  expect("GET", "/api/search?q=" + std::string(1 << 20, 'a'), {414});
  expect("GET", "/api/suggest?q=" + std::string(1 << 20, 'e'), {414});
  // Over searchd's 1000-byte limit on q: a clear 400 naming it.
  std::string ors;
  for (int i = 0; ors.size() < 7600; ++i) {
    ors += std::string(ors.empty() ? "" : "+OR+") + static_cast<char>('a' + i % 26) +
           static_cast<char>('a' + i / 26 % 26);
  }
  const Answer many = expect("GET", "/api/search?q=" + ors + "&per_page=100", {400});
  EXPECT_NE(many.body.find("\"invalid_parameter\""), std::string::npos) << many.body;
  expect("GET", "/api/search?q=" + std::string(7000, 'z'), {400});
  // Just under it, through the parser: one 990-byte word, and 190 OR'ed words.
  expect("GET", "/api/search?q=" + std::string(990, 'z'), {200});
  expect("GET", "/api/search?q=" + ors.substr(0, ors.rfind("+OR+", 990)) + "&per_page=100", {200});
  // The same thousands of terms as a 1 MB-ish related-articles draft (inside the body limit).
  std::string words;
  for (int i = 0; words.size() < 900000; ++i) words += "mot" + std::to_string(i % 5000) + " santé ";
  post(json{{"text", words}}.dump(), {200, 400});
}

TEST_F(HostileInputTest, DeepNestingAndOperatorsAlone) {
  // 10,000 levels: the request line is too long before the parser sees it.
  expect("GET", "/api/search?q=" + std::string(10000, '(') + "a" + std::string(10000, ')'), {414});
  // 490 levels fit in searchd's 1000 bytes of q and reach the query parser.
  for (const std::string& open : {std::string("("), std::string("%28")}) {
    const int levels = 490;
    std::string q;
    for (int i = 0; i < levels; ++i) q += open;
    q += "sante";
    for (int i = 0; i < levels; ++i) q += open == "(" ? ")" : "%29";
    expect("GET", "/api/search?q=" + q, {200});
    expect("GET", "/api/search?q=" + q.substr(0, q.size() / 2), {200});  // unbalanced: plain words
  }
  for (const char* q : {"*", "%2A", "**", "\"", "(", ")", "-", "+", "NOT", "OR", "AND+OR+NOT",
                        "title%3A", "%22%22", "a*b*c*", "category%3A%2A", "date%3A..", "%5C"}) {
    expect("GET", std::string("/api/search?q=") + q, {200});
  }
}

TEST_F(HostileInputTest, NulBytesAndInvalidUtf8) {
  for (const char* q : {"%00", "a%00b", "%00%00%00sante", "%FF", "%C3", "%C3%28", "%ED%A0%80",
                        "%F4%90%80%80", "%C0%AF", "sant%E9", "%EF%BB%BFsante", "%E2%80%AE"}) {
    expect("GET", std::string("/api/search?q=") + q, kOkOr400);
    expect("GET", std::string("/api/suggest?q=") + q, kOkOr400);
    expect("GET", std::string("/api/search?category=") + q, kOkOr400);
    expect("GET", std::string("/api/articles/") + q, {404, 400});
    expect("GET", std::string("/api/export?q=") + q, kOkOr400);
  }
  post(std::string("{\"text\": \"a\xff\xfe\"}"), {200, 400});
  post("{\"text\": \"a\\u0000b\"}", {200, 400});
  post(std::string("{\"text\"\0: 1}", 12), {400});
}

TEST_F(HostileInputTest, BadPageNumbers) {
  for (const char* value : {"-1", "0", "-0", "abc", "1e3", "0x10", "1.5", "", "%00", "+1", " 1",
                            "99999999999999999999999", "18446744073709551617", "4294967297",
                            "2147483648", "-2147483649"}) {
    for (const char* name : {"page", "per_page"}) {
      expect("GET", std::string("/api/search?q=sante&") + name + "=" + value, kOkOr400);
    }
    expect("GET", std::string("/api/articles/x/related?n=") + value, {400, 404});
  }
  // A legal but far page: an empty page, not an error.
  const Answer far = expect("GET", "/api/search?q=&page=1000", kOkOr400);
  if (far.status == 200) {
    EXPECT_TRUE(json::parse(far.body)["hits"].empty());
  }
  expect("GET", "/api/search?q=&page=1000000000&per_page=100", kOkOr400);
  expect("GET", "/api/search?q=&page=1&page=2&page=-5", kOkOr400);
}

TEST_F(HostileInputTest, PathTraversalOnStaticFiles) {
  for (const char* path :
       {"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd",
        "/%252e%252e/%252e%252e/etc/passwd", "/..%252f..%252fetc%252fpasswd",
        "/static/../../../../etc/passwd", "/app.js/../../etc/passwd", "/....//....//etc/passwd",
        "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", "/.%2e/.%2e/etc/passwd", "//etc/passwd",
        "/app.js%00.html", "/index.html%00", "/..\\..\\etc\\passwd", "/api/../../etc/passwd",
        "/api/articles/..%2f..%2f..%2fetc%2fpasswd", "/web/index.html", "/CMakeLists.txt"}) {
    const Answer answer = expect("GET", path, {400, 404});
    EXPECT_EQ(answer.body.find("root:"), std::string::npos) << path;
    EXPECT_EQ(answer.body.find("cmake_minimum_required"), std::string::npos) << path;
  }
}

TEST_F(HostileInputTest, OversizedAndMalformedBodies) {
  const std::string big((1 << 20) + 1, 'x');
  post(big, {413});
  post("{\"text\": \"" + std::string(1 << 20, 'a') + "\"}", {413});
  post(std::string(8 << 20, '['), {413});
  post(std::string(5000, '[') + std::string(5000, ']'), {400});
  post("not json", {400});
  post("[]", {400});
  post("{\"text\": 12}", {400});
  post("", {400});
  expect("POST", "/api/search", {405}, "{}", "application/json");

  // A Content-Length announcing 100 GB: refused without waiting for the bytes.
  Connection liar(daemon_->port());
  ASSERT_TRUE(
      liar.send("POST /api/related HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: 100000000000\r\n\r\n{\"text\": \"a\"}"));
  const Answer refused = liar.receive(10s);
  EXPECT_LT(refused.seconds, kBoundSeconds);
  EXPECT_EQ(refused.status, 413) << refused.headers;  // after the read timeout (5 s)
}

TEST_F(HostileInputTest, MalformedRequestLinesAndHeaders) {
  for (const std::string& raw :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET\r\n\r\n"),
        std::string("GET /health HTTP/9.9\r\n\r\n"), std::string("GET /health\r\n\r\n"),
        std::string("GET /api/search?q=%zz HTTP/1.1\r\nHost: x\r\n\r\n"),
        "GET /health HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n",
        std::string("GET /health HTTP/1.1\r\nNo colon here\r\n\r\n"),
        std::string("POST /api/related HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "zz\r\nabc\r\n0\r\n\r\n"),
        std::string("POST /api/related HTTP/1.1\r\nContent-Length: -5\r\n\r\n")}) {
    Connection connection(daemon_->port());
    ASSERT_TRUE(connection.send(raw));
    const Answer answer = connection.receive(10s);
    // No answer at all (the connection closed) is acceptable for garbage;
    // an answer must not be a server error.
    EXPECT_LT(answer.status, 500) << raw.substr(0, 60);
    EXPECT_TRUE(answer.status != 0 || connection.closed_within(10s)) << raw.substr(0, 60);
  }
}

}  // namespace
}  // namespace frsearch::reliability
