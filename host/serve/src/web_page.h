// The web page GET / serves: one HTML file with its CSS and plain
// JavaScript (web_page.cpp), compiled into the library: no framework, no
// build step.
#pragma once

#include <string_view>

namespace brick::serve {

std::string_view web_page();

}  // namespace brick::serve
