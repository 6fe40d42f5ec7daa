#include "http/static_files.h"

#include <fstream>
#include <sstream>
#include <system_error>

namespace starling::http {
namespace fs = std::filesystem;

StaticFiles::StaticFiles(fs::path root) : root_(std::move(root)) {}

std::string_view StaticFiles::ContentTypeFor(const fs::path& file) {
  std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".gif") return "image/gif";
  if (ext == ".webp") return "image/webp";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".webmanifest") return "application/manifest+json";
  if (ext == ".wasm") return "application/wasm";
  return "application/octet-stream";
}

std::optional<std::string> StaticFiles::Read(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  auto size = fs::file_size(file, ec);
  if (ec) return std::nullopt;
  auto mtime = fs::last_write_time(file, ec);
  if (ec) return std::nullopt;
  std::string key = file.string();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.size == size && it->second.mtime == mtime) {
      return it->second.content;
    }
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string content = buffer.str();
  std::lock_guard lock(mutex_);
  cache_[key] = CachedFile{size, mtime, content};
  return content;
}

std::optional<Response> StaticFiles::Serve(std::string_view path) {
  // Reject anything that could climb out of the root; such paths are never produced by the UI.
  if (path.empty() || path.front() != '/' || path.find("..") != std::string_view::npos ||
      path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) {
    return std::nullopt;
  }
  fs::path relative = path == "/" ? fs::path("index.html") : fs::path(path.substr(1));
  fs::path file = root_ / relative;
  std::optional<std::string> content = Read(file);
  bool is_index = relative == "index.html";
  if (!content) {
    // SPA fallback: "/contacts/42" is a UI route; "/assets/missing.js" or "/favicon.ico" is a 404.
    std::string last = relative.filename().string();
    if (last.find('.') != std::string::npos) return std::nullopt;
    file = root_ / "index.html";
    content = Read(file);
    if (!content) return std::nullopt;
    is_index = true;
  }
  Response response;
  response.status = 200;
  response.content_type = std::string(ContentTypeFor(file));
  response.body = std::move(*content);
  if (is_index) {
    response.headers.emplace_back("Cache-Control", "no-cache");
  } else if (path.starts_with("/assets/")) {
    // Vite puts a content hash in every file name under assets/: safe to cache forever.
    response.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
  } else {
    response.headers.emplace_back("Cache-Control", "public, max-age=300");
  }
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

}  // namespace starling::http
