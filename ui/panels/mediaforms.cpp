#include "ui/panels/mediaforms.h"

#include "core/media/jobspec.h"
#include "core/media/storagetarget.h"
#include "core/model/provision.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace sy::ui {

namespace {

using Json = nlohmann::json;

const char* const kErrorStyle = "color: #d93636;";
const char* const kOkStyle = "color: #22a05a; font-weight: 600;";

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

std::string trimmed(const QLineEdit* e) {
    return e->text().trimmed().toStdString();
}

// "live/cam1" → "restream-live-cam1": a provision guid that will not collide with the
// other kind of provision of the same stream.
QString derivedGuid(const QString& prefix, const QString& stream) {
    QString s = stream.trimmed();
    s.replace(u'/', u'-');
    return s.isEmpty() ? QString() : prefix + u'-' + s;
}

QLineEdit* makeLine(const QString& placeholder, bool secret = false) {
    auto* e = new QLineEdit;
    e->setPlaceholderText(placeholder);
    if (secret)
        e->setEchoMode(QLineEdit::Password);
    return e;
}

QComboBox* makeCombo(const QStringList& items) {
    auto* c = new QComboBox;
    c->addItems(items);
    return c;
}

// The key a problem's path ends with: "streams[0].camParams.properties.rtspUri" → "rtspUri",
// "recordNodeGroups[1]" → "recordNodeGroups".
std::string lastKey(std::string path) {
    if (const auto dot = path.rfind('.'); dot != std::string::npos)
        path = path.substr(dot + 1);
    if (const auto bracket = path.find('['); bracket != std::string::npos)
        path.resize(bracket);
    return path;
}

} // namespace

MediaFormDialog::Problems problemsByField(const model::Problems& problems,
                                          const std::map<std::string, QString>& alias) {
    MediaFormDialog::Problems out;
    for (const auto& p : problems) {
        const std::string key = lastKey(p.path);
        const auto a = alias.find(key);
        out.emplace_back(a != alias.end() ? a->second : qs(key), qs(p.message));
    }
    return out;
}

// --- MediaFormDialog ---------------------------------------------------------------------------

MediaFormDialog::MediaFormDialog(FormSubmit submit, QWidget* parent)
    : QDialog(parent)
    , formError_(new QLabel(this))
    , buttons_(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
    , submit_(std::move(submit))
    , form_(new QFormLayout)
    , ok_(buttons_->button(QDialogButtonBox::Ok)) {
    ok_->setObjectName(QStringLiteral("okButton"));
    formError_->setObjectName(QStringLiteral("formError"));
    formError_->setStyleSheet(QLatin1String(kErrorStyle));
    formError_->setWordWrap(true);
    formError_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    formError_->hide();
    form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form_->setRowWrapPolicy(QFormLayout::DontWrapRows);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form_);
    layout->addWidget(formError_);
    layout->addStretch(1);
    layout->addWidget(buttons_);
    connect(buttons_, &QDialogButtonBox::accepted, this, &MediaFormDialog::submit);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    setMinimumWidth(520);
}

void MediaFormDialog::addField(const QString& key, const QString& label, QWidget* editor,
                               const QString& toolTip) {
    auto* row = new QWidget(this);
    auto* box = new QVBoxLayout(row);
    box->setContentsMargins(0, 0, 0, 0);
    box->setSpacing(2);
    editor->setParent(row);
    editor->setObjectName(key + QStringLiteral("Edit"));
    if (!toolTip.isEmpty())
        editor->setToolTip(toolTip);
    auto* error = new QLabel(row);
    error->setObjectName(key + QStringLiteral("Error"));
    error->setStyleSheet(QLatin1String(kErrorStyle));
    error->setWordWrap(true);
    error->hide();
    box->addWidget(editor);
    box->addWidget(error);
    form_->addRow(label, row);
    fields_[key] = Field{row, editor, error, true};
    watch(editor);
}

void MediaFormDialog::watch(QWidget* editor) {
    if (auto* e = qobject_cast<QLineEdit*>(editor))
        connect(e, &QLineEdit::textChanged, this, &MediaFormDialog::revalidate);
    else if (auto* c = qobject_cast<QComboBox*>(editor))
        connect(c, &QComboBox::currentTextChanged, this, &MediaFormDialog::revalidate);
    else if (auto* b = qobject_cast<QCheckBox*>(editor))
        connect(b, &QCheckBox::toggled, this, &MediaFormDialog::revalidate);
    else if (auto* s = qobject_cast<QSpinBox*>(editor))
        connect(s, &QSpinBox::valueChanged, this, &MediaFormDialog::revalidate);
    else if (auto* d = qobject_cast<QDoubleSpinBox*>(editor))
        connect(d, &QDoubleSpinBox::valueChanged, this, &MediaFormDialog::revalidate);
}

