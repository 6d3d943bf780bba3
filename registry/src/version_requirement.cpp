#include "brick/registry/version_requirement.h"

#include <cctype>

#include "brick/registry/error.h"

namespace brick::registry {

namespace {

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

}  // namespace

Version Version::parse(const std::string& text) {
  std::string t = trim(text);
  if (!t.empty() && (t[0] == 'v' || t[0] == 'V')) t.erase(0, 1);
  Version v;
  size_t i = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) {
    long part = 0;
    size_t digits = 0;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])) && digits < 9) {
      part = part * 10 + (t[i] - '0');
      ++i;
      ++digits;
    }
    v.parts.push_back(part);
    if (i + 1 < t.size() && t[i] == '.' && std::isdigit(static_cast<unsigned char>(t[i + 1]))) {
      ++i;
    } else {
      break;
    }
  }
  if (v.parts.empty()) throw RegistryError("'" + text + "' is not a version (expected numbers like 1.2.0)");
  return v;
}

int Version::compare(const Version& other) const {
  size_t n = parts.size() > other.parts.size() ? parts.size() : other.parts.size();
  for (size_t i = 0; i < n; ++i) {
    long a = i < parts.size() ? parts[i] : 0;
    long b = i < other.parts.size() ? other.parts[i] : 0;
    if (a != b) return a < b ? -1 : 1;
  }
  return 0;
}

VersionRequirement VersionRequirement::parse(const std::string& text) {
  VersionRequirement req;
  req.text_ = trim(text);
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string clause_text = trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (clause_text.empty()) throw RegistryError("version requirement '" + text + "' has an empty clause");
    VersionClause clause;
    clause.text = clause_text;
    static const std::pair<const char*, VersionClause::Op> ops[] = {
        {">=", VersionClause::Op::Ge}, {"<=", VersionClause::Op::Le}, {"==", VersionClause::Op::Eq},
        {"!=", VersionClause::Op::Ne}, {">", VersionClause::Op::Gt},  {"<", VersionClause::Op::Lt},
        {"=", VersionClause::Op::Eq}};
    std::string rest = clause_text;
    for (const auto& [symbol, op] : ops) {
      if (clause_text.rfind(symbol, 0) == 0) {
        clause.op = op;
        rest = clause_text.substr(std::string(symbol).size());
        break;
      }
    }
    try {
      clause.version = Version::parse(rest);
    } catch (const RegistryError& e) {
      throw RegistryError("version requirement '" + text + "': clause '" + clause_text + "': " + e.what());
    }
    req.clauses_.push_back(std::move(clause));
  }
  return req;
}

bool VersionRequirement::satisfied_by(const Version& version) const {
  for (const VersionClause& c : clauses_) {
    int cmp = version.compare(c.version);
    bool ok = false;
    switch (c.op) {
      case VersionClause::Op::Eq: ok = cmp == 0; break;
      case VersionClause::Op::Ne: ok = cmp != 0; break;
      case VersionClause::Op::Lt: ok = cmp < 0; break;
      case VersionClause::Op::Le: ok = cmp <= 0; break;
      case VersionClause::Op::Gt: ok = cmp > 0; break;
      case VersionClause::Op::Ge: ok = cmp >= 0; break;
    }
    if (!ok) return false;
  }
  return true;
}

std::string check_version_requirement(const std::string& name, const std::string& version,
                                      const std::string& requirement) {
  try {
    VersionRequirement req = VersionRequirement::parse(requirement);
    if (req.satisfied_by(version)) return {};
    return "plugin '" + name + "' is version " + version + ", which does not satisfy the requirement '" +
           req.text() + "'";
  } catch (const RegistryError& e) {
    return "plugin '" + name + "' (version " + version + "): " + e.what();
  }
}

std::vector<std::string> check_version_requirements(const std::map<std::string, std::string>& requirements,
                                                    const std::map<std::string, std::string>& found) {
  std::vector<std::string> errors;
  for (const auto& [name, requirement] : requirements) {
    auto it = found.find(name);
    if (it == found.end()) {
      errors.push_back("plugin '" + name + "' is required (" + requirement + ") but was not found on the search path");
      continue;
    }
    std::string error = check_version_requirement(name, it->second, requirement);
    if (!error.empty()) errors.push_back(std::move(error));
  }
  return errors;
}

}  // namespace brick::registry
