// JsonWriter: appends compact JSON to a string, for hot paths where building a Boost.JSON value first
// would cost more than the data. The caller writes well-formed structure (Key before each member
// value); the writer adds commas and escapes strings.
//
//   JsonWriter w;
//   w.BeginObject(); w.Key("url"); w.String(url); w.Key("price"); w.Number(9.5); w.EndObject();
//   std::string json = w.Take();
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace starling {

class JsonWriter final {
 public:
  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view key);
  void String(std::string_view value);
  void Number(double value);
  void Integer(int64_t value);
  void Bool(bool value);
  void Null();
  // Inserts already-serialized JSON (an object, array or scalar) as the next value.
  void Raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

  // Appends `value` as a JSON string literal (with quotes) to `out`.
  static void AppendQuoted(std::string& out, std::string_view value);

 private:
  void Open(char c);
  void Close(char c);
  void BeforeValue();

  std::string out_;
  std::vector<bool> first_;  // per open container: no member written yet
  bool after_key_ = false;
};

}  // namespace starling