void MediaFormDialog::setFieldShown(const QString& key, bool shown) {
    const auto it = fields_.find(key);
    if (it == fields_.end())
        return;
    it->second.shown = shown;
    form_->setRowVisible(it->second.row, shown);
}

QWidget* MediaFormDialog::field(const QString& key) const {
    const auto it = fields_.find(key);
    return it == fields_.end() ? nullptr : it->second.editor;
}

QLineEdit* MediaFormDialog::lineEdit(const QString& key) const {
    return qobject_cast<QLineEdit*>(field(key));
}

QString MediaFormDialog::fieldError(const QString& key) const {
    const auto it = fields_.find(key);
    return it == fields_.end() || it->second.error->isHidden() ? QString()
                                                               : it->second.error->text();
}

bool MediaFormDialog::isFieldShown(const QString& key) const {
    const auto it = fields_.find(key);
    return it != fields_.end() && it->second.shown;
}

QString MediaFormDialog::formError() const {
    return formError_->isHidden() ? QString() : formError_->text();
}

void MediaFormDialog::revalidate() {
    backendError_.clear(); // the input changed: the last answer no longer applies
    const Problems found = problems();
    std::map<QString, QString> first;
    QStringList general;
    for (const auto& [key, message] : found) {
        const auto it = fields_.find(key);
        if (it != fields_.end() && it->second.shown) {
            first.emplace(key, message); // the first problem of each field
        } else {
            general << (key.isEmpty() ? message : key + QStringLiteral(": ") + message);
        }
    }
    for (auto& [key, f] : fields_) {
        const auto it = first.find(key);
        f.error->setText(it == first.end() ? QString() : scrubbed(it->second));
        f.error->setVisible(it != first.end());
    }
    valid_ = found.empty();
    const QString text = scrubbed(general.join(u'\n'));
    formError_->setText(text);
    formError_->setVisible(!text.isEmpty());
    ok_->setEnabled(valid_ && !busy_);
}

void MediaFormDialog::submit() {
    revalidate();
    if (!valid_ || busy_)
        return;
    busy_ = true;
    ok_->setEnabled(false);
    QPointer<MediaFormDialog> self(this);
    submit_(document(), [self](Result<void> r) {
        if (!self)
            return;
        self->busy_ = false;
        if (r) {
            self->accept();
            return;
        }
        // Stays open with the backend's answer; the operator fixes the input or cancels.
        self->ok_->setEnabled(self->valid_);
        self->formError_->setText(self->scrubbed(qs(r.error().message)));
        self->formError_->show();
    });
}

// --- RestreamerDialog --------------------------------------------------------------------------

QStringList RestreamerDialog::types() {
    return {QStringLiteral("rtmp"),   QStringLiteral("rtsp"),       QStringLiteral("ipcam"),
            QStringLiteral("hls"),    QStringLiteral("file"),       QStringLiteral("srt"),
            QStringLiteral("mpegts"), QStringLiteral("srt-caller"), QStringLiteral("rtmp-push")};
}

