// The durable floor: the least a server can do per request and still answer only after the request
// has reached the disk. It parses nothing but HTTP framing (the request line, Content-Length), copies
// each request's body into a log, and answers `200 {"trackerId":"…","webContents":[]}` once a group
// commit has written the log and fdatasync'ed it. No JSON, no identity, no database: what is left is
// the HTTP exchange, the copy, the write, the sync and the wake-ups — the cost that any server
// answering after the disk pays on this machine. bench/ingest/floor.sh runs it beside nginx (the
// ceiling of bench/ingest/run.sh) and Starling with the same wrk load, so that Starling's one-event
// ratio can be read against the best ratio a durable server reaches on the same hardware.
//
//   starling-durable-floor --port P [--threads 2] [--log FILE] [--sync fdatasync|none]
//                          [--committer thread|leader] [--store log|sqlite] [--random-rows N]
// --threads    I/O threads, each with its own SO_REUSEPORT listener and epoll (as nginx's workers).
// --log        the log file (default ./durable-floor.log). It is written once to 256 MiB and synced at
//              start, then overwritten in a ring, as SQLite's WAL after a reset: a sync records no new
//              size or allocation, the disk's cheapest durable write.
// --sync none  the same server without the sync (not durable: the ceiling of this design).
// --committer  thread: one committer thread takes each group, writes and syncs it (Starling's design);
//              leader: the I/O thread that finds no sync in flight writes and syncs the group itself,
//              with no other thread to wake (the other I/O thread's answers are posted to it).
// --store      log: the bodies appended to the log file; sqlite: each body inserted as a row of a table in
//              a SQLite database at FILE (WAL, synchronous=FULL, one transaction per group, checkpoints
//              by a second thread every 256 WAL pages as Starling's), an append-only database.
// --random-rows  with sqlite: also rewrite one row among N (150-byte rows, chosen at random) per request,
//              as a contact's or a cart's row: one more random page of the database written per request.
// Prints "listening on <port>" once ready; stops on SIGINT/SIGTERM, printing commits and requests.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

constexpr off_t kLogSize = 256L << 20;
constexpr std::string_view kAnswer =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 55\r\n\r\n"
    "{\"trackerId\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"webContents\":[]}";
static_assert(std::string_view("{\"trackerId\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"webContents\":[]}").size() == 55);

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "starling-durable-floor: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(1);
}

struct Done {  // one answer owed to a connection
  int fd;
  unsigned generation;
  size_t length;  // of the request's body, in the group's bytes
};

struct Worker;

// The log and the group being gathered. I/O threads append under the mutex; a commit takes the whole
// group, writes it at the ring's offset, syncs, and hands each answer back to its worker.
struct Log {
  int fd = -1;
  bool sync = true;
  bool leader_mode = false;
  off_t offset = 0;
  std::mutex mutex;
  std::condition_variable wake;
  std::string bytes;                              // guarded by mutex
  std::vector<std::pair<Worker*, Done>> waiting;  // guarded by mutex
  bool committing = false;                        // guarded by mutex (leader mode)
  std::atomic<long> commits{0}, requests{0};
  // --store sqlite: the group's bodies are rows of a WAL-mode SQLite database committed with
  // synchronous=FULL (one fsync per commit), instead of the log.
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* upsert = nullptr;  // --random-rows: one row among N rewritten per request
  long random_rows = 0;
  std::mt19937_64 random{42};
  // Checkpoints as Starling's (src/db/sqlite/sqlite_database.cc, WalCheckpointer): a thread with its own
  // connection copies the WAL into the database once it holds 256 pages; at 512 the writer copies it.
  sqlite3* checkpoint_db = nullptr;
  std::atomic<int> wal_pages{0};
  std::mutex checkpoint_mutex;
  std::condition_variable checkpoint_wake;

  void Commit(std::string& group_bytes, std::vector<std::pair<Worker*, Done>>& group);
  void Append(const std::string& group_bytes);
};

struct Connection {
  std::string in;
  unsigned generation = 0;
  bool open = false;
};

struct Worker {
  Log* log = nullptr;
  int epoll = -1, listener = -1, event = -1;
  std::vector<Connection> connections;  // by fd
  std::mutex mutex;
  std::vector<Done> done;  // guarded by mutex: answers to send
  bool signalled = false;  // guarded by mutex

