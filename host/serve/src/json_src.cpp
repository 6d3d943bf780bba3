// Boost.JSON compiled once for libbrick_serve (its symbols stay hidden: the
// library exports only the server's API).
#include <boost/json/src.hpp>