namespace {

// The camParams.properties each type reads (jobspec.cpp), in form order.
const std::map<QString, QStringList>& fieldsOfType() {
    static const std::map<QString, QStringList> m = {
        {QStringLiteral("rtmp"), {QStringLiteral("rtmpUri")}},
        {QStringLiteral("rtsp"), {QStringLiteral("rtspUri"), QStringLiteral("transport")}},
        {QStringLiteral("ipcam"),
         {QStringLiteral("host"), QStringLiteral("port"), QStringLiteral("remoteContextPath"),
          QStringLiteral("remoteStreamName")}},
        {QStringLiteral("hls"), {QStringLiteral("hlsUri")}},
        {QStringLiteral("file"),
         {QStringLiteral("files"), QStringLiteral("index"), QStringLiteral("loop")}},
        {QStringLiteral("srt"),
         {QStringLiteral("ip"), QStringLiteral("port"), QStringLiteral("latency"),
          QStringLiteral("passphrase"), QStringLiteral("streamid")}},
        {QStringLiteral("mpegts"),
         {QStringLiteral("ip"), QStringLiteral("port"), QStringLiteral("cast")}},
        {QStringLiteral("srt-caller"),
         {QStringLiteral("role"), QStringLiteral("ip"), QStringLiteral("port"),
          QStringLiteral("latency"), QStringLiteral("passphrase"), QStringLiteral("streamid")}},
        {QStringLiteral("rtmp-push"), {QStringLiteral("rtmpUri")}},
    };
    return m;
}

const QStringList& allTypeFields() {
    static const QStringList all = {QStringLiteral("rtmpUri"),
                                    QStringLiteral("rtspUri"),
                                    QStringLiteral("transport"),
                                    QStringLiteral("host"),
                                    QStringLiteral("port"),
                                    QStringLiteral("remoteContextPath"),
                                    QStringLiteral("remoteStreamName"),
                                    QStringLiteral("hlsUri"),
                                    QStringLiteral("files"),
                                    QStringLiteral("index"),
                                    QStringLiteral("loop"),
                                    QStringLiteral("role"),
                                    QStringLiteral("ip"),
                                    QStringLiteral("latency"),
                                    QStringLiteral("passphrase"),
                                    QStringLiteral("streamid"),
                                    QStringLiteral("cast")};
    return all;
}

} // namespace

RestreamerDialog::RestreamerDialog(media::UrlPolicy policy, FormSubmit submit, QWidget* parent)
    : MediaFormDialog(std::move(submit), parent)
    , policy_(std::move(policy))
    , type_(makeCombo(types())) {
    setObjectName(QStringLiteral("restreamerDialog"));
    setWindowTitle(tr("New restreamer"));
    addField(QStringLiteral("streamGuid"), tr("Stream:"), makeLine(QStringLiteral("live/cam1")),
             tr("The cluster stream it publishes into or reads from (app/name)"));
    addField(QStringLiteral("provisionGuid"), tr("Provision:"),
             makeLine(tr("derived from the stream")),
             tr("The provision's name; deleting it stops the restreamer"));
    addField(QStringLiteral("type"), tr("Type:"), type_,
             tr("pull: rtmp, rtsp, ipcam, hls, file; listen: srt, mpegts; srt-caller; "
                "push: rtmp-push"));
    addField(QStringLiteral("rtmpUri"), tr("RTMP URL:"),
             makeLine(QStringLiteral("rtmp://host/app/stream")));
    addField(QStringLiteral("rtspUri"), tr("RTSP URL:"),
             makeLine(QStringLiteral("rtsp://camera:554/stream")));
    addField(QStringLiteral("transport"), tr("Transport:"),
             makeCombo({QStringLiteral("tcp"), QStringLiteral("udp")}));
    addField(QStringLiteral("host"), tr("Camera host:"), makeLine(QStringLiteral("192.168.1.20")));
    addField(QStringLiteral("port"), tr("Port:"), makeLine(QStringLiteral("554")));
    addField(QStringLiteral("remoteContextPath"), tr("Context path:"),
             makeLine(tr("optional, e.g. axis-media")));
    addField(QStringLiteral("remoteStreamName"), tr("Camera stream:"),
             makeLine(QStringLiteral("media.amp")));
    addField(QStringLiteral("hlsUri"), tr("HLS URL:"),
             makeLine(QStringLiteral("https://host/path/index.m3u8")));
    addField(QStringLiteral("files"), tr("Files:"),
             makeLine(tr("a.mp4, b.mp4 (in the media folder)")));
    auto* index = new QSpinBox;
    index->setRange(0, 10000);
    addField(QStringLiteral("index"), tr("Play file #:"), index);
    addField(QStringLiteral("loop"), tr("Loop:"), new QCheckBox(tr("Play the file in a loop")));
    addField(QStringLiteral("role"), tr("Role:"),
             makeCombo({QStringLiteral("sender"), QStringLiteral("receiver")}),
             tr("sender pushes a cluster stream out; receiver pulls one in"));
    addField(QStringLiteral("ip"), tr("IP address:"), makeLine(QStringLiteral("0.0.0.0")));
    addField(QStringLiteral("latency"), tr("Latency (ms):"), makeLine(tr("optional, 20-8000")));
    addField(QStringLiteral("passphrase"), tr("Passphrase:"), makeLine(tr("optional"), true));
    addField(QStringLiteral("streamid"), tr("Stream id:"), makeLine(tr("optional")));
    addField(QStringLiteral("cast"), tr("Cast:"),
             makeCombo({QStringLiteral("unicast"), QStringLiteral("multicast")}));
    auto* persist = new QCheckBox(tr("Retry forever and re-place it when its node goes"));
    addField(QStringLiteral("persist"), tr("Persist:"), persist);
    auto* immediate = new QCheckBox(tr("Start now (else at publish?restream=true)"));
    immediate->setChecked(true);
    addField(QStringLiteral("immediate"), tr("Immediate:"), immediate);
    auto* attempts = new QSpinBox;
    attempts->setRange(0, 1000);
    attempts->setValue(5);
    addField(QStringLiteral("attempts"), tr("Attempts:"), attempts,
             tr("Restarts after failures before it gives up (ignored when persistent)"));
    auto* delay = new QDoubleSpinBox;
    delay->setRange(0, 3600);
    delay->setDecimals(1);
    delay->setValue(1.0);
    delay->setSuffix(tr(" s"));
    addField(QStringLiteral("delayS"), tr("First back-off:"), delay);

    connect(type_, &QComboBox::currentTextChanged, this, &RestreamerDialog::typeChanged);
    connect(lineEdit(QStringLiteral("provisionGuid")), &QLineEdit::textEdited, this,
            [this] { provisionEdited_ = true; });
    connect(lineEdit(QStringLiteral("streamGuid")), &QLineEdit::textChanged, this,
            [this](const QString& stream) {
                if (!provisionEdited_)
                    lineEdit(QStringLiteral("provisionGuid"))
                        ->setText(derivedGuid(QStringLiteral("restream"), stream));
            });
    typeChanged();
}

