#pragma once
// The deterministic write sequence of store_crash_writer and the model the store test rebuilds
// from its acknowledgements, to check a killed writer's file. Shared by both programs so that
// they cannot drift apart. No Qt: the writer is a plain program.

#include "core/store/statestore.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace crash {

inline constexpr int kMaxIterations = 100000;
// Provisions per batch. Many, so that a batch that is not one transaction spans many commits and
// a random kill often lands inside it.
inline constexpr int kBatchProvisions = 8;

// Key names of one writer run.
struct Names {
    std::string prefix;

    std::string group(int i) const { return prefix + "-g" + std::to_string(i % 3); }
    std::string provision(int i) const { return prefix + "-p" + std::to_string(i); }
    std::string token(int i) const { return prefix + "-t" + std::to_string(i); }
    std::string batchGroup(int i) const { return prefix + "-b" + std::to_string(i); }
    std::string batchProvision(int i, int j) const {
        return prefix + "-bp" + std::to_string(i) + "-" + std::to_string(j);
    }
    std::string batchToken(int i) const { return prefix + "-bt" + std::to_string(i); }
};

nlohmann::json groupDoc(const std::string& prefix, int i);
nlohmann::json provisionDoc(int i);
sy::store::IntentRequest intentRequest(const Names& n, int i);
sy::store::IntentRequest batchIntentRequest(const Names& n, int i);
sy::store::IntentState completionState(int i);
std::string completionDetail(int i);
bool isBatchIteration(int i);
int batchDeletedAt(int i); // the batch whose group iteration i deletes, or -1
// One all-or-nothing batch: a node group, kBatchProvisions of its provisions and an intent.
sy::Result<void> writeBatch(sy::store::Tx& tx, const Names& n, int i);

// What one writer run acknowledged.
class RunModel {
public:
    explicit RunModel(std::string prefix)
        : names_{std::move(prefix)} {}

    // Takes one stdout line of the writer; returns a problem, or "" if the line is fine.
    std::string accept(const std::string& line);
    int acks() const { return acks_; }

    // Checks the reopened store against every acknowledgement; returns the problems found.
    std::vector<std::string> verify(sy::store::StateStore& store) const;

private:
    void verifyGroups(sy::store::StateStore& store, std::vector<std::string>& out) const;
    void verifyIntents(sy::store::StateStore& store, std::vector<std::string>& out) const;
    void verifyBatches(sy::store::StateStore& store, std::vector<std::string>& out) const;
    // The highest iteration that may have written anything: the last acked one, or the next
    // one, whose write may have committed without its ack being printed.
    int bound() const { return maxIteration_ + 1; }

    Names names_;
    int acks_ = 0;
    long lastSyncs_ = 0;
    int maxIteration_ = -1;
    std::map<std::string, std::pair<int, std::int64_t>> groups_; // name -> (i, version)
    std::map<int, std::int64_t> provisions_;                     // i -> version
    std::set<int> begun_;
    std::map<int, std::string> completed_; // i -> state
    std::set<int> batches_;
    std::set<int> deletedBatches_;
};

} // namespace crash
