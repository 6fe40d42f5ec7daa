// The disk's floor under a durable write: how long a write followed by fdatasync takes on the
// filesystem of a directory, and how much CPU it costs. Every Starling answer to an ingestion request
// waits for one such sync (the group commit's WAL sync, shared by the requests of the group), so
// this latency bounds the one-event rate of a closed-loop benchmark, and it differs from machine to
// machine far more than CPU speed does. bench/ingest/run.sh prints it first, so that two machines'
// results can be compared knowing their disks.
//
//   starling-fsync-probe --dir DIR [--size 16384] [--count 1000]
// Writes a scratch file in DIR (removed at the end) and measures two patterns, `count` times each:
//   overwrite: `size` bytes written over blocks already written, then fdatasync — SQLite's WAL
//              after a checkpoint has reset it (no file size or allocation to record);
//   append:    `size` bytes written at the end of a growing file, then fdatasync (the file's size
//              must reach the disk too: a journal commit on ext4).
// Prints one line per pattern:
//   `<pattern> <size> B + fdatasync: p50 <us> p90 <us> p99 <us> max <us>, CPU <us> per write`
// At most 1 GiB is written per pattern (size × count for append, a 4 MiB ring for overwrite).
// Exits 1 on a usage error or when the directory cannot be written, with the reason; the scratch file
// is removed then too.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double CpuMicros() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto micros = [](const timeval& tv) { return tv.tv_sec * 1e6 + static_cast<double>(tv.tv_usec); };
  return micros(usage.ru_utime) + micros(usage.ru_stime);
}

std::string scratch;  // the file being measured, removed on failure

[[noreturn]] void Fail(const std::string& what) {
  if (!scratch.empty()) ::unlink(scratch.c_str());
  std::fprintf(stderr, "starling-fsync-probe: %s\n", what.c_str());
  std::exit(1);
}

void WriteAll(int fd, const std::vector<char>& buffer, off_t offset, const std::string& path) {
  size_t done = 0;
  while (done < buffer.size()) {
    ssize_t n = ::pwrite(fd, buffer.data() + done, buffer.size() - done, offset + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) Fail("cannot write " + path + ": " + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
}

void Sync(int fd, const std::string& path) {
  if (::fdatasync(fd) != 0) Fail("cannot fdatasync " + path + ": " + std::strerror(errno));
}

double Percentile(const std::vector<double>& sorted, double p) {
  size_t index = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

// Runs `count` timed write+fdatasync pairs; overwrite: over an area of the file written and synced
// beforehand, used as a ring.
void Measure(const std::string& path, bool overwrite, size_t size, int count) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) Fail("cannot create " + path + ": " + std::strerror(errno));
  scratch = path;
  std::vector<char> buffer(size, 'x');
  // The ring: 4 MiB (256 writes at 16 KiB), as a WAL reset between checkpoints reuses its start.
  const int ring = static_cast<int>(std::max<size_t>(1, (size_t{4} << 20) / size));
  if (overwrite) {
    for (int i = 0; i < ring; ++i) WriteAll(fd, buffer, static_cast<off_t>(i) * static_cast<off_t>(size), path);
    Sync(fd, path);
  }
  std::vector<double> latencies;
  latencies.reserve(static_cast<size_t>(count));
  double cpu_before = CpuMicros();
  for (int i = 0; i < count; ++i) {
    off_t offset = static_cast<off_t>(overwrite ? i % ring : i) * static_cast<off_t>(size);
    buffer[0] = static_cast<char>('a' + i % 26);  // a changed block each time
    auto start = Clock::now();
    WriteAll(fd, buffer, offset, path);
    Sync(fd, path);
    latencies.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  double cpu = (CpuMicros() - cpu_before) / count;
  ::close(fd);
  ::unlink(path.c_str());
  scratch.clear();
  std::sort(latencies.begin(), latencies.end());
  std::printf("%-9s %zu B + fdatasync: p50 %.0f us p90 %.0f us p99 %.0f us max %.0f us, CPU %.1f us per write\n",
              overwrite ? "overwrite" : "append", size, Percentile(latencies, 0.5), Percentile(latencies, 0.9),
              Percentile(latencies, 0.99), latencies.back(), cpu);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  long size = 16384;
  long count = 1000;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (i + 1 >= argc) Fail("missing value after " + std::string(arg) + " (usage: --dir DIR [--size B] [--count N])");
    const char* value = argv[++i];
    char* end = nullptr;
    if (arg == "--dir") {
      dir = value;
    } else if (arg == "--size") {
      size = std::strtol(value, &end, 10);
      if (*end != '\0' || size < 512 || size > (64L << 20)) Fail("--size must be a byte count from 512 to 67108864");
    } else if (arg == "--count") {
      count = std::strtol(value, &end, 10);
      if (*end != '\0' || count < 10 || count > 1000000) Fail("--count must be a number from 10 to 1000000");
    } else {
      Fail("unknown option " + std::string(arg) + " (usage: --dir DIR [--size B] [--count N])");
    }
  }
  if (dir.empty()) Fail("--dir DIR is required: a directory on the filesystem to measure");
  if (size * count > (1L << 30)) {
    Fail("--size × --count is " + std::to_string(size * count) +
         " bytes; keep it at most 1073741824 (1 GiB), the most the probe writes to the disk");
  }
  std::string path = dir + "/starling-fsync-probe." + std::to_string(::getpid());
  Measure(path, true, static_cast<size_t>(size), static_cast<int>(count));
  Measure(path, false, static_cast<size_t>(size), static_cast<int>(count));
  return 0;
}
