// StaticFiles: serves the built web UI (web/dist) from a directory.
//
// - Files get their content type from the extension.
// - Hashed assets (under /assets/) are immutable: cached for a year. index.html is `no-cache`, so a new
//   release is picked up at the next load.
// - UI routes (paths whose last segment has no '.') fall back to index.html, so the single-page app can
//   route client-side. API paths never reach this class (the server answers them with a JSON 404).
// Thread-safe: files are read on demand and cached by (path, size, mtime).
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "http/request.h"

namespace starling::http {

class StaticFiles final {
 public:
  explicit StaticFiles(std::filesystem::path root);

  // The response for a GET/HEAD of `path`, or nullopt when nothing here matches (the caller sends 404).
  std::optional<Response> Serve(std::string_view path);

  // "text/html; charset=utf-8" for "index.html"…; "application/octet-stream" when unknown.
  static std::string_view ContentTypeFor(const std::filesystem::path& file);

  const std::filesystem::path& root() const { return root_; }

 private:
  struct CachedFile {
    std::uintmax_t size = 0;
    std::filesystem::file_time_type mtime;
    std::string content;
  };
  std::optional<std::string> Read(const std::filesystem::path& file);

  std::filesystem::path root_;
  std::mutex mutex_;
  std::unordered_map<std::string, CachedFile> cache_;
};

}  // namespace starling::http
