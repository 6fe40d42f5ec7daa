// Open-loop HTTP load generator for the latency part of bench/ingest (wrk has no open-loop mode: a
// wrk connection waits for its answer before the next request, so a slow server is sent less work
// and its latency looks better than it is).
//
// Requests are scheduled at a constant rate, the k-th at start + k / rate, whatever the server does;
// each goes out on an idle keep-alive connection, or waits for one. A request's latency runs from
// its scheduled time to the end of its answer, so time spent waiting for a connection counts (no
// coordinated omission).
//
//   starling-loadgen --host 127.0.0.1 --port P --path /collect/TOKEN --bodies FILE --rate R
//                    [--duration 10] [--connections 64] [--content-type text/plain]
// FILE: one request body per line, used in turn; "@SEQ@" in a body becomes a number unique to the
// request. Prints one line: `rate <sent/s> ok <n> errors <n> p50 <ms> p90 <ms> p99 <ms> p999 <ms>
// max <ms>`. Exits 1 on a usage error or when no connection can be opened.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string path;
  std::string bodies;
  std::string content_type = "text/plain;charset=UTF-8";
  double rate = 0;
  double duration = 10;
  int connections = 64;
};

struct Connection {
  int fd = -1;
  bool busy = false;
  Clock::time_point scheduled;  // of the request in flight
  std::string out;              // what is left to send
  size_t out_sent = 0;
  std::string in;
};

[[noreturn]] void Usage(const std::string& why) {
  std::cerr << "starling-loadgen: " << why
            << "\nusage: starling-loadgen --port P --path /collect/TOKEN --bodies FILE --rate R [--host 127.0.0.1] "
               "[--duration 10] [--connections 64] [--content-type T]\n";
  std::exit(1);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) Usage("missing value after " + flag);
    std::string value = argv[++i];
    if (flag == "--host") o.host = value;
    else if (flag == "--port") o.port = std::atoi(value.c_str());
    else if (flag == "--path") o.path = value;
    else if (flag == "--bodies") o.bodies = value;
    else if (flag == "--content-type") o.content_type = value;
    else if (flag == "--rate") o.rate = std::atof(value.c_str());
    else if (flag == "--duration") o.duration = std::atof(value.c_str());
    else if (flag == "--connections") o.connections = std::atoi(value.c_str());
    else Usage("unknown flag " + flag);
  }
  if (o.port <= 0 || o.path.empty() || o.bodies.empty() || o.rate <= 0 || o.duration <= 0 || o.connections <= 0) {
    Usage("--port, --path, --bodies and a positive --rate are required");
  }
  return o;
}

int Connect(const Options& o) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(o.port));
  if (inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1) Usage("--host must be an IPv4 address");
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

