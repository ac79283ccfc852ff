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

extension Node where Context == HTML.HeadContext {
    /// The page's `<title>`, its text escaped, and nothing else. Plot's `.title()` also writes the
    /// title into `twitter:title` and `og:title` meta tags without escaping it: a quote in a
    /// project's name would end the attribute and put the rest (a `<meta http-equiv="refresh">`,
    /// which no content-security policy stops) into the page's head. Views never use it.
    static func pageTitle(_ title: String) -> Node {
        .element(named: "title", text: title)
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
