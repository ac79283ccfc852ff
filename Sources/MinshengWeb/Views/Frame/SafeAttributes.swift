import Plot

/// Plot escapes text nodes but writes attribute values as given, so a quote in a user's input
/// would end the attribute. Every attribute in our views goes through these, which escape it.
enum HTMLEscape {
    static func attribute(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }
}

extension Node {
    /// An attribute whose value is escaped.
    static func attr(_ name: String, _ value: String) -> Node {
        .attribute(named: name, value: HTMLEscape.attribute(value))
    }
}

extension Attribute {
    static func attr(_ name: String, _ value: String) -> Attribute {
        .attribute(named: name, value: HTMLEscape.attribute(value))
    }
}
