// Records <-> Boost.JSON objects, shared by the cache, the scanner protocol
// and the lock file.
#pragma once

#include <boost/json.hpp>

#include "brick/registry/plugin_record.h"

namespace brick::registry::detail {

boost::json::object record_to_object(const PluginRecord& record);
// Throws RegistryError.
PluginRecord record_from_object(const boost::json::object& object);

// Field access that says what is wrong.
const boost::json::value& field(const boost::json::object& o, const char* key);
std::string string_field(const boost::json::object& o, const char* key);
std::string optional_string(const boost::json::object& o, const char* key);

}  // namespace brick::registry::detail
