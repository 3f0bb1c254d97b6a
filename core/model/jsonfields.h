#pragma once
// Field-by-field JSON reading and writing shared by every codec of the model.
//
// ObjectReader applies the tolerance rules of the Stream Manager 2.0 reference while decoding:
// integers may arrive as strings ("maxPublishers":"100"), and fields it does not know are kept
// (extra()) so that a read-modify-PUT returns them unchanged. Every type mismatch is recorded as
// a Problem with its JSON path; reading never throws and never stops at the first problem.

#include "core/model/jsontext.h"
#include "core/model/problem.h"
#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sy::model {

using Json = nlohmann::json;
using StringMap = std::map<std::string, std::string>;

class ObjectReader {
public:
    // `what` names the object in the "must be an object" problem ("a node group").
    ObjectReader(const Json& j, std::string path, Problems& problems);

    bool valid() const { return obj_ != nullptr; }
    const std::string& path() const { return path_; }
    Problems& problems() { return problems_; }
    std::string pathOf(std::string_view key) const { return joinPath(path_, key); }

    // Marks `key` as known and returns its value, or nullptr when absent (or JSON null).
    const Json* take(std::string_view key);

    void read(std::string_view key, std::optional<std::string>& out);
    void read(std::string_view key, std::optional<bool>& out);
    void read(std::string_view key, std::optional<std::int64_t>& out);
    void read(std::string_view key, std::optional<double>& out);
    void read(std::string_view key, std::optional<std::vector<std::string>>& out);
    void read(std::string_view key, std::optional<StringMap>& out);

    // Every member not taken, for lossless round trips; nullopt when there is none.
    std::optional<Json> extra() const;

private:
    void mismatch(std::string_view key, const char* expected, const Json& got);

    const Json* obj_ = nullptr;
    std::string path_;
    Problems& problems_;
    std::set<std::string, std::less<>> taken_;
};

// Reads a JSON integer, or a string holding one (tolerance rule 5).
std::optional<std::int64_t> asInteger(const Json& j);
// A short description of a JSON value's type for messages: "a string", "an array"...
const char* jsonKind(const Json& j);

// Writing: present optionals only, so absent stays absent after a round trip.
template <class T>
void put(Json& j, const char* key, const std::optional<T>& v) {
    if (v)
        j[key] = *v;
}
inline void putExtra(Json& j, const std::optional<Json>& extra) {
    if (extra)
        for (const auto& [k, v] : extra->items())
            if (!j.contains(k))
                j[k] = v;
}

} // namespace sy::model
