#pragma once
// A page of the console. MainWindow hosts panels and knows nothing else about them: each panel
// gets its collaborators in its constructor from the composition root (app/console).

#include <QIcon>
#include <QString>
#include <QWidget>

namespace sy::ui {

class Panel : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;
    ~Panel() override = default;

    virtual QString title() const = 0;
    virtual QIcon icon() const = 0;
    virtual QString toolTip() const { return title(); }
};

} // namespace sy::ui
