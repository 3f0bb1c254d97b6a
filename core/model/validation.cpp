#include "core/model/validation.h"

#include "core/expr/expression.h"
#include "core/util/strings.h"

#include <algorithm>
#include <set>

namespace sy::model {

std::optional<std::string> checkName(std::string_view name, std::size_t max) {
    if (name.empty())
        return "must not be empty";
    if (name.size() > max)
        return "must be at most " + std::to_string(max) + " characters, got " +
               std::to_string(name.size());
    if (!isSafeName(name))
        return "must use only letters, digits, '.', '_' and '-', start with a letter or digit "
               "and not contain '..', got " +
               sy::quoted(name);
    return std::nullopt;
}

namespace {

class Validator {
public:
    explicit Validator(const NodeGroupConfig& ng)
        : ng_(ng) {}
    Problems run();

private:
    void add(std::string path, std::string message) {
        problems_.push_back({std::move(path), std::move(message)});
    }
    void name(const std::string& path, const std::optional<std::string>& v, bool required);
    void text(const std::string& path, const std::optional<std::string>& v, std::size_t max);
    void tags(const std::string& path, const std::optional<StringMap>& t);
    void cloudProperties(const std::string& path, const std::optional<std::string>& v);
    void overrides(const std::string& path, const std::optional<std::vector<PropertyOverride>>& o);
    void expression(const std::string& path, const std::optional<std::string>& v,
                    expr::Language lang, bool required);
    void header();
    void images();
    void schedules();
    void roles();
    void roleParents(const std::string& key, const NodeRole& role);
    void subGroup(const SubGroupConfig& sg, const std::string& path, const std::string& key);
    void rule(const ScaleRule& r, const std::string& path, const std::string& role,
              const std::string& sgName);
    void mergedTags(const SubGroupConfig& sg, const std::string& path);
    void delivery();

