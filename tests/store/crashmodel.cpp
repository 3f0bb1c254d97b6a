#include "crashmodel.h"

#include "core/util/strings.h"

#include <sstream>

namespace crash {

using sy::store::IntentRecord;
using sy::store::IntentState;

nlohmann::json groupDoc(const std::string& prefix, int i) {
    // The padding varies the record size so that writes straddle pages now and then.
    return {
        {"writer", prefix}, {"i", i}, {"pad", std::string(static_cast<std::size_t>(i % 97), 'x')}};
}

nlohmann::json provisionDoc(int i) {
    return {{"i", i}, {"streams", nlohmann::json::array({"live" + std::to_string(i)})}};
}

sy::store::IntentRequest intentRequest(const Names& n, int i) {
    return {n.token(i), n.group(i), "create-node", "node-" + std::to_string(i), {{"i", i}}};
}

sy::store::IntentRequest batchIntentRequest(const Names& n, int i) {
    return {n.batchToken(i), n.batchGroup(i), "reload", "", {{"batch", i}}};
}

IntentState completionState(int i) {
    return i % 4 == 3 ? IntentState::Failed : IntentState::Done;
}

std::string completionDetail(int i) {
    return "detail-" + std::to_string(i);
}

bool isBatchIteration(int i) {
    return i % 5 == 4;
}

int batchDeletedAt(int i) {
    return isBatchIteration(i) && i >= 9 ? i - 5 : -1;
}

sy::Result<void> writeBatch(sy::store::Tx& tx, const Names& n, int i) {
    if (auto g = tx.createNodeGroup(n.batchGroup(i), {{"batch", i}}); !g) {
        return sy::unexpected(g.error());
    }
    for (int j = 0; j < kBatchProvisions; ++j) {
        if (auto p = tx.createProvision(n.batchGroup(i), n.batchProvision(i, j), provisionDoc(i));
            !p) {
            return sy::unexpected(p.error());
        }
    }
    if (auto t = tx.beginIntent(batchIntentRequest(n, i)); !t) {
        return sy::unexpected(t.error());
    }
    return {};
}

namespace {

// The iteration number at the end of key, if key is stem followed by digits; else -1.
int indexAfter(const std::string& key, const std::string& stem) {
    if (key.rfind(stem, 0) != 0) {
        return -1;
    }
    auto n = sy::parseInt(std::string_view(key).substr(stem.size()));
    return n && *n >= 0 ? static_cast<int>(*n) : -1;
}

} // namespace

std::string RunModel::accept(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> w;
    for (std::string word; in >> word;) {
        w.push_back(word);
    }
    if (w.size() == 1 && w[0] == "ready") {
        return {};
    }
    if (w.size() < 3 || w[0] != "ack" || w.back().rfind("syncs=", 0) != 0) {
        return "unexpected writer output: " + line;
    }
    ++acks_;
    const long syncs = sy::parseInt(w.back().substr(6)).value_or(-1);
    if (syncs <= lastSyncs_) {
        return "ack " + std::to_string(acks_) + " (" + line + "): the WAL was not fsynced for " +
               "this commit (" + std::to_string(lastSyncs_) + " -> " + std::to_string(syncs) +
               " syncs): acknowledged before it reached the disk";
    }
    lastSyncs_ = syncs;
    const std::string& kind = w[1];
    int i = -1;
    if (kind == "group" && w.size() == 6) {
        i = static_cast<int>(sy::parseInt(w[3]).value_or(-1));
        groups_[w[2]] = {i, sy::parseInt(w[4]).value_or(0)};
    } else if (kind == "provision" && w.size() == 6) {
        i = indexAfter(w[3], names_.prefix + "-p");
        provisions_[i] = sy::parseInt(w[4]).value_or(0);
    } else if (kind == "begin" && w.size() == 4) {
        i = indexAfter(w[2], names_.prefix + "-t");
        begun_.insert(i);
    } else if (kind == "complete" && w.size() == 5) {
        i = indexAfter(w[2], names_.prefix + "-t");
        completed_[i] = w[3];
    } else if (kind == "batch" && w.size() == 4) {
        i = indexAfter(w[2], names_.prefix + "-b");
        batches_.insert(i);
    } else if (kind == "delete" && w.size() == 4) {
        const int k = indexAfter(w[2], names_.prefix + "-b");
        deletedBatches_.insert(k);
        i = k + 5;
    }
    if (i < 0) {
        return "cannot parse writer output: " + line;
    }
    maxIteration_ = std::max(maxIteration_, i);
    return {};
}

std::vector<std::string> RunModel::verify(sy::store::StateStore& store) const {
    std::vector<std::string> out;
    verifyGroups(store, out);
    verifyIntents(store, out);
    verifyBatches(store, out);
    return out;
}

void RunModel::verifyGroups(sy::store::StateStore& store, std::vector<std::string>& out) const {
    for (const auto& [name, acked] : groups_) {
        auto g = store.getNodeGroup(name);
        if (!g) {
            out.push_back("acked node group lost: " + name + ": " + g.error().message);
            continue;
        }
        // The stored write is the acked one or a later one (at most the in-flight one).
        const int stored = g->config.value("i", -1);
        if (stored < acked.first || stored > bound() ||
            g->config != groupDoc(names_.prefix, stored)) {
            out.push_back("node group " + name + " holds " + g->config.dump() +
                          ", acked i=" + std::to_string(acked.first));
        }
        if (g->version < acked.second) {
            out.push_back("node group " + name + " went back to version " +
                          std::to_string(g->version));
        }
    }
    for (const auto& [i, version] : provisions_) {
        auto p = store.getProvision(names_.group(i), names_.provision(i));
        if (!p) {
            out.push_back("acked provision lost: " + names_.provision(i) + ": " +
                          p.error().message);
        } else if (p->doc != provisionDoc(i) || p->version != version) {
            out.push_back("provision " + names_.provision(i) + " changed: " + p->doc.dump());
        }
    }
}

void RunModel::verifyIntents(sy::store::StateStore& store, std::vector<std::string>& out) const {
    for (int i : begun_) {
        auto t = store.getIntent(names_.token(i));
        if (!t) {
            out.push_back("acked intent lost: " + names_.token(i) + ": " + t.error().message);
            continue;
        }
        const auto want = intentRequest(names_, i);
        if (t->nodeGroup != want.nodeGroup || t->action != want.action ||
            t->nodeId != want.nodeId || t->payload != want.payload) {
            out.push_back("intent " + names_.token(i) + " has other content");
        }
        const auto ackedState = completed_.find(i);
        const std::string state(toString(t->state));
        const bool finished = t->state == completionState(i) && t->detail == completionDetail(i);
        if (ackedState != completed_.end() ? (state != ackedState->second || !finished)
                                           : (t->state != IntentState::Pending && !finished)) {
            out.push_back("intent " + names_.token(i) + " is " + state + " '" + t->detail + "'");
        }
    }
    // The journal as a whole: one entry per token, only tokens this run began, and at most one
    // step intent left pending (the one the kill interrupted).
    std::set<std::string> seen;
    int pending = 0;
    for (int g = 0; g < 3; ++g) {
        auto list = store.intentsFor(names_.group(g));
        if (!list) {
            out.push_back("cannot list intents: " + list.error().message);
            return;
        }
        for (const IntentRecord& t : *list) {
            const int i = indexAfter(t.idempotencyToken, names_.prefix + "-t");
            if (!seen.insert(t.idempotencyToken).second || i < 0 || i > bound() || (i % 3) != g) {
                out.push_back("unexpected journal entry " + t.idempotencyToken);
            }
            pending += t.state == IntentState::Pending ? 1 : 0;
        }
    }
    if (pending > 1) {
        out.push_back(std::to_string(pending) + " step intents pending; at most 1 may be");
    }
}

void RunModel::verifyBatches(sy::store::StateStore& store, std::vector<std::string>& out) const {
    for (int k = 0; k <= bound(); ++k) {
        if (!isBatchIteration(k)) {
            continue;
        }
        const std::string what = "batch " + std::to_string(k) + ": ";
        const bool group = store.getNodeGroup(names_.batchGroup(k)).ok();
        const bool intent = store.getIntent(names_.batchToken(k)).ok();
        auto provisions = store.listProvisions(names_.batchGroup(k));
        if (!provisions) {
            out.push_back(what + provisions.error().message);
            continue;
        }
        const auto count = static_cast<int>(provisions->size());
        const bool complete = group && intent && count == kBatchProvisions;
        const bool deleted = deletedBatches_.count(k) > 0;
        // The delete of batch k runs in iteration k + 5 and may have committed unacknowledged.
        const bool deleteStarted = k + 5 <= bound();
        const bool cleanlyDeleted = deleteStarted && !group && count == 0;
        if (batches_.count(k) > 0 && !deleted && !complete && !cleanlyDeleted) {
            out.push_back(what + "acked batch lost or partial");
        }
        if (deleted && (group || count > 0)) {
            out.push_back(what + "acked delete did not remove the group and its provisions");
        }
        // All or nothing: a group comes with all its provisions and its intent; no provision
        // without its group; an intent without its group only once the delete could have run.
        if ((group && !complete) || (!group && count > 0) || (intent && !group && !deleteStarted) ||
            (!intent && group)) {
            out.push_back(what + "half-applied (group " + std::to_string(group) + ", provisions " +
                          std::to_string(count) + ", intent " + std::to_string(intent) + ")");
        }
    }
}

} // namespace crash
