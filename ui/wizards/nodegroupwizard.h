#pragma once
// NodeGroupWizard: creates a node group in four steps (shape, name and provider → regions →
// roles and scale rules → review as JSON), starting from the core's presets so that every
// default is one the core accepts. Finish sends the config through the ClusterBackend and waits
// for its answer without blocking: the wizard closes on success and shows the backend's message
// and stays open on failure, so the operator can fix the name and try again.
//
// createWithDefaults() is the one-click path: an origin-edge group under a fresh name.

#include "ui/backend/clusterbackend.h"

#include "core/model/nodegrouppresets.h"

#include <QWizard>

#include <functional>
#include <string>

namespace sy::ui {

class PresetPage;
class RegionsPage;
class ReviewPage;
class RulesPage;

class NodeGroupWizard final : public QWizard {
    Q_OBJECT
public:
    enum PageId { PresetPageId, RegionsPageId, RulesPageId, ReviewPageId };

    explicit NodeGroupWizard(ClusterBackend& backend, QWidget* parent = nullptr);

    // The node group as the pages describe it now (what Finish would send).
    model::NodeGroupConfig config() const;
    // Problems of the options and of the config, as the core sees them; empty when valid.
    model::Problems problems() const;
    bool isCreating() const;

    PresetPage* presetPage() const { return presetPage_; }
    RegionsPage* regionsPage() const { return regionsPage_; }
    RulesPage* rulesPage() const { return rulesPage_; }
    ReviewPage* reviewPage() const { return reviewPage_; }

    // Finish: creates the node group; the dialog is accepted only once the backend agreed.
    void accept() override;

Q_SIGNALS:
    // The backend created the group (emitted just before the wizard closes).
    void nodeGroupCreated(const QString& name);

private:
    model::PresetOptions options() const;
    void setCreating(bool creating);

    ClusterBackend& backend_;
    PresetPage* presetPage_ = nullptr;
    RegionsPage* regionsPage_ = nullptr;
    RulesPage* rulesPage_ = nullptr;
    ReviewPage* reviewPage_ = nullptr;
};

// Creates an origin-edge node group with the preset's defaults under the first free name
// "cluster-1", "cluster-2", … of the backend's snapshot; a name taken meanwhile (the snapshot of
// a remote backend lags) moves on to the next. `done` gets the name used, or the backend's
// error; it is not called once `context` is gone.
using CreatedCallback = std::function<void(Result<std::string>)>;
void createWithDefaults(ClusterBackend& backend, QObject* context, CreatedCallback done,
                        const std::string& cloudPlatform = "SIMULATED");

} // namespace sy::ui