  void Post(std::vector<Done>& answers) {
    bool wake = false;
    {
      std::lock_guard lock(mutex);
      done.insert(done.end(), answers.begin(), answers.end());
      wake = !signalled;
      signalled = true;
    }
    if (wake) {
      uint64_t one = 1;
      if (::write(event, &one, sizeof one) < 0) Fail("eventfd write");
    }
  }

  void Answer(const std::vector<Done>& answers) {
    std::string out;
    for (size_t i = 0; i < answers.size();) {  // consecutive answers to one connection share a send
      size_t j = i;
      out.clear();
      while (j < answers.size() && answers[j].fd == answers[i].fd && answers[j].generation == answers[i].generation) {
        out.append(kAnswer);
        ++j;
      }
      const Done& d = answers[i];
      if (d.fd < static_cast<int>(connections.size()) && connections[d.fd].open &&
          connections[d.fd].generation == d.generation) {
        ::send(d.fd, out.data(), out.size(), MSG_NOSIGNAL);  // small: fits the socket buffer
      }
      i = j;
    }
  }

  void Close(int fd) {
    connections[fd].open = false;
    connections[fd].in.clear();
    ::close(fd);
  }

  // Reads what the connection has, queues each complete request's body; returns false when closed.
  bool Read(int fd, std::string& group_bytes, std::vector<Done>& group) {
    Connection& c = connections[fd];
    char buffer[65536];
    for (;;) {
      ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        c.in.append(buffer, static_cast<size_t>(n));
        if (static_cast<size_t>(n) < sizeof buffer) break;
        continue;
      }
      if (n == 0) return false;
      if (errno == EAGAIN || errno == EINTR) break;
      return false;
    }
    size_t start = 0;
    for (;;) {
      size_t end = c.in.find("\r\n\r\n", start);
      if (end == std::string::npos) break;
      size_t length = 0;
      std::string_view head(c.in.data() + start, end - start);
      for (size_t line = head.find("\r\n"); line != std::string_view::npos; line = head.find("\r\n", line + 2)) {
        std::string_view rest = head.substr(line + 2);
        if (rest.size() > 15 && strncasecmp(rest.data(), "content-length:", 15) == 0) {
          length = std::strtoul(std::string(rest.substr(15, rest.find("\r\n") - 15)).c_str(), nullptr, 10);
        }
      }
      if (c.in.size() < end + 4 + length) break;
      group_bytes.append(c.in, end + 4, length);
      group.push_back({fd, c.generation, length});
      start = end + 4 + length;
    }
    c.in.erase(0, start);
    return true;
  }

  void Run() {
    std::vector<epoll_event> events(512);
    std::string group_bytes;
    std::vector<Done> group;
    std::vector<Done> answers;
    for (;;) {
      int n = ::epoll_wait(epoll, events.data(), static_cast<int>(events.size()), -1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) Fail("epoll_wait");
      group_bytes.clear();
      group.clear();
      for (int i = 0; i < n; ++i) {
        int fd = events[i].data.fd;
        if (fd == listener) {
          for (;;) {
            int client = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (client < 0) break;
            int one = 1;
            ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (client >= static_cast<int>(connections.size())) connections.resize(client + 1024);
            connections[client].open = true;
            connections[client].generation++;
            epoll_event ev{};
            ev.events = EPOLLIN | EPOLLRDHUP;
            ev.data.fd = client;
            ::epoll_ctl(epoll, EPOLL_CTL_ADD, client, &ev);
          }
        } else if (fd == event) {
          uint64_t count;
          if (::read(event, &count, sizeof count) < 0) Fail("eventfd read");
          {
            std::lock_guard lock(mutex);
            answers.swap(done);
            signalled = false;
          }
          Answer(answers);
          answers.clear();
        } else if (!Read(fd, group_bytes, group)) {
          Close(fd);
        }
      }
      if (group.empty()) continue;
      Enqueue(group_bytes, group);
    }
  }

  void Enqueue(std::string& group_bytes, std::vector<Done>& group) {
    std::unique_lock lock(log->mutex);
    log->bytes.append(group_bytes);
    for (const Done& d : group) log->waiting.push_back({this, d});
    if (!log->leader_mode) {
      lock.unlock();
      log->wake.notify_one();
      return;
    }
    // Leader mode: commit here unless another thread's commit is in flight (it takes ours next).
    if (log->committing) return;
    log->committing = true;
    std::string bytes;
    std::vector<std::pair<Worker*, Done>> batch;
    while (!log->bytes.empty()) {
      bytes.swap(log->bytes);
      batch.swap(log->waiting);
      lock.unlock();
      log->Commit(bytes, batch);
      bytes.clear();
      batch.clear();
      lock.lock();
    }
    log->committing = false;
  }
};

void Exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::fprintf(stderr, "starling-durable-floor: %s: %s\n", sql, message != nullptr ? message : "?");
    std::exit(1);
  }
}

void Step(sqlite3_stmt* statement) {
  if (sqlite3_step(statement) != SQLITE_DONE) {
    std::fprintf(stderr, "starling-durable-floor: %s\n", sqlite3_errmsg(sqlite3_db_handle(statement)));
    std::exit(1);
  }
  sqlite3_reset(statement);
}

void Log::Commit(std::string& group_bytes, std::vector<std::pair<Worker*, Done>>& group) {
  if (db != nullptr) {
    Exec(db, "BEGIN");
    size_t at = 0;
    for (const auto& [worker, d] : group) {
      sqlite3_bind_text(insert, 1, group_bytes.data() + at, static_cast<int>(d.length), SQLITE_STATIC);
      Step(insert);
      at += d.length;
      if (upsert != nullptr) {
        sqlite3_bind_int64(upsert, 1, static_cast<sqlite3_int64>(random() % static_cast<uint64_t>(random_rows)));
        sqlite3_bind_int64(upsert, 2, static_cast<sqlite3_int64>(at));
        Step(upsert);
      }
    }
    Exec(db, "COMMIT");
  } else {
    Append(group_bytes);
  }
  commits.fetch_add(1, std::memory_order_relaxed);
  requests.fetch_add(static_cast<long>(group.size()), std::memory_order_relaxed);
  // Hand the answers back, one post per worker.
  std::vector<Done> answers;
  for (size_t i = 0; i < group.size();) {
    Worker* w = group[i].first;
    answers.clear();
    size_t j = i;
    for (; j < group.size() && group[j].first == w; ++j) answers.push_back(group[j].second);
    w->Post(answers);
    i = j;
  }
}

void Log::Append(const std::string& group_bytes) {
  size_t done = 0;
  while (done < group_bytes.size()) {
    if (offset >= kLogSize) offset = 0;
    size_t chunk = std::min<size_t>(group_bytes.size() - done, static_cast<size_t>(kLogSize - offset));
    ssize_t n = ::pwrite(fd, group_bytes.data() + done, chunk, offset);
    if (n <= 0) Fail("log write");
    done += static_cast<size_t>(n);
    offset += n;
  }
  if (sync && ::fdatasync(fd) != 0) Fail("fdatasync");
}

int WalHook(void* self, sqlite3* db, const char*, int pages) {
  auto* log = static_cast<Log*>(self);
  log->wal_pages.store(pages, std::memory_order_relaxed);
  if (pages >= 512) {
    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= 256) {
    log->checkpoint_wake.notify_one();
  }
  return SQLITE_OK;
}

