#include "core/expr/parser.h"

#include "core/expr/lexer.h"
#include "core/util/strings.h"

#include <algorithm>

namespace sy::expr::detail {

namespace {

// Thrown inside the parser only and turned into a Result by parse(): it lets the descent functions
// return node indices directly instead of checking a result after every call.
struct Failure {
    ParseError error;
};

bool isFunctionPair(std::string_view name) {
    return name == "min" || name == "max";
}

std::optional<Op> aggregateOp(std::string_view name) {
    if (name == "avg")
        return Op::Avg;
    if (name == "min")
        return Op::AggMin;
    if (name == "max")
        return Op::AggMax;
    if (name == "sum")
        return Op::Sum;
    if (name == "count")
        return Op::Count;
    return std::nullopt;
}

class Parser {
public:
    Parser(Language language, const MetricCatalog& catalog, std::vector<Token> tokens)
        : lang_(language)
        , catalog_(catalog)
        , tokens_(std::move(tokens)) {}
    ExprTree run();

private:
    // Bounds recursion: every '(', call and '!' holds one level while its operand is parsed.
    class Depth {
    public:
        Depth(Parser& parser, const Token& at)
            : parser_(parser) {
            if (++parser_.depth_ > kMaxDepth)
                parser_.fail(errorAt(at.column, {},
                                     "expression nests deeper than " + std::to_string(kMaxDepth) +
                                         " levels"));
        }
        ~Depth() { --parser_.depth_; }
        Depth(const Depth&) = delete;
        Depth& operator=(const Depth&) = delete;

    private:
        Parser& parser_;
    };

    const Token& peek() const { return tokens_[pos_]; }
    const Token& take() {
        const Token& t = tokens_[pos_];
        if (t.kind != Tok::End)
            ++pos_;
        return t;
    }
    [[noreturn]] void fail(ParseError error) const { throw Failure{std::move(error)}; }
    [[noreturn]] void failExpected(const Token& at, std::string expected,
                                   const std::string& note = {}) const {
        fail(makeError(at.column, std::move(expected), describe(at), note));
    }
    void expectClose(const std::string& note = {}) {
        if (peek().kind != Tok::RParen)
            failExpected(peek(), "')'", note);
        take();
    }

    std::int32_t add(Op op, std::size_t column, std::int32_t lhs = -1, std::int32_t rhs = -1);
    std::int32_t addMetric(Op op, const Token& name, std::size_t column);
    bool isCond(std::int32_t node) const { return isCondition(tree_.nodes[node].op); }
    void requireValue(std::int32_t node) const;
    void requireCondition(std::int32_t node, const Token& next) const;
    [[noreturn]] void failUnsupported(const Token& op) const;
    [[noreturn]] void failUnknownMetric(const Token& name) const;
    std::string atomExpected() const;

    std::int32_t parseOr();
    std::int32_t parseAnd();
    std::int32_t parseNot();
    std::int32_t parseComparison();
    std::int32_t parseSum();
    std::int32_t parseProduct();
    std::int32_t parseAtom();
    std::int32_t parseName();
    std::int32_t parsePair(const Token& name);
    std::int32_t parseAggregate(const Token& name, Op op);

