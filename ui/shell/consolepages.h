#pragma once
// The pages every console has, in navigation order. Pages whose data sources arrive later are
// EmptyPanels that say what they will show; the composition root replaces them one by one.

namespace sy::ui {

class MainWindow;

void addStandardPages(MainWindow& window);

} // namespace sy::ui