void RestreamerDialog::setType(const QString& type) {
    type_->setCurrentText(type);
}

void RestreamerDialog::typeChanged() {
    const auto it = fieldsOfType().find(type_->currentText());
    const QStringList shown = it == fieldsOfType().end() ? QStringList() : it->second;
    for (const auto& key : allTypeFields())
        setFieldShown(key, shown.contains(key));
    const bool push = type_->currentText() == QLatin1String("rtmp-push");
    if (auto* uri = lineEdit(QStringLiteral("rtmpUri")))
        uri->setPlaceholderText(push ? QStringLiteral("rtmp://host/app/streamkey")
                                     : QStringLiteral("rtmp://host/app/stream"));
    revalidate();
}

model::ProvisionRequest RestreamerDialog::request() const {
    model::StreamProvision s;
    s.streamGuid = trimmed(lineEdit(QStringLiteral("streamGuid")));
    model::CamParams cam;
    auto& props = cam.properties;
    props["type"] = type_->currentText().toStdString();
    const auto it = fieldsOfType().find(type_->currentText());
    if (it != fieldsOfType().end())
        for (const auto& key : it->second) {
            QWidget* w = field(key);
            std::string value;
            if (auto* e = qobject_cast<QLineEdit*>(w))
                value = trimmed(e);
            else if (auto* c = qobject_cast<QComboBox*>(w))
                value = c->currentText().toStdString();
            else if (auto* b = qobject_cast<QCheckBox*>(w))
                value = b->isChecked() ? "true" : "";
            else if (auto* n = qobject_cast<QSpinBox*>(w))
                value = n->value() > 0 ? std::to_string(n->value()) : "";
            if (!value.empty())
                props[key.toStdString()] = value;
        }
    props["persist"] =
        qobject_cast<QCheckBox*>(field(QStringLiteral("persist")))->isChecked() ? "true" : "false";
    props["immediate"] = qobject_cast<QCheckBox*>(field(QStringLiteral("immediate")))->isChecked()
                             ? "true"
                             : "false";
    props["attempts"] =
        std::to_string(qobject_cast<QSpinBox*>(field(QStringLiteral("attempts")))->value());
    props["delayS"] =
        QString::number(qobject_cast<QDoubleSpinBox*>(field(QStringLiteral("delayS")))->value())
            .toStdString();
    s.camParams = std::move(cam);
    model::ProvisionRequest p;
    p.provisionGuid = trimmed(lineEdit(QStringLiteral("provisionGuid")));
    p.streams = std::vector<model::StreamProvision>{std::move(s)};
    return p;
}

nlohmann::json RestreamerDialog::document() const {
    return Json::array({model::encodeProvision(request())});
}

