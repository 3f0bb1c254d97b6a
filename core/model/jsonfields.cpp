#include "core/model/jsonfields.h"

#include "core/util/strings.h"

#include <cmath>

namespace sy::model {

const char* jsonKind(const Json& j) {
    switch (j.type()) {
    case Json::value_t::null:
        return "null";
    case Json::value_t::object:
        return "an object";
    case Json::value_t::array:
        return "an array";
    case Json::value_t::string:
        return "a string";
    case Json::value_t::boolean:
        return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
        return "an integer";
    case Json::value_t::number_float:
        return "a number";
    default:
        return "an unsupported value";
    }
}

std::optional<std::int64_t> asInteger(const Json& j) {
    if (j.is_number_integer())
        return j.get<std::int64_t>();
    if (j.is_number_unsigned()) {
        const auto u = j.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(INT64_MAX))
            return std::nullopt;
        return static_cast<std::int64_t>(u);
    }
    if (j.is_number_float()) {
        const double d = j.get<double>();
        if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e18)
            return static_cast<std::int64_t>(d);
        return std::nullopt;
    }
    if (j.is_string())
        if (auto v = parseInt(j.get_ref<const std::string&>()))
            return static_cast<std::int64_t>(*v);
    return std::nullopt;
}

ObjectReader::ObjectReader(const Json& j, std::string path, Problems& problems)
    : path_(std::move(path))
    , problems_(problems) {
    if (j.is_object())
        obj_ = &j;
    else
        problems_.push_back({path_, std::string("must be an object, got ") + jsonKind(j)});
}

const Json* ObjectReader::take(std::string_view key) {
    if (!obj_)
        return nullptr;
    auto it = obj_->find(key);
    if (it == obj_->end())
        return nullptr;
    taken_.emplace(key);
    return it->is_null() ? nullptr : &*it;
}

void ObjectReader::mismatch(std::string_view key, const char* expected, const Json& got) {
    std::string msg = std::string("must be ") + expected + ", got " + jsonKind(got);
    if (got.is_string())
        msg += " " + sy::quoted(got.get_ref<const std::string&>().substr(0, 64));
    problems_.push_back({pathOf(key), std::move(msg)});
}

void ObjectReader::read(std::string_view key, std::optional<std::string>& out) {
    if (const Json* v = take(key)) {
        if (v->is_string())
            out = v->get<std::string>();
        else
            mismatch(key, "a string", *v);
    }
}

void ObjectReader::read(std::string_view key, std::optional<bool>& out) {
    if (const Json* v = take(key)) {
        if (v->is_boolean())
            out = v->get<bool>();
        else if (v->is_string() && (*v == "true" || *v == "false"))
            out = (*v == "true");
        else
            mismatch(key, "a boolean", *v);
    }
}

void ObjectReader::read(std::string_view key, std::optional<std::int64_t>& out) {
    if (const Json* v = take(key)) {
        if (auto i = asInteger(*v))
            out = *i;
        else
            mismatch(key, "an integer", *v);
    }
}

void ObjectReader::read(std::string_view key, std::optional<double>& out) {
    if (const Json* v = take(key)) {
        if (v->is_number())
            out = v->get<double>();
        else if (auto d =
                     v->is_string() ? parseDouble(v->get_ref<const std::string&>()) : std::nullopt)
            out = *d;
        else
            mismatch(key, "a number", *v);
    }
}

void ObjectReader::read(std::string_view key, std::optional<std::vector<std::string>>& out) {
    const Json* v = take(key);
    if (!v)
        return;
    if (!v->is_array()) {
        mismatch(key, "an array of strings", *v);
        return;
    }
    std::vector<std::string> items;
    for (std::size_t i = 0; i < v->size(); ++i) {
        const Json& e = (*v)[i];
        if (e.is_string())
            items.push_back(e.get<std::string>());
        else
            problems_.push_back(
                {indexPath(pathOf(key), i), std::string("must be a string, got ") + jsonKind(e)});
    }
    out = std::move(items);
}

void ObjectReader::read(std::string_view key, std::optional<StringMap>& out) {
    const Json* v = take(key);
    if (!v)
        return;
    if (!v->is_object()) {
        mismatch(key, "an object of strings", *v);
        return;
    }
    StringMap items;
    for (const auto& [k, e] : v->items()) {
        if (e.is_string())
            items[k] = e.get<std::string>();
        else if (e.is_number() || e.is_boolean())
            items[k] = e.dump(); // tags and properties are strings; tolerate scalars
        else
            problems_.push_back(
                {joinPath(pathOf(key), k), std::string("must be a string, got ") + jsonKind(e)});
    }
    out = std::move(items);
}

std::optional<Json> ObjectReader::extra() const {
    if (!obj_)
        return std::nullopt;
    Json rest = Json::object();
    for (const auto& [k, v] : obj_->items())
        if (!taken_.contains(k))
            rest[k] = v;
    if (rest.empty())
        return std::nullopt;
    return rest;
}

} // namespace sy::model
