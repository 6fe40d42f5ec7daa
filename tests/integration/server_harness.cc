#include "tests/integration/server_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace starling::testing {
namespace fs = std::filesystem;

std::string StarlingBinary() { return STARLING_BIN_PATH; }

namespace {

std::string ToLower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string MakeTempDir() {
  std::string pattern = (fs::temp_directory_path() / "starling-it-XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  return made ? std::string(made) : std::string();
}

// Builds envp: the current environment plus `extra` (overriding).
std::vector<std::string> Environment(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [k, v] : extra) env[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

// fork+exec with stdout to `out_fd` and stderr to `err_fd`. Returns the pid.
int Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& envp, int out_fd,
          int err_fd, const std::string& stdin_path = "/dev/null") {
  std::vector<char*> args, envs;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : envp) envs.push_back(const_cast<char*>(e.c_str()));
  envs.push_back(nullptr);
  int pid = fork();
  if (pid == 0) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    int in = open(stdin_path.c_str(), O_RDONLY);
    dup2(in, STDIN_FILENO);
    execve(args[0], args.data(), envs.data());
    _exit(127);
  }
  return pid;
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// HttpConnection

Result<std::unique_ptr<HttpConnection>> HttpConnection::Open(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error::Internal(fmt::format("socket: {}", std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    close(fd);
    return Error::Unavailable(fmt::format("connect to 127.0.0.1:{}: {}", port, std::strerror(err)));
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return std::unique_ptr<HttpConnection>(new HttpConnection(fd));
}

HttpConnection::~HttpConnection() { close(fd_); }

Status HttpConnection::SendRaw(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::Unavailable(fmt::format("send: {}", std::strerror(errno)));
    }
    sent += static_cast<size_t>(n);
  }
  return Ok();
}

Result<HttpResponse> HttpConnection::ReadResponse(bool head) {
  auto fill = [&]() -> Status {
    char chunk[65536];
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0) return Error::Unavailable(fmt::format("recv: {}", std::strerror(errno)));
    if (n == 0) return Error::Unavailable("connection closed by the server before a full response");
    buffer_.append(chunk, static_cast<size_t>(n));
    return Ok();
  };
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) STARLING_TRY(fill());
  std::string head_text = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  HttpResponse response;
  std::istringstream lines(head_text);
  std::string line;
  std::getline(lines, line);
  if (line.size() < 12 || !line.starts_with("HTTP/1.")) {
    return Error::Internal("bad status line: " + line);
  }
  response.status = std::stoi(line.substr(9, 3));
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    response.headers[ToLower(line.substr(0, colon))] = value;
  }
  size_t length = 0;
  if (auto it = response.headers.find("content-length"); it != response.headers.end()) {
    length = std::stoul(it->second);
  }
  if (head || response.status == 204 || response.status == 304 || response.status / 100 == 1) {
    length = 0;
  }
  while (buffer_.size() < length) STARLING_TRY(fill());
  response.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return response;
}

Result<HttpResponse> HttpConnection::Request(
    const std::string& method, const std::string& target, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string request = fmt::format("{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, target);
  bool has_length = false;
  for (const auto& [k, v] : headers) {
    request += k + ": " + v + "\r\n";
    if (ToLower(k) == "content-length") has_length = true;
  }
  if (!body.empty() && !has_length) request += fmt::format("Content-Length: {}\r\n", body.size());
  request += "\r\n";
  request += body;
  STARLING_TRY(SendRaw(request));
  return ReadResponse(method == "HEAD");
}

Result<std::string> HttpConnection::ReadChunk() {
  auto fill = [&]() -> Status {
    char chunk[65536];
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0) return Error::Unavailable(fmt::format("recv: {}", std::strerror(errno)));
    if (n == 0) return Error::Unavailable("connection closed by the server in the middle of a chunked body");
    buffer_.append(chunk, static_cast<size_t>(n));
    return Ok();
  };
  size_t line_end;
  while ((line_end = buffer_.find("\r\n")) == std::string::npos) STARLING_TRY(fill());
  size_t size = 0;
  std::string line = buffer_.substr(0, line_end);
  auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), size, 16);
  if (ec != std::errc() || end != line.data() + line.size()) return Error::Internal("bad chunk size line: " + line);
  while (buffer_.size() < line_end + 2 + size + 2) STARLING_TRY(fill());
  if (buffer_.compare(line_end + 2 + size, 2, "\r\n") != 0) return Error::Internal("chunk not followed by CRLF");
  std::string data = buffer_.substr(line_end + 2, size);
  buffer_.erase(0, line_end + 2 + size + 2);
  return data;
}

Result<SseEvent> HttpConnection::ReadEvent(int timeout_ms) {
  size_t end;
  while ((end = events_.find("\n\n")) == std::string::npos) {
    if (buffer_.empty() && !Readable(timeout_ms)) {
      return Error::Unavailable(fmt::format("no server-sent event within {} ms", timeout_ms));
    }
    STARLING_ASSIGN_OR_RETURN(std::string chunk, ReadChunk());
    if (chunk.empty()) return Error::Unavailable("the event stream ended");
    events_ += chunk;
  }
  std::string block = events_.substr(0, end);
  events_.erase(0, end + 2);
  SseEvent event;
  std::istringstream lines(block);
  std::string line;
  while (std::getline(lines, line)) {
    size_t colon = line.find(':');
    std::string field = line.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (field.empty()) {
      event.comments.push_back(value);
    } else if (field == "id") {
      event.id = value;
    } else if (field == "event") {
      event.event = value;
    } else if (field == "data") {
      event.data += (event.data.empty() ? "" : "\n") + value;
    } else if (field == "retry") {
      event.retry = value;
    }
  }
  return event;
}