MediaFormDialog::Problems RestreamerDialog::problems() const {
    const auto p = request();
    model::Problems found;
    if (auto why = model::checkStreamGuid(p.streams->front().streamGuid.value_or("")))
        found.push_back({"streamGuid", *why});
    for (auto& problem : model::validateProvision(p, ""))
        found.push_back(std::move(problem));
    if (auto jobs = media::jobsForProvision(p, policy_); !jobs)
        for (const auto& problem : jobs.error())
            found.push_back(problem);
    return problemsByField(found);
}

QString RestreamerDialog::scrubbed(QString text) const {
    // The passphrase and a push destination's key may come back inside a problem.
    std::vector<std::string> secrets;
    if (const auto pass = trimmed(lineEdit(QStringLiteral("passphrase"))); !pass.empty())
        secrets.push_back(pass);
    if (type_->currentText() == QLatin1String("rtmp-push")) {
        const auto uri = trimmed(lineEdit(QStringLiteral("rtmpUri")));
        if (const auto slash = uri.rfind('/');
            slash != std::string::npos && slash + 1 < uri.size() && uri.find("://") + 2 != slash)
            secrets.push_back(uri.substr(slash + 1));
    }
    return secrets.empty() ? text : qs(media::scrub(text.toStdString(), secrets));
}

// --- SocialDestinationDialog -------------------------------------------------------------------

SocialDestinationDialog::SocialDestinationDialog(media::UrlPolicy policy, FormSubmit submit,
                                                 QWidget* parent)
    : MediaFormDialog(std::move(submit), parent)
    , policy_(std::move(policy)) {
    setObjectName(QStringLiteral("socialDialog"));
    setWindowTitle(tr("New social destination"));
    addField(QStringLiteral("streamGuid"), tr("Stream:"), makeLine(QStringLiteral("live/show")),
             tr("The cluster stream to send out (app/name)"));
    addField(QStringLiteral("provisionGuid"), tr("Provision:"),
             makeLine(tr("derived from the stream")));
    addField(QStringLiteral("url"), tr("Server URL:"),
             makeLine(QStringLiteral("rtmps://live-api-s.facebook.com:443/rtmp")),
             tr("The platform's RTMP or RTMPS ingest URL, without the stream key"));
    addField(QStringLiteral("key"), tr("Stream key:"), makeLine(tr("from the platform"), true),
             tr("Stored encrypted; never shown again"));
    connect(lineEdit(QStringLiteral("provisionGuid")), &QLineEdit::textEdited, this,
            [this] { provisionEdited_ = true; });
    connect(lineEdit(QStringLiteral("streamGuid")), &QLineEdit::textChanged, this,
            [this](const QString& stream) {
                if (!provisionEdited_)
                    lineEdit(QStringLiteral("provisionGuid"))
                        ->setText(derivedGuid(QStringLiteral("social"), stream));
            });
    revalidate();
}

std::string SocialDestinationDialog::destUri() const {
    std::string url = trimmed(lineEdit(QStringLiteral("url")));
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    const std::string key = trimmed(lineEdit(QStringLiteral("key")));
    return key.empty() ? url : url + "/" + key;
}

model::ProvisionRequest SocialDestinationDialog::request() const {
    model::StreamProvision s;
    s.streamGuid = trimmed(lineEdit(QStringLiteral("streamGuid")));
    s.destUri = destUri();
    model::ProvisionRequest p;
    p.provisionGuid = trimmed(lineEdit(QStringLiteral("provisionGuid")));
    p.streams = std::vector<model::StreamProvision>{std::move(s)};
    return p;
}

nlohmann::json SocialDestinationDialog::document() const {
    return Json::array({model::encodeProvision(request())});
}

MediaFormDialog::Problems SocialDestinationDialog::problems() const {
    const auto p = request();
    model::Problems found;
    if (auto why = model::checkStreamGuid(p.streams->front().streamGuid.value_or("")))
        found.push_back({"streamGuid", *why});
    if (trimmed(lineEdit(QStringLiteral("url"))).empty())
        found.push_back({"url", "required"});
    if (trimmed(lineEdit(QStringLiteral("key"))).empty())
        found.push_back({"key", "required: the platform gives it"});
    for (auto& problem : model::validateProvision(p, ""))
        found.push_back(std::move(problem));
    if (auto jobs = media::jobsForProvision(p, policy_); !jobs)
        for (const auto& problem : jobs.error())
            found.push_back(problem);
    return problemsByField(found, {{"destUri", QStringLiteral("url")}});
}

