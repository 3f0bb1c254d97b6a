#pragma once
// Shared by the node tests: result checks that print the core's error message, and fixture files.

#include "core/util/result.h"

#include <QTest>

#include <fstream>
#include <sstream>
#include <string>

// Fails the test with the error's message when `expr` (a sy::Result) is an error.
#define SY_VERIFY_OK(expr)                                                                         \
    do {                                                                                           \
        const auto& syResult_ = (expr);                                                            \
        if (!syResult_.ok())                                                                       \
            QFAIL(                                                                                 \
                ("unexpected error: " + syResult_.error().code + ": " + syResult_.error().message) \
                    .c_str());                                                                     \
    } while (false)

namespace nodestest {

inline std::string fixture(const std::string& name) {
    std::ifstream in(std::string(SWITCHYARD_NODES_DATA_DIR) + "/" + name, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

} // namespace nodestest