bool HttpConnection::Readable(int wait_ms) {
  pollfd p{fd_, POLLIN, 0};
  return poll(&p, 1, wait_ms) > 0;
}

bool HttpConnection::ClosedByPeer(int wait_ms) {
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, wait_ms) <= 0) return false;
  char c;
  ssize_t n = recv(fd_, &c, 1, MSG_PEEK);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

// ---------------------------------------------------------------------------------------------------
// StarlingProcess

Result<std::unique_ptr<StarlingProcess>> StarlingProcess::Start(const StartOptions& options) {
  std::unique_ptr<StarlingProcess> p(new StarlingProcess());
  p->temp_dir_ = MakeTempDir();
  if (p->temp_dir_.empty()) return Error::Internal("mkdtemp failed");
  p->own_data_dir_ = !options.data_dir.has_value();
  p->data_dir_ = options.data_dir.value_or(p->temp_dir_ + "/data");
  if (options.web_dir) {
    p->web_dir_ = *options.web_dir;
  } else {
    // A tiny stand-in for web/dist, so the static-file rules are tested without the npm build.
    p->web_dir_ = p->temp_dir_ + "/web";
    fs::create_directories(p->web_dir_ + "/assets");
    std::ofstream(p->web_dir_ + "/index.html")
        << "<!doctype html><html><head><title>Starling</title></head><body><div id=root></div>"
           "<script type=module src=/assets/app-3f9a1c.js></script></body></html>";
    std::ofstream(p->web_dir_ + "/assets/app-3f9a1c.js") << "document.title='Starling';";
    std::ofstream(p->web_dir_ + "/assets/style-77aa01.css") << "body{margin:0}";
  }
  p->stderr_path_ = p->temp_dir_ + "/server.log";

  std::vector<std::string> argv = {StarlingBinary(), "serve",          "--listen", "127.0.0.1:0",
                                   "--data-dir",     p->data_dir_,    "--web-dir", p->web_dir_};
  argv.insert(argv.end(), options.args.begin(), options.args.end());
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return Error::Internal("pipe failed");
  int err_fd = open(p->stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  p->pid_ = Spawn(argv, Environment(options.env), out_pipe[1], err_fd);
  close(out_pipe[1]);
  close(err_fd);

  // Wait for the one stdout line that carries the address.
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  const std::string marker = "starling listening on http://127.0.0.1:";
  while (true) {
    size_t at = out.find(marker);
    if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
      p->port_ = static_cast<uint16_t>(std::stoi(out.substr(at + marker.size())));
      p->startup_output_ = out;
      break;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                      std::chrono::steady_clock::now());
    pollfd pfd{out_pipe[0], POLLIN, 0};
    if (left.count() <= 0 || poll(&pfd, 1, static_cast<int>(left.count())) <= 0) {
      close(out_pipe[0]);
      return Error::Internal(fmt::format("server did not report its address within 20 s; stderr:\n{}",
                                         p->Stderr()));
    }
    char buf[4096];
    ssize_t n = read(out_pipe[0], buf, sizeof buf);
    if (n <= 0) {
      close(out_pipe[0]);
      int code = p->Wait(2000);
      return Error::Internal(
          fmt::format("server exited (code {}) before listening; stderr:\n{}", code, p->Stderr()));
    }
    out.append(buf, static_cast<size_t>(n));
  }
  close(out_pipe[0]);
  return p;
}

StarlingProcess::RunResult StarlingProcess::Run(const std::vector<std::string>& args,
                                                const std::map<std::string, std::string>& env,
                                                const std::string& stdin_text) {
  std::string dir = MakeTempDir();
  std::string out_path = dir + "/out", err_path = dir + "/err", in_path = dir + "/in";
  std::ofstream(in_path) << stdin_text;
  int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  std::vector<std::string> argv = {StarlingBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  int pid = Spawn(argv, Environment(env), out_fd, err_fd, in_path);
  close(out_fd);
  close(err_fd);
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult result{DecodeStatus(status), ReadFile(out_path), ReadFile(err_path)};
  fs::remove_all(dir);
  return result;
}

StarlingProcess::~StarlingProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status;
    waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  if (!temp_dir_.empty()) fs::remove_all(temp_dir_, ec);
}

std::string StarlingProcess::base_url() const { return fmt::format("http://127.0.0.1:{}", port_); }

std::string StarlingProcess::Stderr() const { return ReadFile(stderr_path_); }

HttpResponse StarlingProcess::Get(const std::string& target,
                                  const std::vector<std::pair<std::string, std::string>>& headers) {
  return Send("GET", target, {}, headers);
}

HttpResponse StarlingProcess::Send(const std::string& method, const std::string& target,
                                   const std::string& body,
                                   const std::vector<std::pair<std::string, std::string>>& headers) {
  auto connection = HttpConnection::Open(port_);
  if (!connection) return HttpResponse{-1, {}, connection.error().message};
  auto response = (*connection)->Request(method, target, body, headers);
  if (!response) return HttpResponse{-1, {}, response.error().message};
  return *response;
}

void StarlingProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

int StarlingProcess::Wait(int timeout_ms) {
  if (pid_ <= 0) return -1;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    int r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return DecodeStatus(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return -1;
}

int StarlingProcess::Stop(int signal, int timeout_ms) {
  Signal(signal);
  int code = Wait(timeout_ms);
  if (code == -1 && pid_ > 0) {
    kill(pid_, SIGKILL);
    int status;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  return code;
}

}  // namespace starling::testing
