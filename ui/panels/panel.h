#pragma once
// A page of the console. MainWindow hosts panels and knows nothing else about them: each panel
// gets its collaborators in its constructor from the composition root (app/console).

#include <QIcon>
#include <QString>
#include <QWidget>

namespace sy::ui {

class ClusterBackend;

class Panel : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;
    ~Panel() override = default;

    virtual QString title() const = 0;
    virtual QIcon icon() const = 0;
    virtual QString toolTip() const { return title(); }
    // Applies the backend's latest snapshot now, shown or not.
    virtual void refresh() {}

protected:
    // Refreshes on every snapshot announcement while the page is shown; a hidden page only
    // notes that it is stale (and runs whileHidden()) and catches up when it is shown, so the
    // GUI thread's time goes to what the operator sees.
    void refreshOnSnapshots(ClusterBackend& backend);
    // Cheap work a hidden page still needs per snapshot (a history that must not have gaps).
    virtual void whileHidden() {}
    void showEvent(QShowEvent* event) override;

private:
    bool stale_ = false;
};

} // namespace sy::ui