    const NodeGroupConfig& ng_;
    Problems problems_;
    std::set<std::string> subGroupNames_;
};

void Validator::name(const std::string& path, const std::optional<std::string>& v, bool required) {
    if (!v) {
        if (required)
            add(path, "is required");
        return;
    }
    if (auto why = checkName(*v))
        add(path, *why);
}

void Validator::text(const std::string& path, const std::optional<std::string>& v,
                     std::size_t max) {
    if (v && v->size() > max)
        add(path, "must be at most " + std::to_string(max) + " characters, got " +
                      std::to_string(v->size()));
}

void Validator::tags(const std::string& path, const std::optional<StringMap>& t) {
    if (!t)
        return;
    for (const auto& [k, v] : *t) {
        if (k.empty() || k.size() > limits::kTagKeyMax)
            add(joinPath(path, k),
                "tag keys must be 1.." + std::to_string(limits::kTagKeyMax) + " characters");
        if (v.size() > limits::kTagValueMax)
            add(joinPath(path, k), "tag values must be at most " +
                                       std::to_string(limits::kTagValueMax) + " characters");
    }
}

void Validator::cloudProperties(const std::string& path, const std::optional<std::string>& v) {
    text(path, v, limits::kTextMax);
    if (!v || v->empty())
        return;
    for (auto part : split(*v, ';')) {
        if (trim(part).empty())
            continue;
        const auto eq = part.find('=');
        if (eq == std::string_view::npos || trim(part.substr(0, eq)).empty()) {
            add(path, "must be 'key=value' pairs separated by ';', got " + sy::quoted(part));
            return;
        }
    }
}

void Validator::overrides(const std::string& path,
                          const std::optional<std::vector<PropertyOverride>>& list) {
    if (!list)
        return;
    static const std::set<std::string> kBlocks = {
        "R5AS-POST",     "R5AS-POST-ORIENTATION", "R5AS-POST-S3",     "R5AS-RTA",
        "R5AS-JWT-AUTH", "R5AS-SOCIAL-PUSHER",    "R5AS-PREPROCESSOR"};
    for (std::size_t i = 0; i < list->size(); ++i) {
        const auto& o = (*list)[i];
        const std::string p = indexPath(path, i);
        if (!o.fileName) {
            add(joinPath(p, "fileName"), "is required");
        } else {
            const std::string& f = *o.fileName;
            const bool under =
                f.starts_with("conf/") || f.starts_with("plugins/") || f.starts_with("webapps/");
            if (!under || f.find("..") != std::string::npos || f.find('\0') != std::string::npos)
                add(joinPath(p, "fileName"),
                    "must be a relative path under conf/, plugins/ or webapps/ without '..', "
                    "got " +
                        sy::quoted(f));
        }
        if (!o.properties && !o.blocks)
            add(p, "needs 'properties' or 'blocks'");
        if (o.blocks)
            for (std::size_t b = 0; b < o.blocks->size(); ++b)
                if (!kBlocks.contains((*o.blocks)[b]))
                    add(indexPath(joinPath(p, "blocks"), b),
                        "unknown block " + sy::quoted((*o.blocks)[b]));
    }
}

void Validator::expression(const std::string& path, const std::optional<std::string>& v,
                           expr::Language lang, bool required) {
    if (!v) {
        if (required)
            add(path, "is required");
        return;
    }
    if (auto err = expr::validate(lang, *v))
        add(path, err->message);
}

void Validator::header() {
    if (!ng_.name)
        add("name", "is required");
    else if (auto why = checkName(*ng_.name))
        add("name", *why);
    else if (*ng_.name == "default")
        add("name", "'default' is reserved: it names the only node group in routing URLs");
    text("description", ng_.description, limits::kTextMax);
    if (!ng_.cloudPlatform)
        add("cloudPlatform", "is required");
    else if (!isKnownCloudPlatform(*ng_.cloudPlatform))
        add("cloudPlatform", "unknown platform " + sy::quoted(*ng_.cloudPlatform) + "; expected " +
                                 joinNames(cloudPlatformNames()));
    if (ng_.initScripts)
        for (std::size_t i = 0; i < ng_.initScripts->size(); ++i)
            if ((*ng_.initScripts)[i].size() > limits::kTextMax)
                add(indexPath("initScripts", i), "must be at most 4096 characters");
    cloudProperties("cloudProperties", ng_.cloudProperties);
    tags("tags", ng_.tags);
    text("clusterPassword", ng_.clusterPassword, limits::kPasswordMax);
    if (ng_.maxPublishers && *ng_.maxPublishers < 0)
        add("maxPublishers", "must be >= 0, got " + std::to_string(*ng_.maxPublishers));
    if (ng_.maxSubscribers && *ng_.maxSubscribers < 0)
        add("maxSubscribers", "must be >= 0, got " + std::to_string(*ng_.maxSubscribers));
    if (ng_.baseNodeGroupName)
        name("baseNodeGroupName", ng_.baseNodeGroupName, true);
    expression("shuffleSizeExpression", ng_.shuffleSizeExpression, expr::Language::ShuffleSize,
               false);
    overrides("propertyOverrides", ng_.propertyOverrides);
}

void Validator::images() {
    if (!ng_.images)
        return;
    for (const auto& [key, im] : *ng_.images) {
        const std::string p = joinPath("images", key);
        if (auto why = checkName(key, 64))
            add(p, "image key " + *why);
        if (im.name && *im.name != key)
            add(joinPath(p, "name"),
                "must equal its key " + sy::quoted(key) + ", got " + sy::quoted(*im.name));
        if (!im.image || im.image->empty())
            add(joinPath(p, "image"), "is required");
        cloudProperties(joinPath(p, "cloudProperties"), im.cloudProperties);
        tags(joinPath(p, "tags"), im.tags);
    }
}

void Validator::schedules() {
    if (!ng_.schedules)
        return;
    for (const auto& [key, s] : *ng_.schedules) {
        const std::string p = joinPath("schedules", key);
        if (s.name && *s.name != key)
            add(joinPath(p, "name"), "must equal its key " + sy::quoted(key));
        if (!s.startAt || split(trim(*s.startAt), ' ').size() < 6)
            add(joinPath(p, "startAt"), "must be a cron expression such as '0 0 0 ? * SAT *'");
        if (!s.durationS)
            add(joinPath(p, "durationS"), "is required");
        else if (*s.durationS < limits::kScheduleMinS || *s.durationS > limits::kScheduleMaxS)
            add(joinPath(p, "durationS"),
                "must be between 60 and 31536000, got " + std::to_string(*s.durationS));
    }
}

void Validator::roles() {
    if (!ng_.roles || ng_.roles->empty()) {
        add("roles", "needs at least one role");
        return;
    }
    for (const auto& [key, role] : *ng_.roles) {
        const std::string p = joinPath("roles", key);
        if (auto why = checkName(key))
            add(p, "role name " + *why);
        else if (key.find('-') != std::string::npos)
            add(p, "role names must not contain '-' (node names are joined with it)");
        if (role.name && *role.name != key)
            add(joinPath(p, "name"),
                "must equal its key " + sy::quoted(key) + ", got " + sy::quoted(*role.name));
        if (role.imageName && (!ng_.images || !ng_.images->contains(*role.imageName)))
            add(joinPath(p, "imageName"),
                "names no image of this node group: " + sy::quoted(*role.imageName));
        if (role.capabilities) {
            std::set<Capability> seen;
            for (auto c : *role.capabilities)
                if (!seen.insert(c).second)
                    add(joinPath(p, "capabilities"),
                        "lists " + std::string(toString(c)) + " twice");
        }
        overrides(joinPath(p, "propertyOverrides"), role.propertyOverrides);
        cloudProperties(joinPath(p, "cloudProperties"), role.cloudProperties);
        tags(joinPath(p, "tags"), role.tags);
        roleParents(key, role);
    }
}

void Validator::roleParents(const std::string& key, const NodeRole& role) {
    const std::string p = joinPath(joinPath("roles", key), "parentRoleName");
    if (!role.parentRoleName) {
        if (role.parentCardinality)
            add(joinPath(joinPath("roles", key), "parentCardinality"), "needs parentRoleName");
        return;
    }
    if (!ng_.roles->contains(*role.parentRoleName)) {
        add(p, "names no role of this node group: " + sy::quoted(*role.parentRoleName));
        return;
    }
    // Follow the parent chain; coming back to `key` is a cycle. The chain is at most as long as
    // the number of roles, so a walk longer than that is a cycle elsewhere, reported there.
    std::string at = *role.parentRoleName;
    for (std::size_t steps = 0; steps <= ng_.roles->size(); ++steps) {
        if (at == key) {
            add(p, "makes a cycle of parents through role " + sy::quoted(key));
            return;
        }
        const auto it = ng_.roles->find(at);
        if (it == ng_.roles->end() || !it->second.parentRoleName)
            return;
        at = *it->second.parentRoleName;
    }
}

void Validator::rule(const ScaleRule& r, const std::string& path, const std::string& role,
                     const std::string& sgName) {
    if (ng_.name && r.nodeGroupName && *r.nodeGroupName != *ng_.name)
        add(joinPath(path, "nodeGroupName"), "must be the node group's name " +
                                                 sy::quoted(*ng_.name) + ", got " +
                                                 sy::quoted(*r.nodeGroupName));
    if (r.subGroupName && *r.subGroupName != sgName)
        add(joinPath(path, "subGroupName"), "must be the sub-group's name " + sy::quoted(sgName) +
                                                ", got " + sy::quoted(*r.subGroupName));
    if (r.nodeRoleName && *r.nodeRoleName != role)
        add(joinPath(path, "nodeRoleName"), "must equal its key " + sy::quoted(role));
    auto range = [&](const char* field, const std::optional<std::int64_t>& v, std::int64_t lo) {
        if (v && (*v < lo || *v > limits::kRuleCountMax))
            add(joinPath(path, field),
                "must be between " + std::to_string(lo) + " and 1024, got " + std::to_string(*v));
    };
    if (!r.min)
        add(joinPath(path, "min"), "is required");
    if (!r.max)
        add(joinPath(path, "max"), "is required");
    range("min", r.min, 0);
    range("max", r.max, 0);
    range("increment", r.increment, 1);
    if (r.min && r.max && *r.max < *r.min)
        add(joinPath(path, "max"), "must be >= min (" + std::to_string(*r.min) + ")");
    // A role with max = 0 is excluded from this sub-group and needs no expressions.
    const bool active = r.max.value_or(0) > 0;
    expression(joinPath(path, "outExpression"), r.outExpression, expr::Language::Scale, active);
    expression(joinPath(path, "inExpression"), r.inExpression, expr::Language::Scale, active);
    expression(joinPath(path, "capacityRankingExpression"), r.capacityRankingExpression,
               expr::Language::Capacity, active);
    expression(joinPath(path, "capacityLimitExpression"), r.capacityLimitExpression,
               expr::Language::Capacity, active);
}

void Validator::mergedTags(const SubGroupConfig& sg, const std::string& path) {
    if (!ng_.roles)
        return;
    // Tags merge NG → SG → image → role; the cloud caps the merged set per node at 10.
    for (const auto& [roleName, role] : *ng_.roles) {
        std::set<std::string> keys;
        auto merge = [&](const std::optional<StringMap>& t) {
            if (t)
                for (const auto& kv : *t)
                    keys.insert(kv.first);
        };
        merge(ng_.tags);
        merge(sg.tags);
        if (role.imageName && ng_.images && ng_.images->contains(*role.imageName))
            merge(ng_.images->at(*role.imageName).tags);
        merge(role.tags);
        if (keys.size() > limits::kMergedTagsMax)
            add(joinPath(path, "tags"), "nodes of role " + sy::quoted(roleName) + " would carry " +
                                            std::to_string(keys.size()) +
                                            " tags after merging; at most 10 are allowed");
    }
}

void Validator::subGroup(const SubGroupConfig& sg, const std::string& path,
                         const std::string& key) {
    const std::string sgName = sg.subGroupName.value_or(key);
    if (auto why = checkName(sgName))
        add(sg.subGroupName ? joinPath(path, "subGroupName") : path, "sub-group name " + *why);
    else if (!subGroupNames_.insert(sgName).second)
        add(joinPath(path, "subGroupName"),
            "sub-group name " + sy::quoted(sgName) + " is used twice in this node group");
    if (!key.empty() && sg.subGroupName && *sg.subGroupName != key)
        add(joinPath(path, "subGroupName"),
            "must equal its key " + sy::quoted(key) + ", got " + sy::quoted(*sg.subGroupName));
    if (ng_.name && sg.nodeGroupName && *sg.nodeGroupName != *ng_.name)
        add(joinPath(path, "nodeGroupName"), "must be the node group's name " +
                                                 sy::quoted(*ng_.name) + ", got " +
                                                 sy::quoted(*sg.nodeGroupName));
    cloudProperties(joinPath(path, "cloudProperties"), sg.cloudProperties);
    tags(joinPath(path, "tags"), sg.tags);
    if (sg.rulesByRole && sg.childGroups) {
        add(path, "has both rulesByRole and childGroups; a sub-group is a leaf or a zone");
        return;
    }
    if (sg.childGroups) {
        if (sg.childGroups->empty())
            add(joinPath(path, "childGroups"), "must not be empty");
        for (std::size_t i = 0; i < sg.childGroups->size(); ++i)
            subGroup((*sg.childGroups)[i], indexPath(joinPath(path, "childGroups"), i), "");
        return;
    }
    if (!sg.rulesByRole) {
        add(path, "needs rulesByRole (a leaf) or childGroups (a zone)");
        return;
    }
    const std::string rulesPath = joinPath(path, "rulesByRole");
    std::size_t index = 0;
    for (const auto& role : ruleOrder(sg)) {
        const ScaleRule& r = sg.rulesByRole->at(role);
        const std::string rp =
            sg.rulesAsArray ? indexPath(rulesPath, index++) : joinPath(rulesPath, role);
        if (!ng_.roles || !ng_.roles->contains(role))
            add(rp, "names no role of this node group: " + sy::quoted(role));
        rule(r, rp, role, sgName);
    }
    if (ng_.roles)
        for (const auto& [role, unused] : *ng_.roles)
            if (!sg.rulesByRole->contains(role))
                add(rulesPath, "has no rule for role " + sy::quoted(role) +
                                   " (use min = max = 0 to leave a role out)");
    mergedTags(sg, path);
}

void Validator::delivery() {
    if (const auto& a = ng_.streamAccess) {
        const auto mode = [this](const char* key, const std::optional<std::string>& v) {
            if (v && !parseAccessMode(*v))
                add(joinPath("streamAccess", key),
                    "must be open, token or roundtrip, got " + sy::quoted(*v));
        };
        mode("publish", a->publish);
        mode("play", a->play);
        if (a->subscribeRole && *a->subscribeRole != "public" && *a->subscribeRole != "viewer")
            add("streamAccess.subscribeRole",
                "must be public or viewer, got " + sy::quoted(*a->subscribeRole));
        if (a->tokenTtlSeconds && (*a->tokenTtlSeconds < 10 || *a->tokenTtlSeconds > 86400))
            add("streamAccess.tokenTtlSeconds",
                "must be between 10 and 86400 seconds, got " + std::to_string(*a->tokenTtlSeconds));
        const bool roundTrip =
            publishAccess(ng_) == AccessMode::RoundTrip || playAccess(ng_) == AccessMode::RoundTrip;
        if (a->validateUrl) {
            const std::string& u = *a->validateUrl;
            // https is not offered yet: the check runs on a plain socket client.
            const bool scheme = u.starts_with("http://");
            const auto host = u.substr(scheme ? 7 : 0);
            if (!scheme || host.empty() || host.front() == '/' || host.front() == ':')
                add("streamAccess.validateUrl",
                    "must be an http:// URL with a host, got " + sy::quoted(u));
            else if (u.size() > 2048 ||
                     std::any_of(u.begin(), u.end(), [](unsigned char c) { return c <= ' '; }))
                add("streamAccess.validateUrl",
                    "must be at most 2048 characters without spaces or control characters");
        } else if (roundTrip) {
            add("streamAccess.validateUrl", "is required when publish or play is roundtrip");
        }
    }
    if (const auto& h = ng_.hls) {
        if (h->fragmentSeconds && (*h->fragmentSeconds < 1 || *h->fragmentSeconds > 10))
            add("hls.fragmentSeconds",
                "must be between 1 and 10, got " + std::to_string(*h->fragmentSeconds));
        const auto fragment = hlsFragmentSeconds(ng_);
        if (h->playlistSeconds && (*h->playlistSeconds < 3 * fragment || *h->playlistSeconds > 120))
            add("hls.playlistSeconds", "must be between 3 fragments (" +
                                           std::to_string(3 * fragment) + ") and 120, got " +
                                           std::to_string(*h->playlistSeconds));
        if (hlsEnabled(ng_) && playAccess(ng_) != AccessMode::Open)
            add("hls.enabled", "HLS segments are served over plain HTTP without stream tokens: "
                               "it cannot be enabled while streamAccess.play is not open");
    }
}

Problems Validator::run() {
    header();
    images();
    schedules();
    roles();
    delivery();
    if (!ng_.groups || ng_.groups->empty())
        add("groups", "needs at least one sub-group");
    else
        for (const auto& [key, sg] : *ng_.groups)
            subGroup(sg, joinPath("groups", key), key);
    return std::move(problems_);
}

} // namespace

Problems validateNodeGroup(const NodeGroupConfig& ng) {
    return Validator(ng).run();
}

bool NodeRole::has(Capability c) const {
    if (!capabilities)
        return false;
    for (auto x : *capabilities)
        if (x == c)
            return true;
    return false;
}

namespace {
void collectLeaves(const SubGroupConfig& sg, const std::string& path, const std::string& zone,
                   std::vector<LeafSubGroup>& out) {
    if (sg.isLeaf()) {
        out.push_back({&sg, path, zone});
        return;
    }
    for (std::size_t i = 0; i < sg.childGroups->size(); ++i) {
        const auto& child = (*sg.childGroups)[i];
        collectLeaves(child, indexPath(joinPath(path, "childGroups"), i),
                      zone + "/" + child.subGroupName.value_or(std::to_string(i)), out);
    }
}
} // namespace

std::vector<std::string> ruleOrder(const SubGroupConfig& sg) {
    std::vector<std::string> out;
    if (!sg.rulesByRole)
        return out;
    for (const auto& role : sg.ruleArrayOrder)
        if (sg.rulesByRole->contains(role))
            out.push_back(role);
    for (const auto& [role, unused] : *sg.rulesByRole)
        if (std::find(out.begin(), out.end(), role) == out.end())
            out.push_back(role);
    return out;
}

std::vector<LeafSubGroup> leafSubGroups(const NodeGroupConfig& ng) {
    std::vector<LeafSubGroup> out;
    if (ng.groups)
        for (const auto& [key, sg] : *ng.groups)
            collectLeaves(sg, joinPath("groups", key), sg.subGroupName.value_or(key), out);
    return out;
}

} // namespace sy::model
