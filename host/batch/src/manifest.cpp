#include "brick/batch/manifest.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "brick/batch/sha256.h"
#include "brick/host/base/error.h"
#include "brick/host/value/json.h"

namespace brick::batch {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void system_error(const std::string& what, const fs::path& path) {
  throw std::runtime_error(what + " '" + path.string() + "': " + std::strerror(errno));
}

void write_all(int fd, std::string_view text, const fs::path& path) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      system_error("cannot write to", path);
    }
    text.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

std::string to_json_line(const ManifestRecord& r) {
  host::Value::Dict line;
  line.emplace_back("id", r.id);
  line.emplace_back("inputs", r.inputs.kind() == host::Value::Kind::Dict ? r.inputs : host::Value::dict({}));
  if (r.ok()) {
    host::Value::List outputs;
    for (const OutputFile& out : r.outputs)
      outputs.push_back(host::Value::dict({{"file", out.file}, {"sha256", out.sha256}}));
    line.emplace_back("outputs", host::Value::list(std::move(outputs)));
  } else {
    line.emplace_back("error", r.error);
  }
  // Milliseconds are enough, and keep the line short.
  line.emplace_back("seconds", static_cast<double>(static_cast<int64_t>(r.seconds * 1000 + 0.5)) / 1000);
  line.emplace_back("rank", r.rank);
  line.emplace_back("host", r.host);
  return host::to_json(host::Value::dict(std::move(line)));
}

ManifestRecord parse_manifest_line(std::string_view text) {
  host::Value line = host::parse_json(text);
  if (line.kind() != host::Value::Kind::Dict)
    throw host::Error(BRICK_ERR_INVALID_ARGUMENT, "manifest line: not a JSON object");
  auto need = [&](const char* name, host::Value::Kind kind) -> const host::Value& {
    const host::Value* value = line.find(name);
    if (!value || value->kind() != kind)
      throw host::Error(BRICK_ERR_INVALID_ARGUMENT, std::string("manifest line: no valid '") + name + "'");
    return *value;
  };
  ManifestRecord r;
  r.id = need("id", host::Value::Kind::String).as_string();
  r.inputs = need("inputs", host::Value::Kind::Dict);
  if (const host::Value* error = line.find("error")) {
    r.error = error->kind() == host::Value::Kind::String ? error->as_string() : error->repr();
    if (r.error.empty()) r.error = "failed";
  } else {
    for (const host::Value& out : need("outputs", host::Value::Kind::List).as_list()) {
      const host::Value* file = out.find("file");
      const host::Value* sha = out.find("sha256");
      if (!file || !sha || file->kind() != host::Value::Kind::String || sha->kind() != host::Value::Kind::String)
        throw host::Error(BRICK_ERR_INVALID_ARGUMENT, "manifest line: an output without file and sha256");
      r.outputs.push_back({file->as_string(), sha->as_string()});
    }
  }
  if (const host::Value* seconds = line.find("seconds"); seconds && !seconds->is_none())
    r.seconds = seconds->as_float();
  if (const host::Value* rank = line.find("rank"); rank && rank->kind() == host::Value::Kind::Int)
    r.rank = static_cast<int>(rank->as_int());
  if (const host::Value* host = line.find("host"); host && host->kind() == host::Value::Kind::String)
    r.host = host->as_string();
  return r;
}

Manifest read_manifest(const fs::path& path) {
  Manifest manifest;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (fs::exists(path)) throw std::runtime_error("cannot read the manifest '" + path.string() + "'");
    return manifest;
  }
  std::string line;
  while (std::getline(in, line)) {
    // A line without its newline was being written when the batch was killed.
    if (in.eof()) {
      if (!line.empty()) ++manifest.unreadable_lines;
      break;
    }
    if (line.empty()) continue;
    try {
      ManifestRecord record = parse_manifest_line(line);
      std::string id = record.id;
      manifest.records.insert_or_assign(std::move(id), std::move(record));
    } catch (const host::Error&) {
      ++manifest.unreadable_lines;
    }
  }
  return manifest;
}

bool is_done(const ManifestRecord& record, const host::Value& inputs, const fs::path& dir, std::string* why) {
  auto no = [&](std::string reason) {
    if (why) *why = std::move(reason);
    return false;
  };
  if (!record.ok()) return no("it failed: " + record.error);
  if (host::to_json(record.inputs) != host::to_json(inputs)) return no("its inputs changed");
  if (record.outputs.empty()) return no("it wrote no file");
  for (const OutputFile& out : record.outputs) {
    fs::path file = dir / out.file;
    std::error_code error;
    if (!fs::is_regular_file(file, error)) return no(out.file + " is missing");
    if (sha256_file(file) != out.sha256) return no(out.file + " has changed (SHA-256 differs)");
  }
  return true;
}

ManifestWriter::ManifestWriter(const fs::path& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) system_error("cannot open the manifest", path);
}

ManifestWriter::~ManifestWriter() {
  if (fd_ >= 0) {
    ::fsync(fd_);
    ::close(fd_);
  }
}

void ManifestWriter::append(const ManifestRecord& record) { write_all(fd_, to_json_line(record) + "\n", path_); }

void rewrite_manifest(const fs::path& path, const std::vector<ManifestRecord>& records) {
  fs::path temporary = path;
  temporary += ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) system_error("cannot write", temporary);
  std::string text;
  for (const ManifestRecord& record : records) text += to_json_line(record) + "\n";
  write_all(fd, text, temporary);
  ::fsync(fd);
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0) system_error("cannot rename the manifest to", path);
}

}  // namespace brick::batch