QString SocialDestinationDialog::scrubbed(QString text) const {
    const auto key = trimmed(lineEdit(QStringLiteral("key")));
    return key.empty() ? text : qs(media::scrub(text.toStdString(), {key}));
}

// --- StorageTargetDialog -----------------------------------------------------------------------

namespace {

const QStringList& folderFields() {
    static const QStringList f = {QStringLiteral("path")};
    return f;
}

const QStringList& s3Fields() {
    static const QStringList f = {QStringLiteral("bucket"),          QStringLiteral("region"),
                                  QStringLiteral("endpoint"),        QStringLiteral("accessKeyId"),
                                  QStringLiteral("secretAccessKey"), QStringLiteral("provider"),
                                  QStringLiteral("prefix")};
    return f;
}

std::string jsonText(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

StorageTargetDialog::StorageTargetDialog(FormSubmit submit, FormSubmit test, const Json& existing,
                                         QWidget* parent)
    : MediaFormDialog(std::move(submit), parent)
    , testFn_(std::move(test))
    , editing_(existing.is_object())
    , kind_(makeCombo({QStringLiteral("folder"), QStringLiteral("s3")}))
    , test_(new QPushButton(QIcon(QStringLiteral(":/icons/check-ok.svg")), tr("Test"), this))
    , testResult_(new QLabel(this)) {
    setObjectName(QStringLiteral("storageTargetDialog"));
    setWindowTitle(editing_ ? tr("Edit storage target") : tr("New storage target"));
    addField(QStringLiteral("name"), tr("Name:"), makeLine(QStringLiteral("archive")));
    addField(QStringLiteral("kind"), tr("Kind:"), kind_,
             tr("folder: a local or mounted directory; s3: an S3-compatible bucket"));
    addField(QStringLiteral("path"), tr("Folder:"), makeLine(QStringLiteral("/srv/recordings")),
             tr("An absolute path on the machine that runs the cluster"));
    addField(QStringLiteral("bucket"), tr("Bucket:"), makeLine(QStringLiteral("recordings")));
    addField(QStringLiteral("region"), tr("Region:"), makeLine(QStringLiteral("eu-west-1")));
    addField(QStringLiteral("endpoint"), tr("Endpoint:"),
             makeLine(tr("optional, e.g. https://minio.example:9000")));
    const QString secretHint = editing_ ? tr("unchanged (stored)") : QString();
    addField(QStringLiteral("accessKeyId"), tr("Access key id:"), makeLine(secretHint, true));
    addField(QStringLiteral("secretAccessKey"), tr("Secret access key:"),
             makeLine(secretHint, true));
    addField(QStringLiteral("provider"), tr("Provider:"),
             makeLine(tr("optional: AWS, Minio, Other")));
    addField(QStringLiteral("prefix"), tr("Prefix:"), makeLine(tr("optional, e.g. cluster-a")));
    auto* days = new QSpinBox;
    days->setRange(0, 100000);
    days->setSpecialValueText(tr("keep"));
    days->setSuffix(tr(" days"));
    addField(QStringLiteral("maxAgeDays"), tr("Delete after:"), days,
             tr("Recordings older than this are deleted (keep: never)"));
    auto* count = new QSpinBox;
    count->setRange(0, 1000000);
    count->setSpecialValueText(tr("all"));
    addField(QStringLiteral("maxCount"), tr("Keep newest:"), count,
             tr("Per stream, only the newest N recordings are kept (all: no limit)"));
    addField(QStringLiteral("recordNodeGroups"), tr("Record every stream of:"),
             makeLine(tr("node groups, comma separated (optional)")));

    test_->setObjectName(QStringLiteral("testButton"));
    test_->setToolTip(tr("Write, read back and delete a probe object with these settings"));
    testResult_->setObjectName(QStringLiteral("testResult"));
    testResult_->setWordWrap(true);
    testResult_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* testRow = new QWidget(this);
    auto* testLayout = new QHBoxLayout(testRow);
    testLayout->setContentsMargins(0, 0, 0, 0);
    testLayout->addWidget(test_);
    testLayout->addWidget(testResult_, 1);
    form()->addRow(QString(), testRow);
    connect(test_, &QPushButton::clicked, this, &StorageTargetDialog::runTest);
    connect(kind_, &QComboBox::currentTextChanged, this, &StorageTargetDialog::kindChanged);

    if (editing_) {
        lineEdit(QStringLiteral("name"))->setText(qs(jsonText(existing, "name")));
        lineEdit(QStringLiteral("name"))->setReadOnly(true);
        kind_->setCurrentText(qs(jsonText(existing, "kind")));
        const Json settings = existing.value("settings", Json::object());
        for (const auto& key : folderFields() + s3Fields()) {
            if (key == QLatin1String("accessKeyId") || key == QLatin1String("secretAccessKey"))
                continue; // secrets are never shown back
            if (auto* e = lineEdit(key))
                e->setText(qs(jsonText(settings, key.toStdString().c_str())));
        }
        const Json retention = existing.value("retention", Json::object());
        if (const auto d = retention.find("maxAgeDays"); d != retention.end() && d->is_number())
            days->setValue(d->get<int>());
        if (const auto c = retention.find("maxCount"); c != retention.end() && c->is_number())
            count->setValue(c->get<int>());
        QStringList groups;
        for (const auto& g : existing.value("recordNodeGroups", Json::array()))
            if (g.is_string())
                groups << qs(g.get<std::string>());
        lineEdit(QStringLiteral("recordNodeGroups"))->setText(groups.join(QStringLiteral(", ")));
    }
    kindChanged();
}

void StorageTargetDialog::kindChanged() {
    const bool folder = kind_->currentText() == QLatin1String("folder");
    for (const auto& key : folderFields())
        setFieldShown(key, folder);
    for (const auto& key : s3Fields())
        setFieldShown(key, !folder);
    revalidate();
}

nlohmann::json StorageTargetDialog::document() const {
    const bool folder = kind_->currentText() == QLatin1String("folder");
    Json settings = Json::object();
    for (const auto& key : folder ? folderFields() : s3Fields()) {
        const std::string v = trimmed(lineEdit(key));
        const bool secret =
            key == QLatin1String("accessKeyId") || key == QLatin1String("secretAccessKey");
        if (!v.empty())
            settings[key.toStdString()] = v;
        else if (secret && editing_)
            settings[key.toStdString()] = "••••"; // keeps the stored value
    }
    Json retention = Json::object();
    if (const int d = qobject_cast<QSpinBox*>(field(QStringLiteral("maxAgeDays")))->value(); d > 0)
        retention["maxAgeDays"] = d;
    if (const int c = qobject_cast<QSpinBox*>(field(QStringLiteral("maxCount")))->value(); c > 0)
        retention["maxCount"] = c;
    Json groups = Json::array();
    for (const auto& g : lineEdit(QStringLiteral("recordNodeGroups"))->text().split(u','))
        if (!g.trimmed().isEmpty())
            groups.push_back(g.trimmed().toStdString());
    return Json{{"name", trimmed(lineEdit(QStringLiteral("name")))},
                {"kind", kind_->currentText().toStdString()},
                {"settings", settings},
                {"retention", retention},
                {"recordNodeGroups", groups}};
}

MediaFormDialog::Problems StorageTargetDialog::problems() const {
    // Decoding validates too (media::validateStorageTarget's problems, same wording).
    auto config = media::decodeStorageTarget(document());
    std::optional<std::string> why;
    if (!config)
        why = config.error().message;
    else
        why = media::validateStorageTarget(*config);
    if (!why)
        return {};
    // "settings.path: required for folder; retention.maxCount: must be >= 1"
    model::Problems found;
    for (const auto& part : qs(*why).split(QStringLiteral("; "))) {
        const auto colon = part.indexOf(QStringLiteral(": "));
        if (colon < 0)
            found.push_back({"", part.toStdString()});
        else
            found.push_back({part.left(colon).toStdString(), part.mid(colon + 2).toStdString()});
    }
    return problemsByField(found);
}

QString StorageTargetDialog::testResult() const {
    return testResult_->text();
}

void StorageTargetDialog::runTest() {
    if (!testFn_)
        return;
    test_->setEnabled(false);
    testResult_->setStyleSheet(QString());
    testResult_->setText(tr("Testing…"));
    QPointer<StorageTargetDialog> self(this);
    testFn_(document(), [self](Result<void> r) {
        if (!self)
            return;
        self->test_->setEnabled(true);
        self->testResult_->setStyleSheet(QLatin1String(r ? kOkStyle : kErrorStyle));
        self->testResult_->setText(r ? tr("OK") : qs(r.error().message));
    });
}

} // namespace sy::ui