// Length of the complete response at the start of `in` (head + Content-Length body), 0 if incomplete;
// sets `status`.
size_t CompleteResponse(const std::string& in, int& status) {
  size_t head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos) return 0;
  status = in.size() > 12 ? std::atoi(in.c_str() + 9) : 0;
  size_t length = 0;
  size_t line = in.find("\r\n") + 2;
  while (line < head_end) {
    size_t end = in.find("\r\n", line);
    std::string_view header(in.data() + line, end - line);
    constexpr std::string_view kName = "content-length:";
    if (header.size() > kName.size() &&
        std::equal(kName.begin(), kName.end(), header.begin(), [](char a, char b) { return a == std::tolower(b); })) {
      length = std::strtoul(std::string(header.substr(kName.size())).c_str(), nullptr, 10);
    }
    line = end + 2;
  }
  size_t total = head_end + 4 + length;
  return in.size() >= total ? total : 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  std::vector<std::string> bodies;
  {
    std::ifstream file(o.bodies);
    for (std::string line; std::getline(file, line);) {
      if (!line.empty()) bodies.push_back(std::move(line));
    }
  }
  if (bodies.empty()) Usage("no bodies in " + o.bodies);

  int ep = epoll_create1(0);
  std::vector<Connection> connections(static_cast<size_t>(o.connections));
  std::vector<size_t> idle;
  for (size_t i = 0; i < connections.size(); ++i) {
    connections[i].fd = Connect(o);
    if (connections[i].fd < 0) {
      std::cerr << "starling-loadgen: cannot connect to " << o.host << ":" << o.port << ": " << std::strerror(errno)
                << "\n";
      return 1;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
    ev.data.u64 = i;
    epoll_ctl(ep, EPOLL_CTL_ADD, connections[i].fd, &ev);
    idle.push_back(i);
  }

  const auto start = Clock::now();
  const auto interval = std::chrono::duration<double>(1.0 / o.rate);
  const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration));
  uint64_t scheduled_count = 0, sent = 0, ok = 0, errors = 0, seq = 0;
  std::deque<Clock::time_point> backlog;  // scheduled, waiting for a connection
  std::vector<uint32_t> latencies_us;
  latencies_us.reserve(static_cast<size_t>(o.rate * o.duration) + 16);

  auto flush = [&](Connection& c) -> bool {
    while (c.out_sent < c.out.size()) {
      ssize_t n = write(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent);
      if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
      c.out_sent += static_cast<size_t>(n);
    }
    return true;
  };
  auto send = [&](size_t index, Clock::time_point when) {
    Connection& c = connections[index];
    std::string body = bodies[seq % bodies.size()];
    std::string unique = std::to_string(++seq);
    for (size_t at = body.find("@SEQ@"); at != std::string::npos; at = body.find("@SEQ@", at)) {
      body.replace(at, 5, unique);
      at += unique.size();
    }
    c.out = "POST " + o.path + " HTTP/1.1\r\nHost: " + o.host + "\r\nContent-Type: " + o.content_type +
            "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    c.out_sent = 0;
    c.busy = true;
    c.scheduled = when;
    ++sent;
    if (!flush(c)) ++errors;
  };

  std::vector<epoll_event> events(static_cast<size_t>(o.connections));
  char buffer[65536];
  for (;;) {
    auto now = Clock::now();
    // Everything due by now: on an idle connection, or into the backlog.
    while (now < end) {
      auto due = start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(scheduled_count));
      if (due > now) break;
      ++scheduled_count;
      if (!idle.empty()) {
        size_t i = idle.back();
        idle.pop_back();
        send(i, due);
      } else {
        backlog.push_back(due);
      }
    }
    bool in_flight = idle.size() < connections.size();
    if (now >= end && !in_flight && backlog.empty()) break;
    if (now >= end + std::chrono::seconds(10)) break;  // answers that never come
    // Sleep until the next request is due, but at least 200 µs (no busy loop taking a core from the
    // server on the same machine; requests sent a little late still count from their scheduled time).
    auto next_due = start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(scheduled_count));
    auto wait = now >= end ? std::chrono::nanoseconds(std::chrono::milliseconds(100))
                           : std::max<std::chrono::nanoseconds>(next_due - now, std::chrono::microseconds(200));
    timespec timeout{static_cast<time_t>(wait.count() / 1'000'000'000), static_cast<long>(wait.count() % 1'000'000'000)};
    int n = epoll_pwait2(ep, events.data(), static_cast<int>(events.size()), &timeout, nullptr);
    for (int k = 0; k < n; ++k) {
      size_t index = events[static_cast<size_t>(k)].data.u64;
      Connection& c = connections[index];
      if (events[static_cast<size_t>(k)].events & EPOLLOUT) flush(c);
      if (!(events[static_cast<size_t>(k)].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
      for (;;) {
        ssize_t got = read(c.fd, buffer, sizeof buffer);
        if (got > 0) {
          c.in.append(buffer, static_cast<size_t>(got));
          continue;
        }
        if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
          std::cerr << "starling-loadgen: the server closed a connection\n";
          return 1;
        }
        break;
      }
      int status = 0;
      while (size_t length = CompleteResponse(c.in, status)) {
        c.in.erase(0, length);
        if (!c.busy) continue;
        auto done = Clock::now();
        latencies_us.push_back(static_cast<uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(done - c.scheduled).count()));
        (status >= 200 && status < 300 ? ok : errors) += 1;
        c.busy = false;
        if (!backlog.empty()) {
          Clock::time_point when = backlog.front();
          backlog.pop_front();
          send(index, when);
        } else {
          idle.push_back(index);
        }
      }
    }
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies_us.begin(), latencies_us.end());
  auto pct = [&](double p) {
    if (latencies_us.empty()) return 0.0;
    size_t i = std::min(latencies_us.size() - 1, static_cast<size_t>(p * static_cast<double>(latencies_us.size())));
    return latencies_us[i] / 1000.0;
  };
  std::printf("rate %.0f ok %llu errors %llu p50 %.2f p90 %.2f p99 %.2f p999 %.2f max %.2f\n",
              static_cast<double>(ok + errors) / std::min(elapsed, o.duration), static_cast<unsigned long long>(ok),
              static_cast<unsigned long long>(errors), pct(0.50), pct(0.90), pct(0.99), pct(0.999),
              latencies_us.empty() ? 0.0 : latencies_us.back() / 1000.0);
  return 0;
}
