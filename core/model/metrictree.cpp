#include "core/model/metrictree.h"

#include "core/model/jsonfields.h"
#include "core/util/strings.h"

namespace sy::model {

namespace {

void flattenInto(const MetricNode& node, const std::string& prefix, FlatMetrics& out) {
    const std::string name = prefix.empty() ? node.name : prefix + "." + node.name;
    if (node.value)
        out[name] = *node.value;
    for (const auto& child : node.children)
        flattenInto(child, name, out);
}

MetricNode& childNamed(std::vector<MetricNode>& nodes, std::string_view name) {
    for (auto& n : nodes)
        if (n.name == name)
            return n;
    nodes.push_back(MetricNode{std::string(name), std::nullopt, {}});
    return nodes.back();
}

void aggregateInto(const Json& j, const std::string& prefix, const std::string& path,
                   FlatAggregates& out, Problems& problems) {
    if (!j.is_object()) {
        problems.push_back(
            {path, std::string("must be an object keyed by name, got ") + jsonKind(j)});
        return;
    }
    for (const auto& [key, v] : j.items()) {
        const std::string p = joinPath(path, key);
        ObjectReader r(v, p, problems);
        std::optional<std::string> name;
        std::optional<double> sum, min, max, count;
        r.read("name", name);
        r.read("sum", sum);
        r.read("min", min);
        r.read("max", max);
        r.read("count", count);
        const std::string full =
            prefix.empty() ? name.value_or(key) : prefix + "." + name.value_or(key);
        if (sum || min || max || count)
            out[full] = {sum.value_or(0), min.value_or(0), max.value_or(0), count.value_or(0)};
        if (const Json* c = r.take("children"))
            aggregateInto(*c, full, joinPath(p, "children"), out, problems);
    }
}

} // namespace

FlatMetrics flatten(const MetricTree& tree) {
    FlatMetrics out;
    for (const auto& n : tree)
        flattenInto(n, "", out);
    return out;
}

MetricTree unflatten(const FlatMetrics& flat) {
    MetricTree tree;
    for (const auto& [name, value] : flat) {
        std::vector<MetricNode>* level = &tree;
        MetricNode* node = nullptr;
        for (auto part : split(name, '.')) {
            node = &childNamed(*level, part);
            level = &node->children;
        }
        if (node)
            node->value = value;
    }
    return tree;
}

Json encodeMetricTree(const MetricTree& tree) {
    Json arr = Json::array();
    for (const auto& n : tree) {
        Json o = {{"name", n.name}};
        if (n.value)
            o["value"] = *n.value;
        if (!n.children.empty())
            o["children"] = encodeMetricTree(n.children);
        arr.push_back(std::move(o));
    }
    return arr;
}

MetricTree decodeMetricTree(const Json& j, const std::string& path, Problems& problems) {
    MetricTree tree;
    if (!j.is_array()) {
        problems.push_back({path, std::string("must be an array of metrics, got ") + jsonKind(j)});
        return tree;
    }
    for (std::size_t i = 0; i < j.size(); ++i) {
        const std::string p = indexPath(path, i);
        ObjectReader r(j[i], p, problems);
        std::optional<std::string> name;
        MetricNode node;
        r.read("name", name);
        r.read("value", node.value);
        if (!name)
            problems.push_back({joinPath(p, "name"), "is required"});
        node.name = name.value_or("");
        if (const Json* c = r.take("children"))
            node.children = decodeMetricTree(*c, joinPath(p, "children"), problems);
        tree.push_back(std::move(node));
    }
    return tree;
}

FlatAggregates decodeAggregateTree(const Json& j, const std::string& path, Problems& problems) {
    FlatAggregates out;
    aggregateInto(j, "", path, out, problems);
    return out;
}

Json encodeAggregateTree(const FlatAggregates& flat) {
    Json root = Json::object();
    for (const auto& [name, a] : flat) {
        Json* level = &root;
        Json* node = nullptr;
        for (auto part : split(name, '.')) {
            const std::string key(part);
            Json& slot = (*level)[key];
            if (slot.is_null())
                slot = {{"name", key}};
            node = &slot;
            level = &slot["children"];
        }
        if (node) {
            (*node)["sum"] = a.sum;
            (*node)["min"] = a.min;
            (*node)["max"] = a.max;
            (*node)["count"] = a.count;
        }
    }
    // Drop the empty "children" objects created on the way down.
    auto prune = [](auto& self, Json& j) -> void {
        for (auto& [k, v] : j.items()) {
            if (v.contains("children") && v["children"].is_null())
                v.erase("children");
            else if (v.contains("children"))
                self(self, v["children"]);
        }
    };
    prune(prune, root);
    return root;
}

} // namespace sy::model
