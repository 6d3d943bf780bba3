// Plugin version requirements, as a pipeline file writes them:
// "requires": {"core": ">=1.2"}. A requirement is one clause or several
// joined by commas, all of which must hold: ">=1.2, <2". Operators: >=, <=,
// >, <, ==, != (none means ==). Versions are dot-separated numbers; missing
// trailing parts count as 0 ("1.2" == "1.2.0"). Anything after the numbers
// (a "-rc1" suffix) is ignored by the comparison.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace brick::registry {

struct Version {
  std::vector<long> parts;
  // Throws RegistryError naming `text` when it does not start with a number.
  static Version parse(const std::string& text);
  int compare(const Version& other) const;  // <0, 0, >0
};

struct VersionClause {
  enum class Op { Eq, Ne, Lt, Le, Gt, Ge };
  Op op = Op::Eq;
  Version version;
  std::string text;  // as written, e.g. ">=1.2"
};

class VersionRequirement {
 public:
  // Throws RegistryError naming the requirement and the bad clause.
  static VersionRequirement parse(const std::string& text);
  bool satisfied_by(const Version& version) const;
  bool satisfied_by(const std::string& version) const { return satisfied_by(Version::parse(version)); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<VersionClause> clauses_;
};

// "" when plugin `name` at `version` satisfies `requirement`, else a message
// naming the plugin, the version found and the requirement. A malformed
// requirement or version is reported the same way.
std::string check_version_requirement(const std::string& name, const std::string& version,
                                      const std::string& requirement);

// Checks every requirement against the plugins found: `found` maps plugin
// names to their versions. Returns one message per unmet requirement
// (a missing plugin included), in the order of `requirements`.
std::vector<std::string> check_version_requirements(const std::map<std::string, std::string>& requirements,
                                                    const std::map<std::string, std::string>& found);

}  // namespace brick::registry
