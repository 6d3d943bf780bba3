#include "brick/registry/fingerprint.h"

#include "brick/registry/content_hash.h"

namespace brick::registry {

std::string HostFingerprint::text() const {
  std::string t = "abi=";
  t += sdk_abi;
  t += ";torch=" + (torch.empty() ? std::string("none") : torch);
  t += ";cuda=" + (cuda.empty() ? std::string("none") : cuda);
  t += ";" + cxx_abi;
  return t;
}

std::string HostFingerprint::key() const {
  std::string h = hash_text(content_hash(text()));
  return h.substr(h.find(':') + 1);
}

}  // namespace brick::registry
