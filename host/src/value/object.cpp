#include "brick/host/value/object.h"

#include "brick/host/base/error.h"

namespace brick::host {

void Object::save(const std::filesystem::path& folder) const {
  std::string message = "cannot save component ";
  message += library() + "." + class_name() + " into '" + folder.string() + "': its type has no save method";
  throw Error(BRICK_ERR_UNSUPPORTED, message);
}

Value Object::call(std::string_view method, const Value& /*args*/) {
  std::string message = library() + "." + class_name() + " has no method '";
  message += std::string(method) + "'";
  throw Error(BRICK_ERR_UNKNOWN_METHOD, message);
}

std::string Object::repr() const {
  std::string out = "<";
  out += library() + "." + class_name() + " object>";
  return out;
}

}  // namespace brick::host
