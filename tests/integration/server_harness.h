// Integration-test harness: starts the real `starling` binary on a temporary data directory and a free
// port, and talks HTTP/1.1 to it over plain sockets. Every integration test of every later issue uses it.
//
//   auto server = StarlingProcess::Start({});          // waits for "starling listening on …"
//   HttpResponse r = server->Get("/healthz");
//   EXPECT_EQ(r.status, 200);
//   EXPECT_EQ(server->Stop(SIGTERM), 0);                // exit code of a graceful shutdown
#pragma once

#include <csignal>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace starling::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; last value wins
  std::string body;
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// One server-sent event (or a block of only comments / `retry:`), as text/event-stream frames it.
struct SseEvent {
  std::string id;
  std::string event;
  std::string data;     // `data:` lines joined with "\n"
  std::string retry;
  std::vector<std::string> comments;  // `: …` lines, without the colon and the space after it
};

// One keep-alive HTTP/1.1 connection to 127.0.0.1:port. Not thread-safe.
class HttpConnection final {
 public:
  static Result<std::unique_ptr<HttpConnection>> Open(uint16_t port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  Result<HttpResponse> Request(const std::string& method, const std::string& target,
                               const std::string& body = {},
                               const std::vector<std::pair<std::string, std::string>>& headers = {});
  // Sends raw bytes (for malformed requests) without reading.
  Status SendRaw(const std::string& bytes);
  // Reads one response (after SendRaw). `head`: the request was HEAD (no body follows).
  Result<HttpResponse> ReadResponse(bool head = false);
  // True when the server has closed the connection (EOF on read, with a short wait).
  bool ClosedByPeer(int wait_ms = 1000);

  // Streaming responses: after Request()/ReadResponse() answered the head of a chunked response (its
  // body left unread), the next chunk's data; "" for the last chunk.
  Result<std::string> ReadChunk();
  // The next event of a chunked text/event-stream response (see ReadChunk). Fails when the stream
  // ends, the connection closes, or nothing comes for `timeout_ms`.
  Result<SseEvent> ReadEvent(int timeout_ms = 10000);
  // Whether a byte arrives within `wait_ms` (not consumed).
  bool Readable(int wait_ms);

 private:
  explicit HttpConnection(int fd) : fd_(fd) {}
  int fd_;
  std::string buffer_;
  std::string events_;  // chunk data not yet parsed into events
};

struct StartOptions {
  std::vector<std::string> args;              // extra `serve` flags, e.g. {"--max-body-bytes", "4KiB"}
  std::map<std::string, std::string> env;     // extra environment variables
  std::optional<std::string> web_dir;         // default: a small generated UI in the temp dir
  std::optional<std::string> data_dir;        // default: a fresh temp dir (removed at the end)
};

class StarlingProcess final {
 public:
  // Starts `starling serve --listen 127.0.0.1:0 --data-dir <tmp>` and waits (20 s at most) for its
  // "listening" line. The error includes the server's stderr.
  static Result<std::unique_ptr<StarlingProcess>> Start(const StartOptions& options);
  // Runs `starling <args…>` to completion; returns exit code, stdout and stderr.
  struct RunResult {
    int exit_code;
    std::string out;
    std::string err;
  };
  // `stdin_text` is what the command reads on standard input.
  static RunResult Run(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {},
                       const std::string& stdin_text = {});

  ~StarlingProcess();  // SIGKILLs a server still running; removes its temp dir
  StarlingProcess(const StarlingProcess&) = delete;
  StarlingProcess& operator=(const StarlingProcess&) = delete;

  uint16_t port() const { return port_; }
  std::string base_url() const;
  const std::string& data_dir() const { return data_dir_; }
  const std::string& web_dir() const { return web_dir_; }
  std::string Stderr() const;  // everything the server logged so far
  // What the server printed on stdout up to and including its "listening" line.
  const std::string& StartupOutput() const { return startup_output_; }

  // One request on a fresh connection.
  HttpResponse Get(const std::string& target,
                   const std::vector<std::pair<std::string, std::string>>& headers = {});
  HttpResponse Send(const std::string& method, const std::string& target, const std::string& body = {},
                    const std::vector<std::pair<std::string, std::string>>& headers = {});

  // Sends `signal` and waits (up to `timeout_ms`) for the process to exit. Returns its exit code, or
  // 128+signal if killed by a signal, or -1 on timeout (then it is SIGKILLed).
  int Stop(int signal = SIGTERM, int timeout_ms = 15000);
  void Signal(int signal);
  // Waits for exit without signalling; same return values as Stop.
  int Wait(int timeout_ms);

 private:
  StarlingProcess() = default;
  int pid_ = -1;
  uint16_t port_ = 0;
  std::string temp_dir_;
  std::string data_dir_;
  std::string web_dir_;
  std::string stderr_path_;
  std::string startup_output_;
  bool own_data_dir_ = true;
};

// Path of the binary under test (set by CMake).
std::string StarlingBinary();

}  // namespace starling::testing
