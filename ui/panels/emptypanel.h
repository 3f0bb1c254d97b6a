#pragma once
// A page that has nothing to show yet: its title, what it will show, and what to do next.
// Used for pages whose data source is not connected, so the layout is complete from day one.

#include "ui/panels/panel.h"

namespace sy::ui {

class EmptyPanel final : public Panel {
    Q_OBJECT
public:
    EmptyPanel(QString title, QIcon icon, QString explanation, QWidget* parent = nullptr);

    QString title() const override { return title_; }
    QIcon icon() const override { return icon_; }

private:
    QString title_;
    QIcon icon_;
};

} // namespace sy::ui