    Language lang_;
    const MetricCatalog& catalog_;
    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
    int depth_ = 0;
    ExprTree tree_;
};

ExprTree Parser::run() {
    const std::int32_t root = lang_ == Language::Scale ? parseOr() : parseSum();
    if (lang_ == Language::Scale) {
        requireCondition(root, peek());
        if (peek().kind != Tok::End)
            failExpected(peek(), "'&&', '||' or end of input");
    } else if (peek().kind != Tok::End) {
        failExpected(peek(), "'+', '-', '*', '/' or end of input");
    }
    return std::move(tree_);
}

std::int32_t Parser::add(Op op, std::size_t column, std::int32_t lhs, std::int32_t rhs) {
    Node n;
    n.op = op;
    n.column = static_cast<std::uint32_t>(column);
    n.lhs = lhs;
    n.rhs = rhs;
    tree_.nodes.push_back(n);
    return static_cast<std::int32_t>(tree_.nodes.size() - 1);
}

std::int32_t Parser::addMetric(Op op, const Token& name, std::size_t column) {
    const auto slot = catalog_.slotOf(name.text);
    if (!slot)
        failUnknownMetric(name);
    auto it = std::find(tree_.metricSlots.begin(), tree_.metricSlots.end(), *slot);
    if (it == tree_.metricSlots.end()) {
        tree_.metricSlots.push_back(*slot);
        tree_.slotNames.emplace_back(name.text);
        it = tree_.metricSlots.end() - 1;
    }
    const std::int32_t index = add(op, column);
    tree_.nodes[index].slot = static_cast<std::uint32_t>(*slot);
    tree_.nodes[index].ref = static_cast<std::uint32_t>(it - tree_.metricSlots.begin());
    return index;
}

void Parser::failUnknownMetric(const Token& name) const {
    const auto hint = catalog_.suggest(name.text);
    fail(errorAt(name.column, "a metric name",
                 "unknown metric " + quoted(name.text) +
                     (hint ? "; did you mean " + quoted(*hint) + "?" : std::string())));
}

void Parser::requireValue(std::int32_t node) const {
    if (isCond(node))
        fail(makeError(tree_.nodes[node].column, "a value", "a condition",
                       "a comparison cannot be used as a number"));
}

// A value where a condition belongs is reported at the token after it, where the missing
// comparison would go: "avg(x) || ..." -> "expected '>' or '<' but found '||'".
void Parser::requireCondition(std::int32_t node, const Token& next) const {
    if (!isCond(node))
        failExpected(next, "'>' or '<'");
}

void Parser::failUnsupported(const Token& op) const {
    std::string instead = "compare with '>' or '<'";
    std::string expected = "'>' or '<'";
    if (op.kind == Tok::GreaterEqual || op.kind == Tok::LessEqual) {
        expected = op.kind == Tok::GreaterEqual ? "'>'" : "'<'";
        instead = "use " + expected;
    }
    fail(errorAt(op.column, expected, quoted(op.text) + " is not supported; " + instead));
}

std::string Parser::atomExpected() const {
    switch (lang_) {
    case Language::Capacity:
        return "a number, a metric, 'min', 'max' or '('";
    case Language::Scale:
        return "a number, an aggregate (avg, min, max, sum, count) or '('";
    case Language::ShuffleSize:
        return "a number, 'nodeCount', 'min', 'max' or '('";
    }
    return {};
}

std::int32_t Parser::parseOr() {
    std::int32_t lhs = parseAnd();
    while (peek().kind == Tok::OrOr) {
        requireCondition(lhs, peek());
        const Token& op = take();
        const std::int32_t rhs = parseAnd();
        requireCondition(rhs, peek());
        lhs = add(Op::Or, op.column, lhs, rhs);
    }
    return lhs;
}

std::int32_t Parser::parseAnd() {
    std::int32_t lhs = parseNot();
    while (peek().kind == Tok::AndAnd) {
        requireCondition(lhs, peek());
        const Token& op = take();
        const std::int32_t rhs = parseNot();
        requireCondition(rhs, peek());
        lhs = add(Op::And, op.column, lhs, rhs);
    }
    return lhs;
}

std::int32_t Parser::parseNot() {
    if (peek().kind != Tok::Not)
        return parseComparison();
    const Depth depth(*this, peek());
    const Token& op = take();
    const std::int32_t operand = parseNot();
    requireCondition(operand, peek());
    return add(Op::Not, op.column, operand);
}

std::int32_t Parser::parseComparison() {
    const std::int32_t lhs = parseSum();
    const Token& op = peek();
    switch (op.kind) {
    case Tok::Greater:
    case Tok::Less:
        break;
    case Tok::GreaterEqual:
    case Tok::LessEqual:
    case Tok::EqualEqual:
    case Tok::NotEqual:
    case Tok::Assign:
        failUnsupported(op);
    default:
        return lhs;
    }
    requireValue(lhs);
    take();
    const std::int32_t rhs = parseSum();
    requireValue(rhs);
    const std::int32_t cmp =
        add(op.kind == Tok::Greater ? Op::Greater : Op::Less, op.column, lhs, rhs);
    if (peek().kind == Tok::Greater || peek().kind == Tok::Less)
        failExpected(peek(), "'&&', '||', ')' or end of input",
                     "comparisons cannot be chained; join them with '&&'");
    return cmp;
}

std::int32_t Parser::parseSum() {
    std::int32_t lhs = parseProduct();
    while (peek().kind == Tok::Plus || peek().kind == Tok::Minus) {
        requireValue(lhs);
        const Token& op = take();
        const std::int32_t rhs = parseProduct();
        requireValue(rhs);
        lhs = add(op.kind == Tok::Plus ? Op::Add : Op::Sub, op.column, lhs, rhs);
    }
    return lhs;
}

std::int32_t Parser::parseProduct() {
    std::int32_t lhs = parseAtom();
    while (peek().kind == Tok::Star || peek().kind == Tok::Slash) {
        requireValue(lhs);
        const Token& op = take();
        const std::int32_t rhs = parseAtom();
        requireValue(rhs);
        lhs = add(op.kind == Tok::Star ? Op::Mul : Op::Div, op.column, lhs, rhs);
    }
    return lhs;
}

std::int32_t Parser::parseAtom() {
    const Token& t = peek();
    switch (t.kind) {
    case Tok::Number: {
        take();
        const std::int32_t index = add(Op::Number, t.column);
        tree_.nodes[index].value = t.number;
        return index;
    }
    case Tok::LParen: {
        const Depth depth(*this, t);
        take();
        // In scale, '(' opens either a condition or a value; the operator around it decides
        // which one was needed, so both parse here and are type-checked by the caller.
        const std::int32_t inner = lang_ == Language::Scale ? parseOr() : parseSum();
        expectClose();
        tree_.nodes[inner].column = static_cast<std::uint32_t>(t.column);
        return inner;
    }
    case Tok::Name:
        return parseName();
    case Tok::Minus:
        failExpected(t, atomExpected(), "there is no unary '-'; write 0 - x");
    default:
        failExpected(t, atomExpected());
    }
}

std::int32_t Parser::parseName() {
    const Token& t = take();
    const bool call = peek().kind == Tok::LParen;
    const std::string name = quoted(t.text);
    switch (lang_) {
    case Language::Capacity:
        if (!call)
            return addMetric(Op::Metric, t, t.column);
        if (isFunctionPair(t.text))
            return parsePair(t);
        if (aggregateOp(t.text))
            fail(errorAt(t.column, "a metric",
                         "aggregate " + name +
                             " is not allowed in a capacity expression, "
                             "which rates one node; use the metric itself"));
        fail(errorAt(t.column, "a function",
                     "unknown function " + name +
                         "; capacity expressions allow min(a, b) and max(a, b)"));
    case Language::Scale:
        if (call) {
            if (const auto op = aggregateOp(t.text))
                return parseAggregate(t, *op);
            fail(errorAt(t.column, "an aggregate",
                         "unknown function " + name +
                             "; scale expressions allow avg, min, max, "
                             "sum and count"));
        }
        if (catalog_.contains(t.text))
            fail(errorAt(t.column, "an aggregate",
                         "metric " + name + " must be inside an aggregate, e.g. avg(" +
                             std::string(t.text) + ")"));
        failUnknownMetric(t);
    case Language::ShuffleSize:
        if (call && isFunctionPair(t.text))
            return parsePair(t);
        if (call)
            fail(errorAt(t.column, "a function",
                         "unknown function " + name +
                             "; shuffle size expressions allow min(a, b) "
                             "and max(a, b)"));
        if (t.text == "nodeCount")
            return add(Op::NodeCount, t.column);
        if (catalog_.contains(t.text))
            fail(errorAt(t.column, "'nodeCount'",
                         "metric " + name +
                             " is not allowed in a shuffle size expression; only nodeCount is"));
        fail(errorAt(t.column, "'nodeCount'",
                     "unknown name " + name + "; shuffle size expressions only know nodeCount"));
    }
    failUnknownMetric(t); // not reached: every language returns or fails above
}

// min(a, b) / max(a, b) of capacity and shuffle size.
std::int32_t Parser::parsePair(const Token& name) {
    const Depth depth(*this, name);
    const std::string note = std::string(name.text) + " takes two arguments";
    take(); // '('
    const std::int32_t a = parseSum();
    if (peek().kind != Tok::Comma)
        failExpected(peek(), "','", note);
    take();
    const std::int32_t b = parseSum();
    expectClose(peek().kind == Tok::Comma ? note : std::string());
    return add(name.text == "min" ? Op::Min : Op::Max, name.column, a, b);
}

// avg/min/max/sum/count(METRIC) of scale: the argument is a metric name, not an expression.
std::int32_t Parser::parseAggregate(const Token& name, Op op) {
    take(); // '('
    const Token& metric = peek();
    if (metric.kind != Tok::Name)
        failExpected(metric, "a metric name",
                     "aggregates take one metric, e.g. avg(connections.subscriber)");
    take();
    const std::int32_t index = addMetric(op, metric, name.column);
    expectClose(peek().kind == Tok::Comma
                    ? "in a scale expression " + quoted(name.text) + " takes one metric"
                    : std::string());
    return index;
}

} // namespace

Result<ExprTree, ParseError> parse(Language language, std::string_view source,
                                   const MetricCatalog& catalog) {
    auto tokens = tokenize(source);
    if (!tokens)
        return unexpected(std::move(tokens).error());
    try {
        return Parser(language, catalog, std::move(tokens).value()).run();
    } catch (Failure& failure) {
        return unexpected(std::move(failure.error));
    }
}

} // namespace sy::expr::detail
