/// What a password must be. Messages are shown to users, so they are Chinese.
public enum PasswordRules {
    public static let minimumLength = 8
    public static let maximumLength = 128

    /// Returns the reason a new password is refused, or nil when it is acceptable.
    public static func problem(with password: String, username: String) -> String? {
        if password.count < minimumLength { return "密码至少需要 \(minimumLength) 个字符。" }
        if password.count > maximumLength { return "密码不能超过 \(maximumLength) 个字符。" }
        if password.lowercased() == username.lowercased() { return "密码不能与用户名相同。" }
        let hasLetter = password.contains { $0.isLetter }
        let hasDigit = password.contains { $0.isNumber }
        if !(hasLetter && hasDigit) { return "密码需同时包含字母和数字。" }
        return nil
    }
}

/// Usernames: short, printable, no spaces, so they can be typed at a login form and a shell.
public enum UsernameRules {
    public static func problem(with username: String) -> String? {
        if username.isEmpty { return "请输入用户名。" }
        if username.count > 64 { return "用户名不能超过 64 个字符。" }
        let allowed = username.allSatisfy { $0.isLetter || $0.isNumber || "._-".contains($0) }
        if !allowed { return "用户名只能包含字母、数字、汉字和 . _ -。" }
        return nil
    }
}
