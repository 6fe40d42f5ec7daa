#include "http/request_parser.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include <optional>

#include "base/check.h"

namespace starling::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using beast::error_code;
using BeastView = beast::string_view;  // boost::core::string_view in Boost 1.81; converts to std

Method ToMethod(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// Beast's parser with callbacks that write straight into a Request, reusing its strings. The
// string_views Beast passes point into the caller's buffer and are valid only during the call, so
// they are copied.
class Parser final : public bhttp::basic_parser<true> {
 public:
  explicit Parser(Request* request) : request_(request) {}

  bool expects_continue() const { return expects_continue_; }
  int version() const { return version_; }

 private:
  void on_request_impl(bhttp::verb method, BeastView method_text, BeastView target, int version,
                       error_code&) override {
    request_->method = ToMethod(method);
    request_->method_text.assign(method_text.data(), method_text.size());
    request_->target.assign(target.data(), target.size());
    request_->body.clear();
    version_ = version;
  }

  void on_response_impl(int, BeastView, int, error_code& ec) override {
    ec = bhttp::error::bad_method;  // unreachable: this is a request parser
  }

  void on_field_impl(bhttp::field field, BeastView name, BeastView value, error_code&) override {
    auto& headers = request_->headers;
    if (header_count_ == headers.size()) headers.emplace_back();
    auto& [lower_name, header_value] = headers[header_count_++];
    lower_name.resize(name.size());
    for (size_t i = 0; i < name.size(); ++i) lower_name[i] = Lower(name[i]);
    header_value.assign(value.data(), value.size());
    if (field == bhttp::field::expect &&
        EqualsIgnoreCase(std::string_view(value.data(), value.size()), "100-continue")) {
      expects_continue_ = true;
    }
  }

  void on_header_impl(error_code&) override { request_->headers.resize(header_count_); }

  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         error_code&) override {
    // Content-Length was checked against the body limit before this call.
    if (content_length) request_->body.reserve(static_cast<size_t>(*content_length));
  }

  size_t on_body_impl(BeastView body, error_code&) override {
    request_->body.append(body.data(), body.size());
    return body.size();
  }

  void on_chunk_header_impl(std::uint64_t, BeastView, error_code&) override {}

  size_t on_chunk_body_impl(std::uint64_t, BeastView body, error_code&) override {
    request_->body.append(body.data(), body.size());
    return body.size();
  }

  void on_finish_impl(error_code&) override {}

  Request* request_;
  size_t header_count_ = 0;
  int version_ = 11;
  bool expects_continue_ = false;
};

}  // namespace

class RequestParser::Impl {
 public:
  explicit Impl(Limits limits) : limits_(limits) {}

  void Start(Request* request) {
    // Beast's parser cannot be reset; constructing one is cheap (no allocation).
    parser_.emplace(request);
    parser_->header_limit(
        static_cast<std::uint32_t>(std::min<uint64_t>(limits_.max_header_bytes, UINT32_MAX)));
    parser_->body_limit(limits_.max_body_bytes);
    parser_->eager(true);  // parse header and body in one call when the bytes are there
    error_message_.clear();
  }

  Status Feed(std::string_view bytes, size_t* used) {
    CHECK(parser_.has_value()) << "RequestParser::Feed before Start";
    error_code ec;
    *used = parser_->put(boost::asio::const_buffer(bytes.data(), bytes.size()), ec);
    if (ec == bhttp::error::need_more) return Status::kNeedMore;
    if (ec) return FromError(ec);
    return parser_->is_done() ? Status::kComplete : Status::kNeedMore;
  }

  Status FeedEof() {
    CHECK(parser_.has_value()) << "RequestParser::FeedEof before Start";
    if (!parser_->got_some()) return Status::kNeedMore;
    error_code ec;
    parser_->put_eof(ec);
    if (ec) return FromError(ec);
    return parser_->is_done() ? Status::kComplete : Status::kNeedMore;
  }

  const Parser& parser() const {
    CHECK(parser_.has_value()) << "RequestParser used before Start";
    return *parser_;
  }
  const std::string& error_message() const { return error_message_; }

 private:
  Status FromError(const error_code& ec) {
    if (ec == bhttp::error::header_limit) return Status::kHeaderTooLarge;
    if (ec == bhttp::error::body_limit) return Status::kBodyTooLarge;
    error_message_ = ec.message();
    return Status::kMalformed;
  }

  Limits limits_;
  std::optional<Parser> parser_;
  std::string error_message_;
};

RequestParser::RequestParser(Limits limits) : impl_(std::make_unique<Impl>(limits)) {}
RequestParser::~RequestParser() = default;
void RequestParser::Start(Request* request) { impl_->Start(request); }
RequestParser::Status RequestParser::Feed(std::string_view bytes, size_t* used) {
  return impl_->Feed(bytes, used);
}
RequestParser::Status RequestParser::FeedEof() { return impl_->FeedEof(); }
bool RequestParser::started() const { return impl_->parser().got_some(); }
bool RequestParser::header_done() const { return impl_->parser().is_header_done(); }
bool RequestParser::keep_alive() const { return impl_->parser().keep_alive(); }
int RequestParser::version() const { return impl_->parser().version(); }
bool RequestParser::expects_continue() const { return impl_->parser().expects_continue(); }
const std::string& RequestParser::error_message() const { return impl_->error_message(); }

}  // namespace starling::http