void CheckpointLoop(Log* log) {
  std::unique_lock lock(log->checkpoint_mutex);
  for (;;) {
    log->checkpoint_wake.wait_for(lock, std::chrono::seconds(1));
    if (log->wal_pages.load(std::memory_order_relaxed) < 256) continue;
    lock.unlock();
    sqlite3_wal_checkpoint_v2(log->checkpoint_db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
  }
}

void CommitterLoop(Log* log) {
  std::string bytes;
  std::vector<std::pair<Worker*, Done>> batch;
  for (;;) {
    {
      std::unique_lock lock(log->mutex);
      log->wake.wait(lock, [&] { return !log->bytes.empty(); });  // runs until the process exits
      bytes.swap(log->bytes);
      batch.swap(log->waiting);
    }
    log->Commit(bytes, batch);
    bytes.clear();
    batch.clear();
  }
}

int Listen(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Fail("bind");
  if (::listen(fd, 1024) != 0) Fail("listen");
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, threads = 2;
  std::string log_path = "durable-floor.log", sync = "fdatasync", committer = "thread", store = "log";
  long random_rows = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    if (flag == "--port") port = std::atoi(argv[i + 1]);
    else if (flag == "--threads") threads = std::atoi(argv[i + 1]);
    else if (flag == "--log") log_path = argv[i + 1];
    else if (flag == "--sync") sync = argv[i + 1];
    else if (flag == "--committer") committer = argv[i + 1];
    else if (flag == "--store") store = argv[i + 1];
    else if (flag == "--random-rows") random_rows = std::atol(argv[i + 1]);
    else {
      std::fprintf(stderr, "starling-durable-floor: unknown flag %s\n", argv[i]);
      return 1;
    }
  }
  if (port <= 0 || threads <= 0 || (sync != "fdatasync" && sync != "none") ||
      (committer != "thread" && committer != "leader") || (store != "log" && store != "sqlite") ||
      random_rows < 0 || (random_rows > 0 && store != "sqlite")) {
    std::fprintf(stderr,
                 "usage: starling-durable-floor --port P [--threads N] [--log FILE] [--sync fdatasync|none] "
                 "[--committer thread|leader] [--store log|sqlite] [--random-rows N]\n");
    return 1;
  }
  Log log;
  log.sync = sync == "fdatasync";
  log.leader_mode = committer == "leader";
  if (store == "sqlite") {
    for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((log_path + suffix).c_str());
    if (sqlite3_open(log_path.c_str(), &log.db) != SQLITE_OK) Fail("cannot open " + log_path);
    Exec(log.db, "PRAGMA journal_mode=WAL");
    Exec(log.db, log.sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF");
    Exec(log.db, "PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864");
    Exec(log.db, "CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    Exec(log.db, "CREATE TABLE rows (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, pad BLOB NOT NULL)");
    sqlite3_prepare_v2(log.db, "INSERT INTO events (body) VALUES (?1)", -1, &log.insert, nullptr);
    if (random_rows > 0) {
      Exec(log.db, ("WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i + 1 < " +
                    std::to_string(random_rows) + ") INSERT INTO rows SELECT i, 0, zeroblob(150) FROM r")
                       .c_str());
      sqlite3_prepare_v2(log.db,
                         "INSERT INTO rows (id, n, pad) VALUES (?1, ?2, zeroblob(150)) "
                         "ON CONFLICT (id) DO UPDATE SET n = excluded.n",
                         -1, &log.upsert, nullptr);
      log.random_rows = random_rows;
    }
    Exec(log.db, "PRAGMA wal_checkpoint(TRUNCATE)");
    if (sqlite3_open(log_path.c_str(), &log.checkpoint_db) != SQLITE_OK) Fail("cannot open " + log_path);
    Exec(log.checkpoint_db, "SELECT count(*) FROM sqlite_master");
    sqlite3_wal_hook(log.db, &WalHook, &log);
    std::thread([&log] { CheckpointLoop(&log); }).detach();
  } else {
  log.fd = ::open(log_path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log.fd < 0) Fail("cannot open " + log_path);
  {
    std::vector<char> zeros(1 << 20, 0);
    for (off_t at = 0; at < kLogSize; at += static_cast<off_t>(zeros.size())) {
      if (::pwrite(log.fd, zeros.data(), zeros.size(), at) != static_cast<ssize_t>(zeros.size())) Fail("log write");
    }
    if (::fsync(log.fd) != 0) Fail("fsync");
  }
  }
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::vector<Worker> workers(static_cast<size_t>(threads));
  for (Worker& w : workers) {
    w.log = &log;
    w.listener = Listen(port);
    w.epoll = ::epoll_create1(EPOLL_CLOEXEC);
    w.event = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    for (int fd : {w.listener, w.event}) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.fd = fd;
      ::epoll_ctl(w.epoll, EPOLL_CTL_ADD, fd, &ev);
    }
  }
  std::vector<std::thread> running;
  for (Worker& w : workers) running.emplace_back([&w] { w.Run(); });
  if (!log.leader_mode) running.emplace_back([&log] { CommitterLoop(&log); });
  std::printf("listening on %d\n", port);
  std::fflush(stdout);
  int signal = 0;
  sigwait(&stop_signals, &signal);
  std::printf("commits %ld requests %ld\n", log.commits.load(), log.requests.load());
  std::fflush(stdout);
  for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((log_path + suffix).c_str());
  std::_Exit(0);
}
